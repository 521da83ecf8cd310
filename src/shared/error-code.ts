/**
 * The stable `error` codes of ApiError bodies (see api.ts). Kept apart from the zod schemas so a screen can
 * match on a code without loading them.
 */
export const ErrorCode = {
  badRequest: 'bad_request',
  notFound: 'not_found',
  payloadTooLarge: 'payload_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  invalidCredentials: 'invalid_credentials',
  enrollmentRequired: 'enrollment_required',
  accountLocked: 'account_locked',
  rateLimited: 'rate_limited',
  serverBusy: 'server_busy',
  invalidTarget: 'invalid_target',
  deliveryFailed: 'delivery_failed',
  invalidCode: 'invalid_code',
  codeExpired: 'code_expired',
  challengeExpired: 'challenge_expired',
  tooManyAttempts: 'too_many_attempts',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  passwordRule: 'password_rule',
  passwordExpired: 'password_expired',
  passwordChangeRequired: 'password_change_required',
  /** The account manager console, from a session that signed in on a password alone. */
  secondFactorRequired: 'second_factor_required',
  conflict: 'conflict',
  /** "Login with WRSAuth": the application's sign-in request expired, or was started by another browser. */
  interactionNotFound: 'interaction_not_found',
  /** "Login with WRSAuth": the session began before the application's request; it needs a fresh sign-in. */
  freshSignInRequired: 'fresh_sign_in_required',
  internal: 'internal_error',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
