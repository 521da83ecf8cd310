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
import { AccountEnds } from './account-ends';
import { AuditLog } from './audit-log';
import { AuditTrail } from './audit-trail';
import { AuthService } from './auth';
import { CliOperations } from './cli-operations';
import { CodeSender } from './code-sender';
import { ContactService } from './contacts';
import { DeliveryTracker } from './delivery-status';
import { DeviceService } from './devices';
import { GuidedRecoveryService } from './guided-recovery';
import { InstanceReadinessCheck } from './instance-readiness';
import { LocationService } from './locations';
import { LoginLockout } from './lockout';
import { Notifier } from './notices';
import { OidcAccountService } from './oidc-accounts';
import { OidcInteractionService } from './oidc-interactions';
import { OidcLogoutService } from './oidc-logout';
import { OidcProviderHost } from './oidc-provider';
import { SigningKeyService } from './oidc-signing-keys';
import { OidcStorage } from './oidc-storage';
import { OidcTicketService } from './oidc-tickets';
import { PasswordCheck } from './password-check';
import { PasswordResetService } from './password-reset';
import { PracticePolicyService } from './practice-policy';
import { ProfileService } from './profile';
import { ReadinessService } from './readiness';
import { RecoveryCodeService } from './recovery-codes';
import { RekeyService } from './rekey';
import { RelyingPartyService } from './relying-parties';
import { SendGuards } from './send-guards';
import { SessionRevocation } from './session-revocation';
import { SessionService } from './sessions';
import { TotpService } from './totp';
import { UserAccountService } from './user-accounts';

export interface ServiceOptions {
  db: Db;
  key: Buffer;
  /** Keys replaced by `key`, still accepted for codes sent before the change. */
  previousKeys?: Buffer[];
  config: Pick<
    ServerConfig,
    'loginLimitPerMinute' | 'sendLimitPerHour' | 'hashConcurrency' | 'hashQueueLimit'
  >;
  couriers: Record<Channel, Courier>;
  /** Whether Twilio reports back to a status callback, so a sent text may still turn failed. */
  smsReportsBack?: boolean;
  /** Twilio Lookup for contacts being saved (TWILIO_LOOKUP=on). */
  lookup?: PhoneLookup;
  log: Logger;
  clock?: Clock;
  retry?: RetryOptions;
  /** How often (at most) the OpenID Connect provider re-reads its signing keys; 0: on every request (tests). */
  oidcKeyCheckMs?: number;
  /** Waits between retries of a failed back-channel logout (oidc-logout.ts RETRY_AFTER_SECONDS); tests shorten them. */
  oidcLogoutRetryAfterSeconds?: readonly number[];
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
  const guards = new SendGuards({ db, clock, audit, sendLimitPerHour: options.config.sendLimitPerHour });
  const codes = new CodeSender({
    db,
    clock,
    keyring,
    couriers: options.couriers,
    audit,
    guards,
    retry: options.retry,
  });
  const totp = new TotpService(db, clock, keyring, audit);
  const notices = new Notifier(db, clock, options.couriers, options.log, options.retry);
  const lockout = new LoginLockout(db, clock, keyring, audit, notices);
  const passwords = new PasswordCheck(clock, hasher, audit, lockout);
  const recoveryCodes = new RecoveryCodeService(db, clock, keyring, audit, notices, passwords);
  const accountEnds = new AccountEnds(db, clock, audit, recoveryCodes);
  const guidedRecovery = new GuidedRecoveryService(db, clock, keyring, audit, notices);
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
    totp,
    recoveryCodes,
    lockout,
    bypassCodes: guidedRecovery,
    accountEnds,
  });
  const devices = new DeviceService(db, clock, audit);
  const sessionRevocation = new SessionRevocation(clock, audit);
  const auditTrail = new AuditTrail(db, clock, audit);
  const userAccounts = new UserAccountService(db, clock, hasher, audit, notices, recoveryCodes, accountEnds);
  const locations = new LocationService(db, clock, audit);
  const cli = new CliOperations(
    db,
    clock,
    hasher,
    audit,
    userAccounts,
    devices,
    sessionRevocation,
    auditTrail,
    guidedRecovery,
    options.lookup,
  );
  const readiness = new ReadinessService(db, clock);
  const instanceReadiness = new InstanceReadinessCheck(db, options.couriers, options.log);
  const policy = new PracticePolicyService(db, clock, audit);
  const passwordReset = new PasswordResetService({
    db,
    clock,
    keyring,
    hasher,
    audit,
    codes,
    notices,
    totp,
    recoveryCodes,
    guards,
    limitPerMinute: options.config.loginLimitPerMinute,
  });
  const profile = new ProfileService(db, clock, hasher, audit, notices, passwords);
  const contacts = new ContactService({
    db,
    clock,
    keyring,
    audit,
    codes,
    notices,
    passwords,
    lookup: options.lookup,
  });
  const relyingParties = new RelyingPartyService(db, clock, keyring, audit);
  const signingKeys = new SigningKeyService(db, clock, keyring, audit);
  const oidcStorage = new OidcStorage(db, clock, keyring, relyingParties);
  const oidcAccounts = new OidcAccountService(db, clock, oidcStorage);
  const oidcLogout: OidcLogoutService = new OidcLogoutService({
    db,
    clock,
    storage: oidcStorage,
    audit,
    sessions,
    log: options.log,
    // The host below, once requests come: it signs the logout tokens with the current keys.
    provider: () => oidc.provider(),
    retryAfterSeconds: options.oidcLogoutRetryAfterSeconds,
  });
  const oidc: OidcProviderHost = new OidcProviderHost({
    keyring,
    accounts: oidcAccounts,
    audit,
    storage: oidcStorage,
    keys: signingKeys,
    logout: oidcLogout,
    log: options.log,
    keyCheckMs: options.oidcKeyCheckMs,
  });
  const oidcTickets = new OidcTicketService(db, clock);
  const oidcInteractions = new OidcInteractionService(oidc, sessions, oidcTickets, audit, db, clock);
  const rekey = new RekeyService(db, clock, keyring, audit);
  return {
    rekey,
    clock,
    hasher,
    audit,
    sessions,
    delivery,
    auth,
    cli,
    devices,
    sessionRevocation,
    totp,
    recoveryCodes,
    notices,
    readiness,
    instanceReadiness,
    policy,
    auditTrail,
    passwordReset,
    passwords,
    profile,
    contacts,
    userAccounts,
    locations,
    guidedRecovery,
    accountEnds,
    relyingParties,
    signingKeys,
    oidcStorage,
    oidc,
    oidcLogout,
    oidcInteractions,
    oidcTickets,
    guards,
    lockout,
  };
}
