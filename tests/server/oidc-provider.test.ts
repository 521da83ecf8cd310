/**
 * The OpenID Connect provider at /oidc, driven by openid-client (the certified relying party library) against
 * the real server on loopback: what discovery promises, what the JWKS holds, which authorization requests are
 * refused and how, and how the token endpoint judges a client. The login prompt and the claims are in
 * oidc-interaction.test.ts.
 */
import http from 'node:http';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_CONTEXT } from '../../server/services/audit-log';
import { startTestServer, type TestServer } from '../support/test-server';

const REDIRECT = 'http://127.0.0.1:4581/callback';
const INSECURE = { execute: [oidc.allowInsecureRequests] };

let t: TestServer;
let issuer: string;
let confidential: { clientId: string; clientSecret: string };
let publicClientId: string;

beforeAll(async () => {
  t = await startTestServer();
  issuer = `${t.url}/oidc`;
  const rp = t.server.services.relyingParties;
  confidential = (await rp.register({ name: 'Practice app', redirectUris: [REDIRECT] }, CLI_CONTEXT)) as {
    clientId: string;
    clientSecret: string;
  };
  publicClientId = (
    await rp.register({ name: 'Browser app', redirectUris: [REDIRECT], public: true }, CLI_CONTEXT)
  ).clientId;
});
afterAll(() => t.close());

/** openid-client's view of the provider, as the confidential client (or another identity). */
function discover(
  clientId = confidential.clientId,
  auth = oidc.ClientSecretBasic(confidential.clientSecret),
) {
  return oidc.discovery(new URL(issuer), clientId, undefined, auth, INSECURE);
}

/** Sends the browser to an authorization URL and answers where the provider sent it, if anywhere. */
async function authorize(url: URL) {
  const response = await fetch(url, { redirect: 'manual' });
  return {
    status: response.status,
    location: response.headers.get('location'),
    type: response.headers.get('content-type') ?? '',
    body: await response.text(),
    cookies: response.headers.getSetCookie(),
  };
}

async function pkce() {
  const verifier = oidc.randomPKCECodeVerifier();
  return { verifier, challenge: await oidc.calculatePKCECodeChallenge(verifier) };
}

/**
 * The OAuth error code a refused request carries: in the body (ResponseBodyError) or, for a failed HTTP Basic
 * client authentication, in the WWW-Authenticate challenge (WWWAuthenticateChallengeError).
 */
async function oauthError(request: Promise<unknown>): Promise<{ error: string; status: number }> {
  try {
    await request;
  } catch (error) {
    if (error instanceof oidc.ResponseBodyError) return { error: error.error, status: error.status };
    if (error instanceof oidc.WWWAuthenticateChallengeError) {
      return { error: String(error.cause[0]?.parameters.error), status: error.status };
    }
    throw error;
  }
  throw new Error('the request was not refused');
}

/** A callback as a browser would bring it, carrying a code the provider never issued. */
const forgedCallback = (state: string) =>
  new URL(`${REDIRECT}?code=not-a-code-this-server-issued&state=${state}&iss=${encodeURIComponent(issuer)}`);

