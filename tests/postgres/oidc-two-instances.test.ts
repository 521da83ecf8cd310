/**
 * "Login with WRSAuth" on two real server processes over one PostgreSQL database with one WRSAUTH_SECRET and
 * one WRSAUTH_PUBLIC_URL, as behind a load balancer: the relying party (openid-client) reaches one instance or
 * the other through its fetch, and must not be able to tell them apart. Keys, clients, interactions and
 * cookies live in the database or come from the shared key, never in one process.
 */
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, removeDataDir, runCli, ServerProcess } from '../cli-helpers/wrsauth-process';
import { CookieBrowser } from '../support/oidc-browser';
import { authorizationRequest, tokenVerdict } from '../support/oidc-relying-party';
import { codeIn, type SmtpCatcher, startSmtpCatcher } from '../support/smtp-catcher';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { eventually, PASSWORD, providerEnv } from '../support/test-server';
import { startTwilioEndpoint, type TwilioEndpoint } from '../support/twilio-endpoint';

const PUBLIC_URL = 'https://auth.practice.example';
const ISSUER = `${PUBLIC_URL}/oidc`;
const REDIRECT = 'https://app.practice.example/callback';

let database: TestDatabase;
let smtp: SmtpCatcher;
let twilio: TwilioEndpoint;
let vars: Record<string, string>;
const dataDirs: string[] = [];
let a: ServerProcess | undefined;
let b: ServerProcess | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
  // Where the sign-in's emailed code goes, whichever instance sends it.
  smtp = await startSmtpCatcher();
  twilio = await startTwilioEndpoint();
  vars = {
    WRSAUTH_DATABASE_URL: database.url,
    WRSAUTH_SECRET: randomBytes(32).toString('base64'),
    WRSAUTH_PUBLIC_URL: PUBLIC_URL,
    WRSAUTH_LOG_LEVEL: 'warn',
    ...providerEnv(smtp, twilio),
  };
  dataDirs.push(makeDataDir(), makeDataDir(), makeDataDir());
  // Both start at once on the empty database: the first signing keys must not be made twice.
  [a, b] = await Promise.all([
    ServerProcess.start(dataDirs[0] as string, [], vars),
    ServerProcess.start(dataDirs[1] as string, [], vars),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await database?.drop();
  await smtp?.close();
  await twilio?.close();
  for (const dir of dataDirs) removeDataDir(dir);
});

function instance(server: ServerProcess | undefined): ServerProcess {
  if (!server) throw new Error('the servers did not start');
  return server;
}

/** The load balancer: a request for the public URL goes to the given instance. */
function via(server: ServerProcess | undefined): oidc.CustomFetch {
  const target = instance(server).url;
  return (url, options) => fetch(url.replace(PUBLIC_URL, target), options as RequestInit);
}

const cli = (...args: string[]) => runCli(args, { ...vars, WRSAUTH_DATA_DIR: dataDirs[2] as string });

async function discoverVia(server: ServerProcess | undefined, clientId: string, auth: oidc.ClientAuth) {
  const config = await oidc.discovery(new URL(ISSUER), clientId, undefined, auth, {
    [oidc.customFetch]: via(server),
  });
  config[oidc.customFetch] = via(server);
  return config;
}

async function jwksOf(server: ServerProcess | undefined): Promise<string[]> {
  const response = await fetch(`${instance(server).url}/oidc/jwks`);
  const { keys } = (await response.json()) as { keys: Array<{ kid: string }> };
  return keys.map((key) => key.kid).sort();
}

async function signingKeyGenerations(): Promise<number> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query('SELECT generation FROM oidc_signing_keys')).rowCount ?? 0;
  } finally {
    await client.end();
  }
}

async function registerClient(): Promise<{ clientId: string; clientSecret: string }> {
  const result = await cli('register-client', '--name', 'Practice app', '--redirect-uri', REDIRECT, '--json');
  expect([result.code, result.stderr]).toEqual([0, '']);
  return JSON.parse(result.stdout);
}

