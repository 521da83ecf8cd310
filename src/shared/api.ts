/**
 * The WRSAuth HTTP contract, written once. The verification server validates and documents its routes
 * with these schemas; the Electron main process and the renderer parse responses with them.
 */
import { z } from 'zod';

export * from './api-admin';
export * from './api-admin-applications';
export * from './api-admin-users';
export * from './api-contacts';
export * from './api-me';
export * from './api-settings';
export { ErrorCode } from './error-code';
export { API_PREFIX, apiBaseUrl, normalizeServerUrl } from './server-url';

export const Channel = z.enum(['sms', 'email']);
export type Channel = z.infer<typeof Channel>;

/** Where a sign-in's second factor comes from: a code sent by text or email, or the user's authenticator app. */
export const TargetChannel = z.enum(['sms', 'email', 'totp']);
export type TargetChannel = z.infer<typeof TargetChannel>;

export const Role = z.enum(['staff', 'admin']);
export type Role = z.infer<typeof Role>;

const IsoTime = z.string().describe('ISO 8601 UTC time');
const WholeSeconds = z.number().int().nonnegative();
const PositiveWhole = z.number().int().positive();

export const User = z.object({
  id: z.string(),
  username: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  role: Role,
});
export type User = z.infer<typeof User>;

export const Location = z.object({ id: z.string(), name: z.string() });
export type Location = z.infer<typeof Location>;

/**
 * A place a code can go, shown masked: "Text message to ••• - ••• - 3816". The `totp` target (the
 * authenticator app) has no send step: its code is typed straight into verify with `targetId: "totp"`.
 */
export const DeliveryTarget = z.object({ id: z.string(), channel: TargetChannel, masked: z.string() });
export type DeliveryTarget = z.infer<typeof DeliveryTarget>;

/** Every error body. `error` is a stable snake_case code; `message` is for people. */
export const ApiError = z.object({
  error: z.string(),
  message: z.string(),
  attemptsRemaining: WholeSeconds.optional(),
  retryAfter: WholeSeconds.optional(),
});
export type ApiError = z.infer<typeof ApiError>;

const Username = z.string().trim().min(1).max(128);
const Password = z.string().min(1).max(1024);
const OpaqueToken = z.string().min(1).max(512);

