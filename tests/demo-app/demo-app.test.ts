/**
 * The demo practice application (demo-app/) against a real verification server: signed in through WRSAuth's
 * login prompt by a cookie-keeping browser (tests/support/oidc-browser.ts), then logged out by back-channel
 * with logout tokens signed by the provider's own signing key, and refused with forged, expired,
 * wrong-audience and nonce-carrying ones (OpenID Connect Back-Channel Logout 1.0 §2.6, §2.8).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDemoApp, startDemoApp } from '../../demo-app/app';
import { BACKCHANNEL_LOGOUT_EVENT } from '../../demo-app/logout-token';
import { SessionStore } from '../../demo-app/sessions';
import { DEMO_APP_CREDENTIALS_FILE, ensureDemoApplication } from '../../server/demo-application';
import { freePort } from '../cli-helpers/wrsauth-process';
import { CookieBrowser } from '../support/oidc-browser';
import { OidcSignIns } from '../support/oidc-sign-in';
import { userIdOf } from '../support/self-service';
import { auditEventsOf, createUser, startTestServer, type TestServer } from '../support/test-server';

let t: TestServer;
let app: RunningDemoApp;
let issuer: string;
let clientId: string;
let phoneSuffix = 10;

beforeAll(async () => {
  t = await startTestServer();
  const port = await freePort();
  // Registered as `serve --demo` registers it, and started from the file it writes.
  await ensureDemoApplication(t.server.services, t.dataDir, port);
  const credentials = JSON.parse(fs.readFileSync(path.join(t.dataDir, DEMO_APP_CREDENTIALS_FILE), 'utf8'));
  clientId = credentials.clientId;
  issuer = `${t.url}/oidc`;
  app = await startDemoApp({ issuer: new URL(issuer), credentials, port, log: () => {} });
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

/** Password, then a texted code, as WRSAuth's screens do it: the session token (tests/support/oidc-sign-in.ts). */
const wrsauthSignIn = (username: string) => new OidcSignIns(t).signIn(username);

const locationId = (name: string) => new OidcSignIns(t).locationId(name);

/**
 * A new user (two locations) presses Login with WRSAuth, signs in with a code, chooses Eastside Clinic, and
 * comes back: the demo app's browser, the page it then shows, and the user's `sub`.
 */
