/**
 * Table types for Kysely. Times are ISO 8601 UTC strings (fixed width, so they compare correctly as text on
 * SQLite and PostgreSQL alike); booleans are 0/1 integers for the same reason.
 */
import type { ColumnType, Insertable, Selectable } from 'kysely';

export type PolicyMode = 'off' | 'optional' | 'required';

export type SelfServiceResetValue = 'two_factors' | 'one_factor' | 'off';

export interface PracticeTable {
  id: string;
  name: string;
  policy_mode: PolicyMode;
  /** YYYY-MM-DD (UTC): on and after this date, `optional` acts as `required`. */
  enforce_after: string | null;
  code_ttl_seconds: number;
  remember_days: number;
  idle_lock_minutes: number;
  /** Texts the whole practice may send in an hour (SMS pumping guard). */
  sms_per_hour: number;
  /** Country calling codes texts may go to, comma-separated ("1,44"); null for any. */
  sms_countries: string | null;
  /** Second factors offered at sign-in, comma-separated from sms, email, totp (default: all three). */
  allowed_factors: ColumnType<string, string | undefined, string>;
  /**
   * "Forgot your password?" for a user with one factor on file: `two_factors` (ask the account manager),
   * `one_factor` (that factor is enough) or `off` (no self-service reset for anyone).
   */
  self_service_reset: ColumnType<
    SelfServiceResetValue,
    SelfServiceResetValue | undefined,
    SelfServiceResetValue
  >;
  /** The IANA time zone users' start and end dates are read in (default UTC). */
  time_zone: ColumnType<string, string | undefined, string>;
  /** The guided-recovery identity checklist as JSON ({items, updatedAt}); null while the defaults apply. */
  recovery_checklist: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: string;
  updated_at: string;
}

export interface LocationTable {
  id: string;
  practice_id: string;
  name: string;
  created_at: string;
}

export interface UserTable {
  id: string;
  practice_id: string;
  username: string;
  /** Lower-cased username, unique: "CKiplock" and "ckiplock" are one account. */
  username_key: string;
  password_hash: string;
  first_name: string;
  last_name: string;
  /** nameKey(first_name), nameKey(last_name): what the Users search matches a name prefix against. */
  first_name_key: ColumnType<string, string, string | undefined>;
  last_name_key: ColumnType<string, string, string | undefined>;
  role: 'staff' | 'admin';
  /** E.164, verified cell phone. */
  phone: string | null;
  email: string | null;
  /** How each contact came to be on file (ContactSetBy); null: on file from before (`on_file`). */
  phone_set_by: ColumnType<ContactSetByValue | null, ContactSetByValue | null | undefined>;
  email_set_by: ColumnType<ContactSetByValue | null, ContactSetByValue | null | undefined>;
  middle_name: ColumnType<string | null, string | null | undefined>;
  name_prefix: ColumnType<string | null, string | null | undefined>;
  name_suffix: ColumnType<string | null, string | null | undefined>;
  /** YYYY-MM-DD. */
  date_of_birth: ColumnType<string | null, string | null | undefined>;
  sex: ColumnType<'female' | 'male' | 'other' | 'undisclosed' | null, string | null | undefined>;
  active: number;
  failed_attempts: number;
  locked_until: string | null;
  /**
   * Set while the password is a temporary one an account manager gave: it signs in only until this time,
   * and only to choose the user's own password. Null for a password the user chose.
   */
  temporary_password_until: ColumnType<string | null, string | null | undefined>;
  /** The seed's RESOURCE TYPE ("Non-Healthcare Provider"), free text. */
  resource_type: ColumnType<string | null, string | null | undefined>;
  /** YYYY-MM-DD in the practice's time zone: no sign-in before this day. */
  start_date: ColumnType<string | null, string | null | undefined>;
  /** YYYY-MM-DD in the practice's time zone: the last day the user may sign in (inclusive). */
  end_date: ColumnType<string | null, string | null | undefined>;
  /**
   * When the end date's passing was carried out (sessions, workstations, bypass and recovery codes ended,
   * audited as account_ended); null while it has not been, and again after the end date changes.
   */
  access_ended_at: ColumnType<string | null, string | null | undefined>;
  created_at: string;
  updated_at: string;
}

export type ContactSetByValue = 'user_code' | 'admin_code' | 'set_by_admin' | 'on_file';

export interface UserLocationTable {
  user_id: string;
  location_id: string;
}

