import type { Logger } from 'pino';
import type { Channel } from '../../src/shared/api';
import type { ServerConfig } from '../config';
import type { Courier } from './courier';
import { DevOutboxCourier } from './dev-outbox';
import { SmtpCourier } from './smtp';
import { TwilioCourier } from './twilio';
import { TwilioLookup } from './twilio-lookup';

/** Real providers where configured; the dev outbox for a channel with none; Twilio Lookup if switched on. */
export function createCouriers(config: Pick<ServerConfig, 'dataDir' | 'smtp' | 'twilio'>, log: Logger) {
  const dev = new DevOutboxCourier(config.dataDir, log);
  const couriers: Record<Channel, Courier> = {
    sms: config.twilio ? new TwilioCourier(config.twilio) : dev,
    email: config.smtp ? new SmtpCourier(config.smtp) : dev,
  };
  const twilio = config.twilio;
  const lookup = twilio?.lookupApiBase ? new TwilioLookup(twilio.lookupApiBase, twilio) : undefined;
  return {
    couriers,
    lookup,
    devChannels: (Object.keys(couriers) as Channel[]).filter((c) => couriers[c].kind === 'dev'),
    devOutboxFile: dev.file,
    async close() {
      for (const courier of Object.values(couriers)) {
        if (courier instanceof TwilioCourier) await courier.close();
        if (courier instanceof SmtpCourier) courier.close();
      }
      await lookup?.close();
    },
  };
}