export const LoginRequest = z.object({
  username: Username,
  password: Password,
  deviceToken: OpaqueToken.optional(),
  /**
   * Sent by an application's login prompt whose application asked for a second factor
   * (acr_values=urn:wrsauth:acr:2fa): a user with a factor on file is asked for a code even where the
   * practice's policy asks for none. It can only add the code step, never skip one: false is as absent.
   */
  requireSecondFactor: z.boolean().optional(),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const ChallengeIssued = z.object({
  status: z.literal('challenge'),
  challengeId: z.string(),
  targets: z.array(DeliveryTarget),
  expiresAt: IsoTime,
  /**
   * Days a remembered workstation stays trusted under the practice's policy. Absent when the practice
   * remembers no workstations (remember-days 0), and from servers older than this field.
   */
  rememberDays: PositiveWhole.optional(),
});
export type ChallengeIssued = z.infer<typeof ChallengeIssued>;

export const Authenticated = z.object({
  status: z.literal('authenticated'),
  sessionToken: z.string(),
  expiresAt: IsoTime,
  user: User,
  locations: z.array(Location),
  /** Set when the practice's policy is optional and the user has no contact on file yet. */
  setupRecommended: z.boolean().optional(),
  /** Only on verify with rememberDevice: keep it in the OS keychain, never in a file. */
  deviceToken: z.string().optional(),
  /**
   * The practice's automatic lock: minutes without keyboard or pointer use. A client setting may shorten
   * it, never lengthen it. Optional only so that servers older than this field still sign in.
   */
  idleLockMinutes: PositiveWhole.optional(),
  /**
   * The user signed in with a temporary password an account manager set: until they choose their own
   * (POST /me/password), every /me and /admin route but that one answers 403 password_change_required.
   */
  passwordChangeRequired: z.boolean().optional(),
});
export type Authenticated = z.infer<typeof Authenticated>;

export const LoginResponse = z.discriminatedUnion('status', [ChallengeIssued, Authenticated]);
export type LoginResponse = z.infer<typeof LoginResponse>;

export const ChallengeParams = z.object({ id: z.string().min(1).max(64) });

export const SendCodeRequest = z.object({ targetId: z.string().min(1).max(64) });
export type SendCodeRequest = z.infer<typeof SendCodeRequest>;

export const CodeSent = z.object({
  channel: Channel,
  masked: z.string(),
  expiresAt: IsoTime,
  resendAfter: WholeSeconds,
});
export type CodeSent = z.infer<typeof CodeSent>;

export const DeliveryStatusValue = z
  .enum(['queued', 'sent', 'delivered', 'failed', 'undelivered'])
  .describe('queued → sent → delivered, failed or undelivered');
export type DeliveryStatusValue = z.infer<typeof DeliveryStatusValue>;

/** What became of the latest code sent for a sign-in, for the verify screen to poll. */
export const DeliveryStatus = z.object({
  channel: Channel,
  masked: z.string(),
  status: DeliveryStatusValue,
  /** Whether more news may come (a provider that reports back has not yet said delivered or failed). */
  final: z.boolean(),
  /** For failed and undelivered: what the user should know and can do, in words. */
  message: z.string().optional(),
  updatedAt: IsoTime,
});
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const VerifyCodeRequest = z.object({
  /** The 6-digit code, or one of the user's recovery codes (XXXXX-XXXXX). */
  code: z.string().trim().max(32),
  /**
   * `totp` to check the code against the authenticator app; `bypass` for a one-time code from the account
   * manager (XXXX-XXXX-XXXX, see api-admin-users.ts); absent for the code that was sent.
   */
  targetId: z.string().min(1).max(64).optional(),
  rememberDevice: z.boolean().optional(),
  deviceName: z.string().trim().min(1).max(100).optional(),
});
export type VerifyCodeRequest = z.infer<typeof VerifyCodeRequest>;

export const Me = User.extend({ locations: z.array(Location) });
export type Me = z.infer<typeof Me>;

export const Health = z.object({ status: z.literal('ok') });

/** Where a code channel's messages go: a real provider, or the dev outbox (WRSAUTH_DEV_OUTBOX=1: trials, reaching no one). */
export const DeliveryProvider = z.enum(['twilio', 'smtp', 'dev_outbox']);

/** The outcome of a channel's most recent message, from the outbox: never its contact or its code. */
export const LastDelivery = z.object({
  status: z.enum(['queued', 'sent', 'delivered', 'failed', 'undelivered']),
  /** When that status was reached. */
  at: z.string(),
  /** The provider's error code (Twilio's 30006, smtp_550) or ours (timeout, unreachable, abandoned). */
  errorCode: z.string().nullable(),
});

export const ChannelReadiness = z.object({
  provider: DeliveryProvider,
  /** Whether the practice's policy lets users receive codes on this channel. */
  allowed: z.boolean(),
  lastDelivery: LastDelivery.nullable(),
});

/**
 * GET /readyz: whether this instance can sign people in. `ready` needs the database to answer (a server whose
 * channel has no provider or dev outbox does not start); `reasons` says what is missing otherwise. Each
 * channel's provider and last message are reported, not judged.
 */
export const InstanceReadiness = z.object({
  status: z.enum(['ready', 'not_ready']),
  database: z.enum(['ok', 'unavailable']),
  channels: z.object({ sms: ChannelReadiness, email: ChannelReadiness }).nullable(),
  reasons: z.array(z.string()),
});
export type InstanceReadiness = z.infer<typeof InstanceReadiness>;

// ---- Forgot your password? (works without a session) ----------------------------------------------------

export const PasswordResetRequest = z.object({ username: Username });
export type PasswordResetRequest = z.infer<typeof PasswordResetRequest>;

/**
 * Where a reset code can go. The answer has the same shape whether or not the User ID exists, so it tells
 * nobody who has an account.
 */
export const PasswordResetStarted = z.object({
  resetId: z.string(),
  targets: z.array(DeliveryTarget),
  expiresAt: IsoTime,
});
export type PasswordResetStarted = z.infer<typeof PasswordResetStarted>;

export const PasswordResetParams = z.object({ id: z.string().min(1).max(64) });

export const PasswordResetCode = z.object({
  /** The 6-digit code; for the second proof also a recovery code (XXXXX-XXXXX). */
  code: z.string().trim().max(32),
  /** `totp` for a code from the authenticator app (second proof only); absent for the code that was sent. */
  targetId: z.string().min(1).max(64).optional(),
});
export type PasswordResetCode = z.infer<typeof PasswordResetCode>;

/** Every proof the reset needs is in: a new password may be set until `expiresAt`. */
export const PasswordResetVerified = z.object({ status: z.literal('verified'), expiresAt: IsoTime });
export type PasswordResetVerified = z.infer<typeof PasswordResetVerified>;

/**
 * The first code was right and the user has another factor: a second proof must come from one of `targets`
 * (the user's other factors; the authenticator app as `totp`), or be a recovery code.
 */
export const PasswordResetSecondFactorRequired = z.object({
  status: z.literal('second_factor_required'),
  targets: z.array(DeliveryTarget),
});
export type PasswordResetSecondFactorRequired = z.infer<typeof PasswordResetSecondFactorRequired>;

/** The first code was right, but the practice does not let this user reset alone: the password stays. */
export const PasswordResetAccountManagerRequired = z.object({
  status: z.literal('account_manager_required'),
});
export type PasswordResetAccountManagerRequired = z.infer<typeof PasswordResetAccountManagerRequired>;

/** What a right code leads to. */
export const PasswordResetVerifyResult = z.discriminatedUnion('status', [
  PasswordResetVerified,
  PasswordResetSecondFactorRequired,
  PasswordResetAccountManagerRequired,
]);
export type PasswordResetVerifyResult = z.infer<typeof PasswordResetVerifyResult>;

export const NewPassword = z.object({ password: Password });
export type NewPassword = z.infer<typeof NewPassword>;

/** "Login with WRSAuth": an application's sign-in request, as its login prompt at /oidc-interaction/<uid>. */
export const OidcInteractionParams = z.object({ uid: z.string().min(1).max(64) });

export const OidcInteraction = z.object({
  /** The application's registered name, shown as "Sign in to <name>" (untrusted text: render it as text). */
  clientName: z.string(),
  /** The application asked for a second factor (acr_values=urn:wrsauth:acr:2fa): a password alone will not do. */
  secondFactorRequired: z.boolean(),
});
export type OidcInteraction = z.infer<typeof OidcInteraction>;

/** The location chosen in this sign-in; null only for a user who has none. */
export const CompleteOidcInteraction = z.object({ locationId: z.string().min(1).max(64).nullable() });
export type CompleteOidcInteraction = z.infer<typeof CompleteOidcInteraction>;

/** Where the browser goes next: back through the provider to the application's redirect_uri. */
export const OidcInteractionCompleted = z.object({ redirectTo: z.string() });
export type OidcInteractionCompleted = z.infer<typeof OidcInteractionCompleted>;

/**
 * The desktop client asks for a ticket into the login prompt its practice-application window landed on
 * (Bearer session): the interaction's uid and the location chosen in the client's own sign-in.
 */
export const IssueOidcTicket = z.object({
  interactionUid: OidcInteractionParams.shape.uid,
  locationId: z.string().min(1).max(64).nullable(),
});
export type IssueOidcTicket = z.infer<typeof IssueOidcTicket>;

/** Single-use, for that interaction only, until `expiresAt` (60 seconds). A bearer secret: never logged. */
export const OidcTicketIssued = z.object({ ticket: z.string(), expiresAt: IsoTime });
export type OidcTicketIssued = z.infer<typeof OidcTicketIssued>;

/** The form the practice-application window posts to /oidc-interaction/<uid>/ticket. */
export const RedeemOidcTicket = z.object({ ticket: z.string().min(1).max(128) });
export type RedeemOidcTicket = z.infer<typeof RedeemOidcTicket>;
