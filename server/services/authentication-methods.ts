/**
 * What a sign-in proved, in the words relying parties read (OpenID Connect `amr`, RFC 8176, and `acr`).
 * Recorded with the session when it starts, so "Login with WRSAuth" tells an application exactly how this
 * sign-in was made, not how the policy says it should have been.
 */

/** RFC 8176 values WRSAuth uses. */
export type AuthenticationMethod = 'pwd' | 'sms' | 'otp' | 'swk' | 'mfa';

/** A second factor was proven in this sign-in. */
export const ACR_2FA = 'urn:wrsauth:acr:2fa';
/** The password alone (a policy that asks for no code, or a user with no factor under an optional one). */
export const ACR_PWD = 'urn:wrsauth:acr:pwd';
export const ACR_VALUES = [ACR_2FA, ACR_PWD] as const;

/** How the sign-in got past the second step; `password` when it needed none. */
export type SignInMethod = 'password' | 'code' | 'totp' | 'recovery_code' | 'bypass_code' | 'trusted_device';

/**
 * `pwd`, plus the factor (`sms` for a texted code; `otp` for an emailed code, the authenticator app, a
 * recovery code or an account manager's bypass code, each a one-time password; `swk` for a trusted
 * workstation's key), plus `mfa` whenever there was a second factor.
 */
export function amrOf(method: SignInMethod, channel?: 'sms' | 'email'): AuthenticationMethod[] {
  switch (method) {
    case 'password':
      return ['pwd'];
    case 'trusted_device':
      return ['pwd', 'swk', 'mfa'];
    case 'code':
      return ['pwd', channel === 'sms' ? 'sms' : 'otp', 'mfa'];
    default:
      return ['pwd', 'otp', 'mfa'];
  }
}

export function acrOf(amr: readonly string[]): string {
  return amr.includes('mfa') ? ACR_2FA : ACR_PWD;
}

/** A session's stored methods; a session from before they were recorded knows only whether it had a factor. */
export function storedAmr(stored: string | null, secondFactor: boolean): AuthenticationMethod[] {
  if (stored) return stored.split(' ') as AuthenticationMethod[];
  return secondFactor ? ['pwd', 'mfa'] : ['pwd'];
}
