/**
 * Back-channel logout (OpenID Connect Back-Channel Logout 1.0): WRSAuth POSTs a signed logout token when a
 * sign-in ends. openid-client has no helper for it, so the token is checked here with jose, against the
 * provider's published keys, as §2.6 of the specification lists: signature, iss, aud, iat, jti, the
 * back-channel logout event, a sub or a sid, and no nonce (so an ID token cannot pass for a logout token).
 */
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';

export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** Who the provider logged out: a provider session (sid), a user (sub), or both. */
export interface LogoutSubject {
  sub?: string;
  sid?: string;
}

/** A token that is not a valid logout token for this application; the reason is for the log, not the sender. */
export class InvalidLogoutToken extends Error {}

export interface LogoutTokenVerifierOptions {
  issuer: string;
  clientId: string;
  jwksUri: URL;
  /** Seconds of clock difference allowed between the provider and this application. */
  clockToleranceSeconds?: number;
}

/** A logout token's age limit when it has no exp: oidc-provider's own tokens live two minutes. */
const MAX_TOKEN_AGE = '5 minutes';

export function logoutTokenVerifier(options: LogoutTokenVerifierOptions) {
  // jose fetches the key set once, caches it, and refetches when a token names a key it does not know.
  const keys = createRemoteJWKSet(options.jwksUri);
  return async function verifyLogoutToken(token: string): Promise<LogoutSubject> {
    let payload: JWTPayload;
    try {
      const verified = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.clientId,
        algorithms: ['RS256', 'ES256'],
        requiredClaims: ['iat', 'jti', 'events'],
        maxTokenAge: MAX_TOKEN_AGE,
        clockTolerance: options.clockToleranceSeconds ?? 30,
      });
      const typ = verified.protectedHeader.typ;
      // Explicit typing (§2.4): a token typed as something else is some other kind of JWT.
      if (
        typ !== undefined &&
        typ.toLowerCase() !== 'logout+jwt' &&
        typ.toLowerCase() !== 'application/logout+jwt'
      ) {
        throw new InvalidLogoutToken(`typ ${typ} is not logout+jwt`);
      }
      payload = verified.payload;
    } catch (error) {
      if (error instanceof InvalidLogoutToken) throw error;
      if (error instanceof errors.JOSEError) throw new InvalidLogoutToken(error.code);
      throw error;
    }
    const events = payload.events;
    if (
      typeof events !== 'object' ||
      events === null ||
      typeof (events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT] !== 'object'
    ) {
      throw new InvalidLogoutToken('no back-channel logout event');
    }
    if ('nonce' in payload) throw new InvalidLogoutToken('a logout token must not carry a nonce');
    const sub = typeof payload.sub === 'string' && payload.sub ? payload.sub : undefined;
    const sid = typeof payload.sid === 'string' && payload.sid ? payload.sid : undefined;
    if (sub === undefined && sid === undefined) throw new InvalidLogoutToken('neither sub nor sid');
    return { ...(sub !== undefined && { sub }), ...(sid !== undefined && { sid }) };
  };
}

export type LogoutTokenVerify = ReturnType<typeof logoutTokenVerifier>;
