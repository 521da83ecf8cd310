/** The tests' relying party is openid-client, never code of ours; these are the steps several tests share. */
import * as oidc from 'openid-client';

/**
 * The token endpoint's verdict on a client's credentials, through openid-client, with a code never issued:
 * `invalid_grant` when the client authenticated (the code is not theirs), `invalid_client` when it did not.
 */
export async function tokenVerdict(config: oidc.Configuration, redirectUri: string): Promise<string> {
  const state = oidc.randomState();
  const iss = config.serverMetadata().issuer;
  const callback = new URL(`${redirectUri}?code=never-issued&state=${state}&iss=${encodeURIComponent(iss)}`);
  try {
    await oidc.authorizationCodeGrant(config, callback, {
      expectedState: state,
      pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
    });
  } catch (error) {
    if (error instanceof oidc.ResponseBodyError) return error.error;
    throw error;
  }
  return 'accepted';
}

/** One authorization request as openid-client builds it (PKCE S256, state, nonce), and what checks its answer. */
export async function authorizationRequest(
  config: oidc.Configuration,
  redirectUri: string,
  parameters: Record<string, string> = {},
) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid',
    state,
    nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...parameters,
  });
  return {
    url,
    /** The code exchange, validating the ID token against the JWKS (signature, iss, aud, nonce). */
    redeem: (callback: URL) =>
      oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        ...(parameters.max_age !== undefined && { maxAge: Number(parameters.max_age) }),
      }),
  };
}