/** name=value of each cookie a response sets, for the next request's Cookie header. */
const cookieHeader = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .join('; ');

describe('two instances on one PostgreSQL database', { timeout: 90_000 }, () => {
  it('made one set of signing keys when both started at once, and both publish it', async () => {
    expect(await signingKeyGenerations()).toBe(1);
    const [atA, atB] = await Promise.all([jwksOf(a), jwksOf(b)]);
    expect(atA).toHaveLength(2);
    expect(atB).toEqual(atA);
  });

  it('both know a client registered with the CLI while they run, with the same issuer, and judge its secret alike', async () => {
    const { clientId, clientSecret } = await registerClient();

    for (const server of [a, b]) {
      const right = await discoverVia(server, clientId, oidc.ClientSecretPost(clientSecret));
      expect(right.serverMetadata().issuer).toBe(ISSUER);
      expect(await tokenVerdict(right, REDIRECT)).toBe('invalid_grant');
      const wrong = await discoverVia(server, clientId, oidc.ClientSecretPost(`${clientSecret}x`));
      expect(await tokenVerdict(wrong, REDIRECT)).toBe('invalid_client');
    }
  });

  it('resumes at B an authorization request begun at A: the interaction and its signed cookie are shared', async () => {
    const { clientId, clientSecret } = await registerClient();
    const config = await discoverVia(a, clientId, oidc.ClientSecretPost(clientSecret));
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      state: oidc.randomState(),
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const begun = await fetch(url.href.replace(PUBLIC_URL, instance(a).url), { redirect: 'manual' });
    const uid = /^\/oidc-interaction\/([\w-]+)$/.exec(begun.headers.get('location') ?? '')?.[1];
    expect(uid).toBeDefined();

    const resumed = await fetch(`${instance(b).url}/oidc/auth/${uid}`, {
      redirect: 'manual',
      headers: { cookie: cookieHeader(begun) },
    });
    const forged = await fetch(`${instance(b).url}/oidc/auth/${uid}`, {
      redirect: 'manual',
      headers: { cookie: cookieHeader(begun).replace(/(_interaction_resume\.sig=)[^;]+/, '$1forged') },
    });

    // Nobody signed in, so B asks for the login again: a fresh interaction, not an error page.
    expect(resumed.status).toBe(303);
    expect(resumed.headers.get('location')).toMatch(/^\/oidc-interaction\/[\w-]+$/);
    expect([forged.status, forged.headers.get('location')]).toEqual([400, null]);
  });

  it('both refuse a client disabled with the CLI (invalid_client)', async () => {
    const { clientId, clientSecret } = await registerClient();

    const disabled = await cli('disable-client', '--client-id', clientId);

    expect(disabled.code).toBe(0);
    for (const server of [a, b]) {
      const config = await discoverVia(server, clientId, oidc.ClientSecretPost(clientSecret));
      expect(await tokenVerdict(config, REDIRECT)).toBe('invalid_client');
    }
  });

  it('both pick up a key rotation made with the CLI, without a restart', async () => {
    const before = await jwksOf(a);

    const rotated = await cli('rotate-signing-key');

    expect(rotated.code).toBe(0);
    // Each instance re-reads the keys at most every 10 seconds: wait (bounded) for both.
    const grown = (kids: string[]) => kids.length === 4 && before.every((kid) => kids.includes(kid));
    const [atA, atB] = await Promise.all([
      eventually(() => jwksOf(a), grown, 30_000),
      eventually(() => jwksOf(b), grown, 30_000),
    ]);
    expect(atA).toHaveLength(4);
    expect(atB).toEqual(atA);
    expect(await signingKeyGenerations()).toBe(2);
  });

  it('redeems at B a code issued at A, serves userinfo at A and refreshes at B; a second redemption at A revokes the tokens everywhere', async () => {
    const { clientId, clientSecret } = await registerClient();
    const created = await cli(
      'create-user',
      '--username',
      'twin_oidc',
      '--password',
      PASSWORD,
      '--email',
      'twin_oidc@wrshealth.com',
    );
    expect(created.stderr).toBe('');
    // One relying party whose requests the load balancer sends to `target`, switched between the steps.
    let target = a;
    const config = await discoverVia(a, clientId, oidc.ClientSecretBasic(clientSecret));
    config[oidc.customFetch] = (url, options) =>
      fetch(url.replace(PUBLIC_URL, instance(target).url), options as RequestInit);
    // offline_access counts only with prompt=consent (OpenID Connect Core 11).
    const request = await authorizationRequest(config, REDIRECT, {
      scope: 'openid offline_access',
      prompt: 'consent',
    });

    // The browser's whole sign-in happens at A: authorization, password and emailed code, the prompt, resume.
    const browser = new CookieBrowser(instance(a).url);
    const begun = await browser.fetch(request.url.href.replace(PUBLIC_URL, instance(a).url));
    const uid = /^\/oidc-interaction\/([\w-]+)$/.exec(begun.headers.get('location') ?? '')?.[1];
    const sessionToken = await signInAt(a, 'twin_oidc', 'twin_oidc@wrshealth.com');
    const me = await fetch(`${instance(a).url}/api/v1/me`, {
      headers: { authorization: `Bearer ${sessionToken}` },
    });
    const { locations } = (await me.json()) as { locations: Array<{ id: string }> };
    const completed = await browser.fetch(`/oidc-interaction/${uid}/complete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${sessionToken}` },
      body: JSON.stringify({ locationId: locations[0]?.id ?? null }),
    });
    const { redirectTo } = (await completed.json()) as { redirectTo: string };
    const resumed = await browser.fetch(redirectTo.replace(PUBLIC_URL, instance(a).url));
    const callback = new URL(resumed.headers.get('location') ?? '');
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT);

    target = b;
    const tokens = await request.redeem(callback);
    target = a;
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()?.sub as string);
    target = b;
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token as string);

    expect(tokens.claims()).toMatchObject({ preferred_username: 'twin_oidc', amr: ['pwd', 'otp', 'mfa'] });
    expect(userinfo.preferred_username).toBe('twin_oidc');
    expect(refreshed.access_token).toBeTruthy();
    // Refresh tokens rotate on use, whichever instance took the old one.
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

    target = a;
    const replay = await oauthErrorOf(request.redeem(callback));
    target = b;
    const revokedUserinfo = await oauthErrorOf(
      oidc.fetchUserInfo(config, tokens.access_token, oidc.skipSubjectCheck),
    );
    const revokedRefresh = await oauthErrorOf(
      oidc.refreshTokenGrant(config, refreshed.refresh_token as string),
    );

    expect(replay).toBe('invalid_grant');
    expect(revokedUserinfo).toBe('invalid_token');
    expect(revokedRefresh).toBe('invalid_grant');
  });
});

/** Password, then the emailed code, at one instance: the WRSAuth session token the login prompt needs. */
async function signInAt(server: ServerProcess | undefined, username: string, email: string): Promise<string> {
  const post = (path: string, body: unknown) =>
    fetch(`${instance(server).url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(async (response) => (await response.json()) as Record<string, string>);
  const login = await post('/api/v1/auth/login', { username, password: PASSWORD });
  await post(`/api/v1/auth/challenges/${login.challengeId}/send`, { targetId: 'email' });
  const mail = await eventually(
    async () => smtp.mails.filter((mail) => mail.to.includes(email)).at(-1),
    (found) => found !== undefined,
  );
  const verified = await post(`/api/v1/auth/challenges/${login.challengeId}/verify`, {
    code: codeIn(mail?.raw ?? ''),
  });
  return verified.sessionToken as string;
}

/** The OAuth error a refused call carries, in the body or in the WWW-Authenticate challenge. */
async function oauthErrorOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    if (error instanceof oidc.ResponseBodyError) return error.error;
    if (error instanceof oidc.WWWAuthenticateChallengeError) return String(error.cause[0]?.parameters.error);
    throw error;
  }
  return 'accepted';
}
