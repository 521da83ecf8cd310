/**
 * With no provider configured for a channel, messages land in the data dir's dev outbox (JSON lines) and in one
 * log line marked DEV. This is the only place a code is ever written out, and only in that case.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Courier, DeliveryReceipt, OutgoingMessage } from './courier';

export const DEV_OUTBOX_FILE = 'dev-outbox.jsonl';

export class DevOutboxCourier implements Courier {
  readonly kind = 'dev';
  readonly provider = 'dev';
  readonly file: string;

  constructor(
    dataDir: string,
    private readonly log: Logger,
  ) {
    this.file = path.join(dataDir, DEV_OUTBOX_FILE);
  }

  async send(message: OutgoingMessage): Promise<DeliveryReceipt> {
    const entry = { at: new Date().toISOString(), ...message };
    await fs.promises.appendFile(this.file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    this.log.warn({ devOutbox: this.file }, `DEV ${message.channel} to ${message.to}: ${message.text}`);
    return { status: 'delivered' };
  }
}