async function signedInAtDemoApp(username: string) {
  phoneSuffix += 1;
  await createUser(t, {
    username,
    firstName: 'Morgan',
    lastName: 'Rivera',
    phone: `+120255502${phoneSuffix}`,
    email: `${username}@wrshealth.com`,
    locations: ['Main Office', 'Eastside Clinic'],
  });
  const demo = new CookieBrowser(app.url);
  const wrsauth = new CookieBrowser(t.url);
  const toProvider = (await demo.fetch('/login')).headers.get('location') as string;
  const prompt = (await wrsauth.navigate(toProvider)).url;
  const uid = /^\/oidc-interaction\/([\w-]+)$/.exec(prompt.pathname)?.[1];
  const completed = await wrsauth.fetch(`/oidc-interaction/${uid}/complete`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${await wrsauthSignIn(username)}`,
    },
    body: JSON.stringify({ locationId: await locationId('Eastside Clinic') }),
  });
  const { redirectTo } = (await completed.json()) as { redirectTo: string };
  const callback = (await wrsauth.navigate(redirectTo)).url;
  const landed = await demo.navigate(callback);
  return { demo, page: await landed.response.text(), sub: await userIdOf(t, username) };
}

const pageOf = async (demo: CookieBrowser) => (await demo.fetch('/')).text();

async function endSessionEndpoint(): Promise<string> {
  const metadata = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
  return (metadata as { end_session_endpoint: string }).end_session_endpoint;
}

/** The provider's current RS256 signing key, private half included, as the server holds it. */
async function providerKey() {
  const keys = await t.server.services.signingKeys.published();
  const jwk = keys.find((key) => key.alg === 'RS256') as (typeof keys)[number] & { kid: string };
  return { key: await importJWK(jwk as Parameters<typeof importJWK>[0], 'RS256'), kid: jwk.kid };
}

/** A logout token as WRSAuth's provider makes one (oidc-provider's layout), with `changes` applied. */
async function logoutToken(
  claims: JWTPayload,
  options: { key?: Awaited<ReturnType<typeof providerKey>>; typ?: string } = {},
): Promise<string> {
  const signer = options.key ?? (await providerKey());
  const now = Math.floor(Date.now() / 1000);
  const payload: JWTPayload = {
    iss: issuer,
    aud: clientId,
    iat: now,
    exp: now + 120,
    jti: randomUUID(),
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    ...claims,
  };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'RS256', kid: signer.kid, typ: options.typ ?? 'logout+jwt' })
    .sign(signer.key);
}

function deliver(token: string) {
  return fetch(`${app.url}/backchannel-logout`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ logout_token: token }),
  });
}

describe('signing in at the demo practice application', () => {
  it('shows the name, the chosen practice location, amr and acr after Login with WRSAuth', async () => {
    const { page } = await signedInAtDemoApp('demo_signin');

    expect(page).toContain('Signed in as Morgan Rivera');
    expect(page).toMatch(/data-testid="location">Eastside Clinic</);
    expect(page).toMatch(/data-testid="amr">pwd sms mfa</);
    expect(page).toMatch(/data-testid="acr">urn:wrsauth:acr:2fa</);
  });

  it('shows a readable message and a retry button for an error from WRSAuth, never a stack trace', async () => {
    const demo = new CookieBrowser(app.url);
    const toProvider = new URL((await demo.fetch('/login')).headers.get('location') as string);
    const state = toProvider.searchParams.get('state') as string;

    const answer = await demo.fetch(`/callback?error=access_denied&state=${state}&iss=${issuer}`);
    const page = await answer.text();

    expect(answer.status).toBe(400);
    expect(page).toContain('The sign-in was cancelled or refused at WRSAuth.');
    expect(page).toMatch(/<button type="submit">Try again<\/button>/);
    expect(page).not.toMatch(/\bat .+\(.+:\d+:\d+\)/);
  });

  it('refuses a callback this browser did not start (no pending state), without a code exchange', async () => {
    const answer = await new CookieBrowser(app.url).fetch('/callback?code=planted&state=planted');

    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain('It was not started in this browser, or it has already finished.');
  });

  it('signs out only with the page’s own form: a POST without its CSRF token leaves the session signed in', async () => {
    const { demo, page } = await signedInAtDemoApp('demo_csrf');
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] as string;

    const forged = await demo.fetch('/logout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'csrf=guess',
    });
    expect(forged.status).toBe(303);
    expect(await pageOf(demo)).toContain('Signed in as');

    await demo.fetch('/logout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf }),
    });
    expect(await pageOf(demo)).toContain('Login with WRSAuth');
  });
});

describe('signing out', () => {
  it('Sign out sends the browser to WRSAuth’s end_session_endpoint with id_token_hint and the registered post_logout_redirect_uri (RP-initiated logout)', async () => {
    const { demo, page } = await signedInAtDemoApp('demo_rp_logout');
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] as string;

    const answer = await demo.fetch('/logout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf }),
    });

    const endSession = new URL(answer.headers.get('location') as string);
    expect(`${endSession.origin}${endSession.pathname}`).toBe(
      new URL(await endSessionEndpoint()).href.replace(/\?.*$/, ''),
    );
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${app.url}/`);
    expect(endSession.searchParams.get('id_token_hint')).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(await pageOf(demo)).toContain('Login with WRSAuth');
  });

  it('WRSAuth’s own logout token, sent when an account manager resets the user’s 2FA, signs the demo app session out: the next page says so', async () => {
    const { demo, page } = await signedInAtDemoApp('demo_real_bcl');
    expect(page).toContain('Signed in as');

    await t.server.services.cli.resetTwoFactor('demo_real_bcl', 'lost phone');
    await t.server.services.oidcLogout.sweep();

    expect(await auditEventsOf(t, 'oidc_backchannel_logout_delivered')).toContainEqual(
      expect.objectContaining({ detail: expect.objectContaining({ clientId, cause: 'session_revoked' }) }),
    );
    expect(await pageOf(demo)).toContain('You were signed out of WRSAuth.');
  });
});

