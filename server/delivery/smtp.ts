/** Email through any SMTP server, with nodemailer and bounded timeouts. */
import nodemailer, { type Transporter } from 'nodemailer';
import type { SmtpConfig } from '../config';
import { type Courier, DeliveryError, type DeliveryReceipt, type OutgoingMessage } from './courier';

const TIMEOUT_MS = 5_000;

export class SmtpCourier implements Courier {
  readonly kind = 'provider';
  readonly provider = 'smtp';
  private readonly transport: Transporter;

  constructor(private readonly config: SmtpConfig) {
    this.transport = nodemailer.createTransport(config.url, {
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
