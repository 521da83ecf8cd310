import type { Logger } from 'pino';
import type { Channel } from '../../src/shared/api';
import { ConfigError, type ServerConfig } from '../config';
import type { Courier } from './courier';
import { DevOutboxCourier } from './dev-outbox';
import { SmtpCourier } from './smtp';
import { TwilioCourier } from './twilio';
import { TwilioLookup } from './twilio-lookup';

type DeliveryConfig = Pick<ServerConfig, 'dataDir' | 'smtp' | 'twilio'>;

/** The variables that give each channel its provider, as a deployer sets them. */
const PROVIDER_VARIABLES: Record<Channel, string> = {
  sms: 'TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID',
  email: 'WRSAUTH_SMTP_URL and WRSAUTH_MAIL_FROM',
};

/** The channels no provider is configured for: their messages could only go to the dev outbox. */
export function channelsWithoutProvider(config: Pick<ServerConfig, 'smtp' | 'twilio'>): Channel[] {
  return [...(config.twilio ? [] : ['sms' as const]), ...(config.smtp ? [] : ['email' as const])];
}

/**
 * A server that sends codes must reach people: a channel with no provider stops it at start, in one line
 * naming what to set, unless WRSAUTH_DEV_OUTBOX=1 says that this is a trial whose codes may land in the dev
 * outbox. Without this, a deployment missing a variable would quietly write codes to a file on the server.
 */
export function requireProviders(config: Pick<ServerConfig, 'smtp' | 'twilio' | 'devOutbox'>): void {
  const missing = channelsWithoutProvider(config);
  if (missing.length === 0 || config.devOutbox) return;
  const each = missing.map((channel) => `${channel} codes (set ${PROVIDER_VARIABLES[channel]})`);
  throw new ConfigError(
    `no provider sends ${each.join(' nor ')}; for a trial or tests only, WRSAUTH_DEV_OUTBOX=1 writes them to the data dir's dev outbox instead`,
  );
}

/** Real providers where configured; the dev outbox for a channel with none; Twilio Lookup if switched on. */
export function createCouriers(config: DeliveryConfig, log: Logger) {
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
    devChannels: channelsWithoutProvider(config),
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