describe('back-channel logout', () => {
  it('accepts a logout token signed by the provider’s key: that user’s session shows "You were signed out of WRSAuth" on its next page, once; another user stays signed in', async () => {
    const loggedOut = await signedInAtDemoApp('demo_bcl');
    const bystander = await signedInAtDemoApp('demo_bcl_other');
    expect(loggedOut.page).toContain('Signed in as');

    const answer = await deliver(await logoutToken({ sub: loggedOut.sub }));

    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const next = await pageOf(loggedOut.demo);
    expect(next).toContain('You were signed out of WRSAuth.');
    expect(next).not.toContain('Signed in as');
    expect(await pageOf(loggedOut.demo)).not.toContain('You were signed out of WRSAuth.');
    expect(await pageOf(bystander.demo)).toContain('Signed in as Morgan Rivera');
  });

  it('refuses a request with no logout token', async () => {
    const answer = await fetch(`${app.url}/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect([answer.status, ((await answer.json()) as { error: string }).error]).toEqual([
      400,
      'invalid_request',
    ]);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const refusals: Array<[string, (sub: string) => Promise<string>]> = [
    [
      'forged: signed by a key that is not the provider’s, under the provider key’s kid',
      async (sub) => {
        const { privateKey } = await generateKeyPair('RS256', { extractable: true });
        const key = await importJWK(await exportJWK(privateKey), 'RS256');
        return logoutToken({ sub }, { key: { key, kid: (await providerKey()).kid } });
      },
    ],
    ['expired', (sub) => logoutToken({ sub, iat: now() - 600, exp: now() - 480 })],
    ['for another application (aud)', (sub) => logoutToken({ sub, aud: randomUUID() })],
    ['from another issuer', (sub) => logoutToken({ sub, iss: 'http://127.0.0.1:1/oidc' })],
    [
      'carrying a nonce (an ID token cannot pass for a logout token)',
      (sub) => logoutToken({ sub, nonce: 'n' }),
    ],
    ['without the back-channel logout event', (sub) => logoutToken({ sub, events: {} })],
    ['with neither sub nor sid', () => logoutToken({})],
    ['without a jti', (sub) => logoutToken({ sub, jti: undefined })],
    ['typed as something other than logout+jwt', (sub) => logoutToken({ sub }, { typ: 'JWT+other' })],
  ];
  let refused = 0;
  it.each(refusals)(
    'refuses a logout token %s with 400 invalid_request, and the session stays',
    async (_, token) => {
      refused += 1;
      const { demo, sub } = await signedInAtDemoApp(`demo_refuse${refused}`);

      const answer = await deliver(await token(sub));

      expect(answer.status).toBe(400);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(((await answer.json()) as { error: string }).error).toBe('invalid_request');
      expect(await pageOf(demo)).toContain('Signed in as');
    },
  );
});

describe('the sessions a logout token names', () => {
  const user = (sub: string, sid?: string) => ({ sub, ...(sid && { sid }), name: sub, amr: [] });

  it('ends by sid the session of that provider session only, and by sub every session that never learned a sid', () => {
    const store = new SessionStore();
    const first = store.signIn(store.create(), user('u1', 'sid-a'));
    const second = store.signIn(store.create(), user('u1', 'sid-b'));
    const noSid = store.signIn(store.create(), user('u1'));

    expect(store.endByProvider({ sub: 'u1', sid: 'sid-a' })).toBe(2);
    expect([first, second, noSid].map((s) => store.find(s.id)?.user !== undefined)).toEqual([
      false,
      true,
      false,
    ]);
    expect(store.endByProvider({ sub: 'u1' })).toBe(1);
    expect(store.find(second.id)?.endedByProvider).toBe(true);
  });
});