/**
 * The columns every flow that sends a one-time code to a contact shares (sign-in challenges, password resets,
 * contact changes): an id, a lifetime, a state, the attempts and sends it has left and the HMAC of its latest
 * code. One mechanism moves them on (repositories/code-flows, services/code-flow); each table adds its own.
 * A flow is `pending` until it ends: `verified` or `used` by a right code, `replaced` by a newer flow; it is
 * expired once `expires_at` has passed, whatever the column says.
 */
export interface CodeFlowColumns<Status extends string = 'pending' | 'used'> {
  id: string;
  status: Status;
  attempts_remaining: number;
  sends: number;
  /** HMAC of the latest code; earlier codes are gone once a new one is sent. */
  code_hmac: string | null;
  code_expires_at: string | null;
  created_at: string;
  expires_at: string;
}

export interface ChallengeTable extends CodeFlowColumns {
  user_id: string;
  /** Where the current code went, set with its HMAC; null before the first send. */
  code_channel: 'sms' | 'email' | null;
}

export interface ContactCooldownTable {
  /** HMAC of channel + contact, so the table holds no phone number or address. */
  contact_key: string;
  next_send_at: string;
}

export interface SessionTable {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
  /** 1 when the sign-in passed a second factor (a code, the app, a recovery or bypass code, a trusted workstation). */
  second_factor: ColumnType<number, number | undefined, number>;
  /** RFC 8176 methods the sign-in proved, space-separated (`pwd sms mfa`); null for a session from before. */
  amr: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface TrustedDeviceTable {
  id: string;
  token_hash: string;
  user_id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string;
  revoked_at: string | null;
  /** Consecutive failed sign-ins that carried this workstation's token; the tenth revokes it. */
  failed_attempts: ColumnType<number, number | undefined, number>;
}

/** Consecutive failed sign-ins for a User ID that no account has, by its keyed hash (Keyring.accountKey). */
export interface LoginFailureTable {
  account_key: string;
  failed_attempts: number;
  locked_until: string | null;
  updated_at: string;
}

/** One code sent to a contact, for the per-contact limit (see repositories/contact-sends). */
export interface ContactSendTable {
  id: string;
  /** HMAC of channel + contact, as for the cooldown: the table holds no phone number or address. */
  contact_key: string;
  /** The flow the code was for: sign_in, password_reset or contact_change. */
  purpose: string;
  sent_at: string;
}

export interface RateLimitTable {
  key: string;
  window_start: string;
  hits: number;
}

export interface AuditEventTable {
  /** Time-ordered id (see newSortableId), so (at, id) is insertion order. */
  id: string;
  at: string;
  user_id: string | null;
  username: string | null;
  ip: string | null;
  user_agent: string | null;
  event_type: string;
  /** JSON object; never a code, password, token or full contact. */
  detail: string;
}

/** Where a message stands: queued before the provider call, then sent, then delivered, failed or undelivered. */
export type OutboxStatus = 'queued' | 'sent' | 'delivered' | 'failed' | 'undelivered';

/** One row per message handed to a provider: what became of it, never its text or full target. */
export interface OutboxTable {
  id: string;
  challenge_id: string | null;
  user_id: string | null;
  channel: 'sms' | 'email';
  /** As the user saw it on Verify it's you, e.g. "••• - ••• - 3816". */
  masked_target: string;
  provider: 'twilio' | 'smtp' | 'dev';
  provider_message_id: string | null;
  status: OutboxStatus;
  /** The provider's own error code (Twilio's 30006, SMTP's 550) or ours: timeout, unreachable, abandoned. */
  error_code: string | null;
  created_at: string;
  /** When a provider accepted it. */
  sent_at: string | null;
  /** When the status last changed. */
  updated_at: string;
}

/**
 * A "Forgot your password?" flow: a code to a verified contact; for a user with two or more factors, a proof
 * from another one; then a new password. `pending` until the proofs it needs are in (`first_factor` says the
 * first one is); `refused` when the first proof showed a user the practice sends to the account manager.
 */
export interface PasswordResetTable extends CodeFlowColumns<'pending' | 'verified' | 'used' | 'refused'> {
  /**
   * Null for a decoy: an unknown User ID, an inactive user, a user with no factor to send a code to, or
   * anyone while the practice has self-service reset off, gets the same answers.
   */
  user_id: string | null;
  /** HMAC of the User ID as typed, so guesses at one account are counted across resets. */
  username_key: string;
  /** The target id (`sms`, `email`) the code in `code_hmac` went to; null for a decoy's code. */
  code_target: string | null;
  /** The factor the first right code proved (`sms`, `email`); null before. */
  first_factor: string | null;
  /** The factor of the second proof (`sms`, `email`, `totp`, `recovery_code`); null before or when none was needed. */
  second_factor: string | null;
  /** JSON list of the DeliveryTargets offered that send nothing (see PasswordResetService.start). */
  decoy_targets: string | null;
  verified_at: string | null;
}

/** A user's authenticator app (RFC 6238). Offered at sign-in only once confirmed with a code. */
export interface TotpFactorTable {
  user_id: string;
  /** The base32 secret, AES-256-GCM under a key derived from the server key (see Keyring.seal). */
  secret_sealed: string;
  created_at: string;
  confirmed_at: string | null;
  /** The newest 30 s time step whose code was accepted; codes of that step or earlier are refused. */
  last_time_step: number | null;
}

/**
 * How many ACTIVE users of a practice are in one bucket of factors on file (each flag 0 or 1): the Readiness
 * view's counts sum a practice's at most 8 rows. Written only by database triggers (db/factor-counts.ts).
 */
export interface UserFactorCountTable {
  practice_id: string;
  has_phone: number;
  has_email: number;
  has_totp: number;
  users: number;
}

/** One single-use recovery code, kept only as its digest sealed under the server key. */
export interface RecoveryCodeTable {
  id: string;
  user_id: string;
  /**
   * Keyring.sealCode (`v2.<key id>.…`), re-sealable by `rekey`; codes made before that are HMACs
   * (`<key id>.<hmac>`, or bare before key ids), matched until used or replaced. The name is the first form's.
   */
  code_hmac: string;
  created_at: string;
  used_at: string | null;
}

/**
 * A new cell phone or email waiting for the code sent to it. The contact is sealed under the server key (it
 * is not on file yet); it takes effect on the users row only once verified. `replaced`: a newer change for
 * the same channel started.
 */
export interface ContactChangeTable extends CodeFlowColumns<'pending' | 'used' | 'replaced'> {
  user_id: string;
  channel: 'sms' | 'email';
  /** The new contact, AES-256-GCM under the server key, bound to this row's id (Keyring.seal). */
  value_sealed: string;
  /** As answers and the audit trail show it. */
  masked: string;
  /** `self`: the user in My settings; `admin_code`: an account manager enters the code the user reads out. */
  method: 'self' | 'admin_code';
  /** The user who asked: the user themselves, or the account manager. */
  requested_by: string;
}

/**
 * A one-time code an account manager read to a locked-out user (guided recovery), kept only as an HMAC.
 * At most one per user is live: issuing a new one deletes the unused ones.
 */
export interface BypassCodeTable {
  id: string;
  user_id: string;
  /** As recovery_codes.code_hmac: sealed (Keyring.sealCode), or an HMAC for a code made before. */
  code_hmac: string;
  /** The account manager who issued it; null from the CLI. */
  issued_by: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/**
 * What oidc-provider stores (its models: Session, Interaction, AuthorizationCode, AccessToken, RefreshToken,
 * Grant, ...). Its ids are bearer values (a token's id is the token, a session's id its cookie), so the table
 * keeps only their SHA-256; the payload (which repeats the id) is sealed under the server key.
 */
export interface OidcPayloadTable {
  model: string;
  /** SHA-256 (base64url) of the provider's id. */
  id: string;
  /** The payload as JSON, AES-256-GCM under the server key, bound to model and id (Keyring.seal). */
  payload: string;
  /** SHA-256 of the grant id, for revoking every token of a grant. */
  grant_id: string | null;
  /** SHA-256 of a device flow user code. */
  user_code: string | null;
  /** SHA-256 of a session's uid. */
  uid: string | null;
  /** Null: kept until destroyed. */
  expires_at: string | null;
  consumed_at: string | null;
}

export type OidcAuthMethod = 'client_secret_basic' | 'none';
export type IdTokenAlg = 'RS256' | 'ES256';

/** A relying party: an application that signs its users in through WRSAuth. */
export interface OidcClientTable {
  client_id: string;
  name: string;
  /** JSON array of exact redirect URIs. */
  redirect_uris: string;
  /** JSON array. */
  post_logout_redirect_uris: string;
  backchannel_logout_uri: string | null;
  /** `client_secret_basic` (confidential: basic or post both work) or `none` (public, PKCE only). */
  token_endpoint_auth_method: OidcAuthMethod;
  id_token_signed_response_alg: IdTokenAlg;
  /** The client secret, AES-256-GCM under the server key, bound to the client id; null for a public client. */
  secret_sealed: string | null;
  created_at: string;
  updated_at: string;
  /** Set: the provider does not find the client, so every request from it is refused. */
  disabled_at: string | null;
}

/** One generation of ID token signing keys (an RS256 and an ES256 private JWK), sealed under the server key. */
export interface OidcSigningKeyTable {
  /** `initial` for the first, then time-ordered ids (newSortableId): the newest signs. */
  generation: string;
  keys_sealed: string;
  created_at: string;
}

/**
 * Which provider session a WRSAuth session signed in ("Login with WRSAuth"): when the WRSAuth sign-in ends,
 * the provider session and its grants end with it and its applications are logged out by back-channel.
 */
export interface OidcSignInLinkTable {
  /** sessions.id */
  session_id: string;
  /** SHA-256 of the provider session's uid (as oidc_payloads.uid keeps it). */
  session_uid_hash: string;
  user_id: string;
  created_at: string;
  /** Set while one instance ends this sign-in; another takes it over once this time has passed. */
  claimed_until: string | null;
}

/** One back-channel logout token owed to an application, kept until it is delivered or given up. */
export interface OidcLogoutDeliveryTable {
  id: string;
  client_id: string;
  /** The user's `sub`. */
  user_id: string;
  /** The session id the application got in its ID token (`sid`). */
  sid: string | null;
  /** Why the sign-in ended (signed_out, rp_initiated, session_revoked, session_expired, ...). */
  cause: string;
  created_at: string;
  attempts: ColumnType<number, number | undefined, number>;
  /** When the next attempt is due (or the lease of the attempt under way ends); null once settled. */
  next_attempt_at: string | null;
  delivered_at: string | null;
  gave_up_at: string | null;
  /** What the last failed attempt met (a status or a network error), never a token. */
  last_error: string | null;
}

/**
 * A ticket the desktop client redeems in its practice-application window to complete a login prompt with its
 * own sign-in: single-use, short-lived, stored only as a SHA-256.
 */
export interface OidcTicketTable {
  token_hash: string;
  /** The provider interaction (login prompt) it may complete, and no other. */
  interaction_uid: string;
  /** The WRSAuth session it stands for: ended, the ticket is worth nothing. */
  session_id: string;
  location_id: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface Database {
  practices: PracticeTable;
  locations: LocationTable;
  users: UserTable;
  user_locations: UserLocationTable;
  challenges: ChallengeTable;
  contact_cooldowns: ContactCooldownTable;
  contact_sends: ContactSendTable;
  sessions: SessionTable;
  trusted_devices: TrustedDeviceTable;
  rate_limits: RateLimitTable;
  login_failures: LoginFailureTable;
  audit_events: AuditEventTable;
  outbox: OutboxTable;
  password_resets: PasswordResetTable;
  totp_factors: TotpFactorTable;
  user_factor_counts: UserFactorCountTable;
  recovery_codes: RecoveryCodeTable;
  contact_changes: ContactChangeTable;
  bypass_codes: BypassCodeTable;
  oidc_payloads: OidcPayloadTable;
  oidc_clients: OidcClientTable;
  oidc_signing_keys: OidcSigningKeyTable;
  oidc_sign_in_links: OidcSignInLinkTable;
  oidc_logout_deliveries: OidcLogoutDeliveryTable;
  oidc_tickets: OidcTicketTable;
}

export type PracticeRow = Selectable<PracticeTable>;
export type UserRow = Selectable<UserTable>;
export type ChallengeRow = Selectable<ChallengeTable>;
export type NewAuditEvent = Insertable<AuditEventTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type PasswordResetRow = Selectable<PasswordResetTable>;
export type SessionRow = Selectable<SessionTable>;
export type TotpFactorRow = Selectable<TotpFactorTable>;
export type ContactChangeRow = Selectable<ContactChangeTable>;
export type OidcClientRow = Selectable<OidcClientTable>;
export type OidcSigningKeyRow = Selectable<OidcSigningKeyTable>;
export type OidcLogoutDeliveryRow = Selectable<OidcLogoutDeliveryTable>;
