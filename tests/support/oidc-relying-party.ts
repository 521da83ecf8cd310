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
