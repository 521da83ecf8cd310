/** Email through any SMTP server, with nodemailer and bounded timeouts. */
import nodemailer, { type Transporter } from 'nodemailer';
import type { SmtpConfig } from '../config';
import { type Courier, DeliveryError, type DeliveryReceipt, type OutgoingMessage } from './courier';

const TIMEOUT_MS = 5_000;

type SmtpOption = string | number | boolean;
export interface SmtpTransportOptions {
  secure: boolean;
  host: string;
  port?: number;
  auth?: { user: string; pass: string };
  tls?: Record<string, SmtpOption>;
  [option: string]: SmtpOption | Record<string, SmtpOption> | undefined;
}

/** A query option's value as nodemailer types it: booleans, numbers, else the text. */
function optionValue(raw: string): SmtpOption {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  return raw !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
}

/**
 * WRSAUTH_SMTP_URL as nodemailer's own URL form reads it (smtp:// or smtps://, user and password
 * percent-decoded, query options with `tls.` ones nested), but through the WHATWG URL parser: handing
 * nodemailer the string makes it call the legacy url.parse(), whose deprecation warning (DEP0169) every
 * start and every CLI command would print.
 */
export function smtpTransportOptions(url: string): SmtpTransportOptions {
  const parsed = new URL(url);
  const options: SmtpTransportOptions = {
    secure: parsed.protocol === 'smtps:',
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
  };
  if (parsed.port) options.port = Number(parsed.port);
  if (parsed.username || parsed.password) {
    options.auth = { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) };
  }
  for (const [key, raw] of parsed.searchParams) {
    const value = optionValue(raw);
    if (key.startsWith('tls.')) {
      options.tls ??= {};
      if (!(key.slice(4) in options.tls)) options.tls[key.slice(4)] = value;
    } else if (!key.includes('.') && !(key in options)) {
      options[key] = value;
    }
  }
  return options;
}

export class SmtpCourier implements Courier {
  readonly kind = 'provider';
  readonly provider = 'smtp';
  private readonly transport: Transporter;

  constructor(private readonly config: SmtpConfig) {
    this.transport = nodemailer.createTransport({
      ...smtpTransportOptions(config.url),
      connectionTimeout: TIMEOUT_MS,
      greetingTimeout: TIMEOUT_MS,
      socketTimeout: TIMEOUT_MS,
    });
  }

  async send(message: OutgoingMessage, signal: AbortSignal): Promise<DeliveryReceipt> {
    signal.throwIfAborted();
    const sending = this.transport.sendMail({
      from: this.config.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
    });
    const aborted = new Promise<never>((_, reject) => {
      signal.addEventListener(
        'abort',
        () => reject(new DeliveryError('mail server timed out', true, 'timeout')),
        {
          once: true,
        },
      );
    });
    try {
      const info = await Promise.race([sending, aborted]);
      // The mail server took it on; mailbox delivery is beyond what SMTP reports back.
      return { providerMessageId: info.messageId, status: 'sent' };
    } catch (error) {
      if (error instanceof DeliveryError) throw error;
      const responseCode = (error as { responseCode?: number }).responseCode;
      // 4xx SMTP replies are "try again later"; 5xx are final (bad mailbox, relay denied).
      const transient = responseCode === undefined || responseCode < 500;
      const reason = responseCode ? `mail server answered ${responseCode}` : 'mail server unreachable';
      throw new DeliveryError(reason, transient, responseCode ? `smtp_${responseCode}` : 'unreachable');
    }
  }

  close(): void {
    this.transport.close();
  }
}
