/** A real SMTP server (smtp-server) on loopback that keeps every message, or refuses them on request. */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  from: string;
  to: string[];
  raw: string;
}

export type SmtpBehaviour = { kind: 'accept' } | { kind: 'reject'; responseCode: number } | { kind: 'hang' };

export interface SmtpCatcher {
  url: string;
  mails: CaughtMail[];
  behave(behaviour: SmtpBehaviour): void;
  close(): Promise<void>;
}

export async function startSmtpCatcher(): Promise<SmtpCatcher> {
  const mails: CaughtMail[] = [];
  let behaviour: SmtpBehaviour = { kind: 'accept' };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 200,
    onRcptTo(_address, _session, callback) {
      if (behaviour.kind === 'hang') return; // never answers: the client must time out
      if (behaviour.kind === 'reject') {
        const error = Object.assign(new Error('mailbox unavailable'), {
          responseCode: behaviour.responseCode,
        });
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString(),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    behave(next) {
      behaviour = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The 6-digit code in a message body. */
export function codeIn(text: string): string {
  const match = /code is (\d{6})/.exec(text.replace(/=\r?\n/g, ''));
  if (!match?.[1]) throw new Error(`no code in message: ${text.slice(0, 200)}`);
  return match[1];
}
