/**
 * A channel with no provider writes its messages to the data dir's dev outbox, a JSON-lines file of mode 0600.
 * `serve` starts with such a channel only under WRSAUTH_DEV_OUTBOX=1 (trials and tests), so a code lands here
 * only then, and this file is the only place one is ever written. (The admin CLI's security notices, which
 * hold no code, may land here too.) The log line says only that a message went here, to a masked target: a
 * log shipped off the machine never holds a code or a full phone number or address, even in development.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Channel } from '../../src/shared/api';
import { maskEmail, maskPhone } from '../masking';
import type { Courier, DeliveryReceipt, OutgoingMessage } from './courier';

export const DEV_OUTBOX_FILE = 'dev-outbox.jsonl';

const masked = (channel: Channel, to: string) => (channel === 'sms' ? maskPhone(to) : maskEmail(to));

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
    const target = masked(message.channel, message.to);
    this.log.warn(
      { channel: message.channel, masked: target, devOutbox: this.file },
      `DEV ${message.channel} to ${target}: written to the dev outbox`,
    );
    return { status: 'delivered' };
  }
}