describe('discovery, as openid-client reads it', () => {
  it('names the issuer <public url>/oidc and puts every endpoint under /oidc', async () => {
    const metadata = (await discover()).serverMetadata();

    expect(metadata.issuer).toBe(`${t.url}/oidc`);
    expect(metadata.authorization_endpoint).toBe(`${t.url}/oidc/auth`);
    expect(metadata.token_endpoint).toBe(`${t.url}/oidc/token`);
    expect(metadata.jwks_uri).toBe(`${t.url}/oidc/jwks`);
    expect(metadata.userinfo_endpoint).toBe(`${t.url}/oidc/userinfo`);
  });

  it('offers the authorization code flow only, PKCE S256 only, the three client auth methods and the four scopes', async () => {
    const metadata = (await discover()).serverMetadata();

    expect(metadata.response_types_supported).toEqual(['code']);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.grant_types_supported).toEqual(['authorization_code', 'refresh_token']);
    expect([...(metadata.token_endpoint_auth_methods_supported ?? [])].sort()).toEqual([
      'client_secret_basic',
      'client_secret_post',
      'none',
    ]);
    expect(metadata.scopes_supported).toEqual(['openid', 'profile', 'email', 'offline_access']);
    expect(metadata.id_token_signing_alg_values_supported).toEqual(['RS256', 'ES256']);
  });

  it('is answered by the provider, not by the API: no {error, message} body and no API 404 on /oidc paths', async () => {
    const unknown = await fetch(`${t.url}/oidc/no-such-endpoint`);
    const body = await unknown.text();

    expect(unknown.status).toBe(404);
    expect(body).not.toContain('No route for');
    // The token endpoint reads its own form-encoded body, which the API (JSON only) would answer with 415.
    const token = await fetch(`${t.url}/oidc/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=authorization_code&code=x',
    });
    expect([token.status, ((await token.json()) as { error: string }).error]).toEqual([
      400,
      'invalid_request',
    ]);
  });
});

describe('discovery behind a proxy (WRSAUTH_PUBLIC_URL)', () => {
  let behind: TestServer;
  beforeAll(async () => {
    behind = await startTestServer({ env: { WRSAUTH_PUBLIC_URL: 'https://auth.practice.example/' } });
  });
  afterAll(() => behind.close());

  /** GET with headers fetch() will not send as given (Host). */
  function rawGet(path: string, headers: Record<string, string>): Promise<string> {
    const { hostname, port } = new URL(behind.url);
    return new Promise((resolve, reject) => {
      http
        .get({ hostname, port, path, headers }, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8');
          });
          response.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
  }

  it('advertises the public URL, whatever Host, X-Forwarded-Host or X-Forwarded-Proto a client sends', async () => {
    const document = JSON.parse(
      await rawGet('/oidc/.well-known/openid-configuration', {
        host: 'attacker.example',
        'x-forwarded-host': 'attacker.example',
        'x-forwarded-proto': 'http',
      }),
    );

    expect(document.issuer).toBe('https://auth.practice.example/oidc');
    expect(document.authorization_endpoint).toBe('https://auth.practice.example/oidc/auth');
    expect(document.token_endpoint).toBe('https://auth.practice.example/oidc/token');
    expect(document.jwks_uri).toBe('https://auth.practice.example/oidc/jwks');
  });
});

describe('the JWKS', () => {
  it('has one RS256 and one ES256 signing key, and no private part of either', async () => {
    const config = await discover();
    const jwks = (await (await fetch(config.serverMetadata().jwks_uri as string)).json()) as {
      keys: Array<Record<string, unknown>>;
    };

    expect(jwks.keys.map((key) => String(key.alg)).sort()).toEqual(['ES256', 'RS256']);
    for (const key of jwks.keys) {
      expect(key.use).toBe('sig');
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(key).not.toHaveProperty(secret);
    }
  });
});

describe('authorization requests', () => {
  it('refuses a request without PKCE: back to the client with invalid_request', async () => {
    const config = await discover();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', state });

    const answer = await authorize(url);

    expect(answer.location?.startsWith(`${REDIRECT}?`)).toBe(true);
    await expect(
      oidc.authorizationCodeGrant(config, new URL(answer.location as string), {
        expectedState: state,
        pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
      }),
    ).rejects.toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/PKCE/) });
  });

  it('refuses PKCE with the plain method: back to the client with invalid_request', async () => {
    const config = await discover();
    const state = oidc.randomState();
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      state,
      code_challenge: verifier,
      code_challenge_method: 'plain',
    });

    const answer = await authorize(url);

    await expect(
      oidc.authorizationCodeGrant(config, new URL(answer.location as string), {
        expectedState: state,
        pkceCodeVerifier: verifier,
      }),
    ).rejects.toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringMatching(/plain|method/),
    });
  });

  it.each(['id_token', 'code id_token', 'token'])(
    'refuses the implicit or hybrid response_type "%s"',
    async (responseType) => {
      const config = await discover();
      const { challenge } = await pkce();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT,
        scope: 'openid',
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        response_type: responseType,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });

      const answer = await authorize(url);

      expect(answer.location ?? '').not.toContain('/oidc-interaction/');
      const error = answer.location
        ? new URL(answer.location.replace('#', '?')).searchParams.get('error')
        : undefined;
      expect(error).toBe('unsupported_response_type');
    },
  );

  it.each([
    ['not registered at all', 'https://attacker.example/callback'],
    ['a trailing slash more', `${REDIRECT}/`],
    ['another port', 'http://127.0.0.1:4582/callback'],
    ['localhost for 127.0.0.1', 'http://localhost:4581/callback'],
  ])('answers a redirect_uri that is %s with an error page and no redirect', async (_, redirectUri) => {
    const config = await discover();
    const { challenge } = await pkce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid',
      state: oidc.randomState(),
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });

    const answer = await authorize(url);

    expect(answer.status).toBe(400);
    expect(answer.location).toBeNull();
    expect(answer.type).toMatch(/^text\/html/);
    expect(answer.body).toContain('redirect_uri');
    expect(answer.body).not.toContain(redirectUri.replace('/callback', ''));
  });

  it("takes a PKCE S256 request from a registered client to WRSAuth's login prompt, outside /oidc, with the interaction cookie scoped to that prompt's path", async () => {
    const config = await discover();
    const { challenge } = await pkce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      state: oidc.randomState(),
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });

    const answer = await authorize(url);

    expect(answer.status).toBe(303);
    expect(answer.location).toMatch(/^\/oidc-interaction\/[\w-]+$/);
    const interactionCookie = answer.cookies.find((cookie) => cookie.startsWith('_interaction='));
    expect(interactionCookie).toContain(`path=${answer.location}`);
    expect(interactionCookie?.toLowerCase()).toContain('httponly');
    expect(interactionCookie?.toLowerCase()).toContain('samesite=lax');
  });
});

describe('client authentication at the token endpoint', () => {
  async function redeemForgedCode(config: oidc.Configuration) {
    const state = oidc.randomState();
    return oidc.authorizationCodeGrant(config, forgedCallback(state), {
      expectedState: state,
      pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
    });
  }

  it.each([
    ['client_secret_basic', () => oidc.ClientSecretBasic(confidential.clientSecret)],
    ['client_secret_post', () => oidc.ClientSecretPost(confidential.clientSecret)],
  ])('accepts the right secret by %s, then judges the code (invalid_grant)', async (_, auth) => {
    const config = await discover(confidential.clientId, auth());

    expect(await oauthError(redeemForgedCode(config))).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a wrong client secret with invalid_client', async () => {
    const config = await discover(
      confidential.clientId,
      oidc.ClientSecretBasic(`${confidential.clientSecret}x`),
    );

    expect(await oauthError(redeemForgedCode(config))).toEqual({ error: 'invalid_client', status: 401 });
  });

  it('refuses a confidential client that sends no secret', async () => {
    const config = await discover(confidential.clientId, oidc.None());

    expect(await oauthError(redeemForgedCode(config))).toMatchObject({ error: 'invalid_client' });
  });

  it('lets a public client in with no secret (none), so PKCE and the code decide', async () => {
    const config = await discover(publicClientId, oidc.None());

    expect(await oauthError(redeemForgedCode(config))).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a disabled client with invalid_client, and its authorization requests with an error page', async () => {
    const rp = t.server.services.relyingParties;
    const disabled = (await rp.register({ name: 'Retired app', redirectUris: [REDIRECT] }, CLI_CONTEXT)) as {
      clientId: string;
      clientSecret: string;
    };
    const config = await discover(disabled.clientId, oidc.ClientSecretBasic(disabled.clientSecret));
    expect(await oauthError(redeemForgedCode(config))).toMatchObject({ error: 'invalid_grant' });

    await rp.disable(disabled.clientId, CLI_CONTEXT);

    expect(await oauthError(redeemForgedCode(config))).toMatchObject({ error: 'invalid_client' });
    const { challenge } = await pkce();
    const answer = await authorize(
      oidc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT,
        scope: 'openid',
        state: oidc.randomState(),
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
    );
    expect([answer.status, answer.location]).toEqual([400, null]);
    expect(answer.body).toContain('invalid_client');
  });

  it("lets a browser call the token endpoint for a public client only from the origin of that client's redirect URI", async () => {
    const tokenCall = (origin: string) =>
      fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: 'never-issued',
          client_id: publicClientId,
          redirect_uri: REDIRECT,
          code_verifier: oidc.randomPKCECodeVerifier(),
        }),
      });

    const own = await tokenCall(new URL(REDIRECT).origin);
    const foreign = await tokenCall('https://attacker.example');

    expect(own.headers.get('access-control-allow-origin')).toBe(new URL(REDIRECT).origin);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('writes no client secret into the log', () => {
    expect(t.logLines.length).toBeGreaterThan(0);
    expect(t.logLines.filter((line) => line.includes(confidential.clientSecret))).toEqual([]);
  });
});
