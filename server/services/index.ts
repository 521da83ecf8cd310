/** Wires the services for one server (or one CLI run) over one database. */
import type { Logger } from 'pino';
import type { Channel } from '../../src/shared/api';
import { type Clock, systemClock } from '../clock';
import type { ServerConfig } from '../config';
import type { Db } from '../db/database';
import type { Courier, RetryOptions } from '../delivery/courier';
import type { PhoneLookup } from '../delivery/twilio-lookup';
import { PasswordHasher } from '../password-hasher';
import { Keyring } from '../secrets';
import { AdminService } from './admin';
import { AuditLog } from './audit-log';
import { AuthService } from './auth';
import { CodeSender } from './code-sender';
import { DeliveryTracker } from './delivery-status';
import { PasswordResetService } from './password-reset';
import { SessionService } from './sessions';

export interface ServiceOptions {
  db: Db;
  key: Buffer;
  /** Keys replaced by `key`, still accepted for codes sent before the change. */
  previousKeys?: Buffer[];
  config: Pick<ServerConfig, 'loginLimitPerMinute' | 'hashConcurrency' | 'hashQueueLimit'>;
  couriers: Record<Channel, Courier>;
  /** Whether Twilio reports back to a status callback, so a sent text may still turn failed. */
  smsReportsBack?: boolean;
  /** Twilio Lookup for contacts being saved (TWILIO_LOOKUP=on). */
  lookup?: PhoneLookup;
  log: Logger;
  clock?: Clock;
  retry?: RetryOptions;
}

export type Services = ReturnType<typeof createServices>;

export function createServices(options: ServiceOptions) {
  const { db } = options;
  const clock = options.clock ?? systemClock;
  const hasher = new PasswordHasher({
    concurrency: options.config.hashConcurrency,
    queueLimit: options.config.hashQueueLimit,
  });
  const audit = new AuditLog(db, clock, options.log);
  const sessions = new SessionService(db, clock);
  const delivery = new DeliveryTracker(db, clock, audit, options.smsReportsBack ?? false);
  const keyring = new Keyring(options.key, options.previousKeys);
  const codes = new CodeSender({
    db,
    clock,
    keyring,
    couriers: options.couriers,
    audit,
    retry: options.retry,
  });
  const auth = new AuthService({
    db,
    clock,
    keyring,
    hasher,
    audit,
    sessions,
    delivery,
    codes,
    loginLimitPerMinute: options.config.loginLimitPerMinute,
  });
  const admin = new AdminService(db, clock, hasher, audit, options.lookup);
  const passwordReset = new PasswordResetService({
    db,
    clock,
    keyring,
    hasher,
    audit,
    codes,
    limitPerMinute: options.config.loginLimitPerMinute,
  });
  return { db, clock, hasher, audit, sessions, delivery, auth, admin, passwordReset };
}
