/**
 * Logout for "Login with WRSAuth": RP-initiated logout (end_session) and Back-Channel Logout 1.0. Applications
 * are openid-client; the back-channel logout URI is a real HTTP endpoint on loopback that verifies each logout
 * token with jose against the provider's JWKS, as an application must (OIDC Back-Channel Logout 1.0 §2.6).
 * Every way a WRSAuth sign-in ends is a trigger, and each one must reach the application.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETRY_AFTER_SECONDS } from '../../server/services/oidc-logout';
import { CookieBrowser } from '../support/oidc-browser';
import { OidcSignIns } from '../support/oidc-sign-in';
import { auditEventsAbout, eventually, startTestServer, type TestServer } from '../support/test-server';

const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const POST_LOGOUT = 'http://127.0.0.1:4581/';
const PASSWORD = 'frontDesk2026';

/** The application's back-channel logout endpoint: verifies, records, and answers as told. */
class LogoutReceiver {
  readonly verified: JWTPayload[] = [];
  readonly refused: string[] = [];
  /** Answers 500 to this many deliveries first (a busy application), then 200. */
  failFirst = 0;
  private server: http.Server | undefined;
  private jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        void this.receive(body).then((status) => {
          res.writeHead(status, { 'cache-control': 'no-store' }).end();
        });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  trust(config: oidc.Configuration): void {
    this.jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri as string));
    this.issuer = config.serverMetadata().issuer;
  }

  private issuer = '';

  private async receive(body: string): Promise<number> {
    if (this.failFirst > 0) {
      this.failFirst -= 1;
      return 500;
    }
    const token = new URLSearchParams(body).get('logout_token');
    try {
      if (!token || !this.jwks) throw new Error('no logout_token');
      const { payload } = await jwtVerify(token, this.jwks, {
        issuer: this.issuer,
        typ: 'logout+jwt',
        requiredClaims: ['iat', 'jti', 'aud', 'events'],
      });
      const events = payload.events as Record<string, unknown> | undefined;
      if (!events || typeof events[BACKCHANNEL_EVENT] !== 'object') throw new Error('no logout event');
      if ('nonce' in payload) throw new Error('a logout token must not carry a nonce');
      if (!payload.sub && !payload.sid) throw new Error('neither sub nor sid');
      this.verified.push(payload);
      return 200;
    } catch (error) {
      this.refused.push(String(error));
      return 400;
    }
  }

  /** The verified logout tokens for one user and application, once the first has come. */
  tokensFor(sub: string, clientId: string) {
    return eventually(
      async () => this.verified.filter((claims) => claims.sub === sub && claims.aud === clientId),
      (found) => found.length > 0,
      20_000,
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

let t: TestServer;
let flow: OidcSignIns;
let receiver: LogoutReceiver;
let practiceApp: oidc.Configuration;
let chartApp: oidc.Configuration;
/** Registered without a back-channel logout URI: owed nothing. */
let plainApp: oidc.Configuration;

beforeAll(async () => {
  receiver = new LogoutReceiver();
  await receiver.start();
  t = await startTestServer();
  flow = new OidcSignIns(t);
  practiceApp = await flow.register('Practice app', {
    postLogoutRedirectUris: [POST_LOGOUT],
    backchannelLogoutUri: `${receiver.url}/practice/backchannel-logout`,
  });
  chartApp = await flow.register('Chart viewer', {
    backchannelLogoutUri: `${receiver.url}/chart/backchannel-logout`,
  });
  plainApp = await flow.register('Scheduler');
  receiver.trust(practiceApp);
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

const clientIdOf = (config: oidc.Configuration) => config.clientMetadata().client_id;

/**
 * A user signed in through the prompt for the practice app (with a refresh token), then by single sign-on
 * for the chart viewer and the scheduler: the WRSAuth session token, the browser, and each app's tokens.
 */
async function signedInEverywhere(username: string) {
  const user = await flow.newUser(username);
  const browser = new CookieBrowser(t.url);
  const request = await flow.authorize(browser, practiceApp, {
    scope: 'openid offline_access',
    prompt: 'consent',
  });
  const sessionToken = await flow.signIn(username);
  const callback = await flow.completeAndReturn(
    browser,
    request.uid as string,
    sessionToken,
    await flow.locationId('Main Office'),
  );
  const practice = await request.redeem(callback);
  const chartRequest = await flow.authorize(browser, chartApp);
  expect(chartRequest.uid, 'single sign-on: no prompt for the second app').toBeUndefined();
  const chart = await chartRequest.redeem(chartRequest.landed);
  const plainRequest = await flow.authorize(browser, plainApp);
  await plainRequest.redeem(plainRequest.landed);
  return { user, browser, sessionToken, practice, chart };
}

/** A user signed in through the prompt for one application only: their session token. */
async function signedInTo(app: oidc.Configuration, username: string) {
  const user = await flow.newUser(username);
  const browser = new CookieBrowser(t.url);
  const request = await flow.authorize(browser, app);
  const token = await flow.signIn(username);
  const location = await flow.locationId('Main Office');
  await request.redeem(await flow.completeAndReturn(browser, request.uid as string, token, location));
  return { user, token };
}

/** Whether the browser's single sign-on still answers: prompt=none gets a code, or login_required. */
async function silentSignIn(browser: CookieBrowser): Promise<string> {
  const request = await flow.authorize(browser, chartApp, { prompt: 'none' });
  return request.landed.searchParams.get('error') ?? (request.landed.searchParams.has('code') ? 'code' : '?');
}

async function refreshVerdict(refreshToken: string | undefined): Promise<string> {
  if (!refreshToken) throw new Error('the sign-in got no refresh token');
  try {
    await oidc.refreshTokenGrant(practiceApp, refreshToken);
    return 'refreshed';
  } catch (error) {
    if (error instanceof oidc.ResponseBodyError) return error.error;
    throw error;
  }
}

/**
 * The rule every trigger must meet: each app with a back-channel URI gets a verified logout token naming the
 * user and the very session (`sid`) its ID token named; the refresh token died with the sign-in; single
 * sign-on asks for a password again; and the end is audited, with each delivery.
 */
async function expectLoggedOutEverywhere(signedIn: Awaited<ReturnType<typeof signedInEverywhere>>) {
  const { user, practice, chart, browser } = signedIn;
  const toPractice = await receiver.tokensFor(user.id, clientIdOf(practiceApp));
  const toChart = await receiver.tokensFor(user.id, clientIdOf(chartApp));
  expect(toPractice.map((claims) => claims.sid)).toEqual([practice.claims()?.sid]);
  expect(toChart.map((claims) => claims.sid)).toEqual([chart.claims()?.sid]);
  expect(practice.claims()?.sid).toBeTruthy();
  expect(receiver.verified.filter((claims) => claims.aud === clientIdOf(plainApp))).toEqual([]);
  expect(await refreshVerdict(practice.refresh_token)).toBe('invalid_grant');
  expect(await silentSignIn(browser)).toBe('login_required');
  const delivered = await eventually(
    async () => await auditEventsAbout(t, 'oidc_backchannel_logout_delivered', user.id),
    (events) => events.length === 2,
  );
  expect(delivered.map((event) => event.detail.clientId).sort()).toEqual(
    [clientIdOf(practiceApp), clientIdOf(chartApp)].sort(),
  );
  return await auditEventsAbout(t, 'oidc_logout', user.id);
}

describe('discovery', () => {
  it('advertises RP-initiated logout and back-channel logout with sid', () => {
    const metadata = practiceApp.serverMetadata();
    expect(metadata.end_session_endpoint).toBe(`${t.url}/oidc/session/end`);
    expect(metadata.backchannel_logout_supported).toBe(true);
    expect(metadata.backchannel_logout_session_supported).toBe(true);
  });
});

describe('back-channel logout, for every way a WRSAuth sign-in ends', () => {
  it('the user signs out: every app the sign-in reached is told, the refresh token dies, SSO asks again', async () => {
    const signedIn = await signedInEverywhere('bclsignout');
    expect(await silentSignIn(signedIn.browser)).toBe('code');
    expect(await refreshVerdict(signedIn.practice.refresh_token)).toBe('refreshed');

    const out = await t.post('/api/v1/auth/logout', undefined, {
      authorization: `Bearer ${signedIn.sessionToken}`,
    });
    expect(out.status).toBe(204);

    const ended = await expectLoggedOutEverywhere(signedIn);
    expect(ended.map((event) => event.detail)).toEqual([
      { cause: 'session_revoked', applications: 3, backchannelLogouts: 2 },
    ]);
  });

  it('an account manager deactivates the user: logged out, and their tokens stop at once (userinfo 401)', async () => {
    const signedIn = await signedInEverywhere('bcldeactivated');
    await t.server.services.cli.deactivate('bcldeactivated', 'left the practice');
    await expectLoggedOutEverywhere(signedIn);
    await expect(
      oidc.fetchUserInfo(chartApp, signedIn.chart.access_token, signedIn.user.id),
    ).rejects.toMatchObject({ status: 401 });
  });

  it('an account manager resets their 2FA', async () => {
    const signedIn = await signedInEverywhere('bclreset2fa');
    await t.server.services.cli.resetTwoFactor('bclreset2fa', 'lost phone');
    await expectLoggedOutEverywhere(signedIn);
  });

  it('an account manager gives a temporary password, which ends their sessions', async () => {
    const signedIn = await signedInEverywhere('bcltemporary');
    await t.server.services.cli.setTemporaryPassword('bcltemporary', 'tempDesk2099', 'forgot it');
    await expectLoggedOutEverywhere(signedIn);
  });

  it('the user changes their password elsewhere (their other sessions end)', async () => {
    const signedIn = await signedInEverywhere('bclchanged');
    const elsewhere = await flow.signIn('bclchanged');
    const changed = await t.post(
      '/api/v1/me/password',
      { currentPassword: PASSWORD, newPassword: 'newDesk2099' },
      { authorization: `Bearer ${elsewhere}` },
    );
    expect(changed.status).toBe(200);
    await expectLoggedOutEverywhere(signedIn);
  });

  it('the password is reset with two factors', async () => {
    const signedIn = await signedInEverywhere('bclforgot');
    const reset = '/api/v1/auth/password-reset';
    const id = (await t.post(reset, { username: 'bclforgot' })).body.resetId as string;
    t.clock.advance(31);
    expect((await t.post(`${reset}/${id}/send`, { targetId: 'sms' })).status).toBe(200);
    expect((await t.post(`${reset}/${id}/verify`, { code: t.lastSmsCode() })).status).toBe(200);
    expect((await t.post(`${reset}/${id}/send`, { targetId: 'email' })).status).toBe(200);
    await t.server.services.notices.settled();
    expect((await t.post(`${reset}/${id}/verify`, { code: t.lastMailCode() })).body.status).toBe('verified');
    expect((await t.post(`${reset}/${id}/password`, { password: 'newDesk2099' })).status).toBe(204);
    await expectLoggedOutEverywhere(signedIn);
  });

  it('the account end date passes (the sweep ends the access)', async () => {
    const signedIn = await signedInEverywhere('bclended');
    await t.server.db
      .updateTable('users')
      .set({ end_date: '2001-01-01' })
      .where('id', '=', signedIn.user.id)
      .execute();
    await t.server.services.accountEnds.sweep();
    await expectLoggedOutEverywhere(signedIn);
  });

  it('the sign-in reaches its 12 hours', async () => {
    const signedIn = await signedInEverywhere('bclexpired');
    t.clock.advance(12 * 60 * 60 + 1);
    const ended = await expectLoggedOutEverywhere(signedIn);
    expect(ended.map((event) => event.detail.cause)).toEqual(['session_expired']);
  });
});

describe('RP-initiated logout', () => {
  it('asks once, ends the WRSAuth sign-in, tells the other apps by back-channel, and returns to the registered URI', async () => {
    const signedIn = await signedInEverywhere('rplogout');
    const endSession = oidc.buildEndSessionUrl(practiceApp, {
      id_token_hint: signedIn.practice.id_token as string,
      post_logout_redirect_uri: POST_LOGOUT,
      state: 'after-logout',
    });
    const asked = await signedIn.browser.fetch(endSession);
    expect(asked.status).toBe(200);
    const page = await asked.text();
    expect(page).toContain('Sign out of WRSAuth');
    expect(page).toContain('Practice app asked to sign you out.');
    const action = /action="([^"]+)"/.exec(page)?.[1] as string;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page)?.[1] as string;

    const confirmed = await signedIn.browser.fetch(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
    });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe(`${POST_LOGOUT}?state=after-logout`);

    const toChart = await receiver.tokensFor(signedIn.user.id, clientIdOf(chartApp));
    expect(toChart.map((claims) => claims.sid)).toEqual([signedIn.chart.claims()?.sid]);
    const me = await eventually(
      () => t.get('/api/v1/me', { authorization: `Bearer ${signedIn.sessionToken}` }),
      (answer) => answer.status === 401,
    );
    expect(me.status, 'the WRSAuth session ended with the logout').toBe(401);
    expect(await refreshVerdict(signedIn.practice.refresh_token)).toBe('invalid_grant');
    expect(await silentSignIn(signedIn.browser)).toBe('login_required');
    const ended = await eventually(
      async () => await auditEventsAbout(t, 'oidc_logout', signedIn.user.id),
      (events) => events.length > 0,
    );
    expect(ended[0]?.detail).toMatchObject({ cause: 'rp_initiated', clientId: clientIdOf(practiceApp) });
  });

  it('refuses a post-logout URI the application did not register', async () => {
    const signedIn = await signedInEverywhere('rpstranger');
    const endSession = oidc.buildEndSessionUrl(practiceApp, {
      id_token_hint: signedIn.practice.id_token as string,
      post_logout_redirect_uri: 'http://127.0.0.1:9999/elsewhere',
    });
    const answer = await signedIn.browser.fetch(endSession);
    expect(answer.status).toBe(400);
    expect(answer.headers.get('location')).toBeNull();
    expect(await answer.text()).toContain('post_logout_redirect_uri not registered');
  });
});

describe('delivery', () => {
  it('retries a failed delivery with backoff until the application accepts it, auditing each attempt', async () => {
    receiver.failFirst = 2;
    const signedIn = await signedInEverywhere('bclretry');
    await t.post('/api/v1/auth/logout', undefined, { authorization: `Bearer ${signedIn.sessionToken}` });
    const failed = await eventually(
      async () => await auditEventsAbout(t, 'oidc_backchannel_logout_failed', signedIn.user.id),
      (events) => events.length === 2,
      20_000,
    );
    expect(failed.map((event) => event.detail.retryInSeconds)).toEqual([5, 5]);
    expect(failed.every((event) => String(event.detail.error).includes('500'))).toBe(true);
    // Both first attempts failed; the retries come due once the clock passes the backoff.
    t.clock.advance(6);
    await expectLoggedOutEverywhere(signedIn);
    const rows = await t.server.db
      .selectFrom('oidc_logout_deliveries')
      .select(['attempts', 'delivered_at'])
      .where('user_id', '=', signedIn.user.id)
      .execute();
    expect(rows.map((row) => row.attempts).sort()).toEqual([2, 2]);
    expect(rows.every((row) => row.delivered_at !== null)).toBe(true);
  });

  it('gives up after the last retry, and says so in the audit trail', async () => {
    const app = await flow.register('Unreachable app', {
      backchannelLogoutUri: `${receiver.url}/unreachable/backchannel-logout`,
    });
    const { user, token } = await signedInTo(app, 'bclgiveup');
    receiver.failFirst = RETRY_AFTER_SECONDS.length + 1;
    await t.post('/api/v1/auth/logout', undefined, { authorization: `Bearer ${token}` });
    const failures = () =>
      eventually(
        async () => await auditEventsAbout(t, 'oidc_backchannel_logout_failed', user.id),
        (events) => events.length > 0 && events.length >= attempts,
        20_000,
      );
    let attempts = 1;
    for (const wait of RETRY_AFTER_SECONDS) {
      expect((await failures()).length).toBe(attempts);
      t.clock.advance(wait + 1);
      attempts += 1;
    }
    const failed = await failures();
    expect(failed.map((event) => event.detail.retryInSeconds)).toEqual([...RETRY_AFTER_SECONDS, null]);
    expect(failed.at(-1)?.detail).toMatchObject({ givenUp: true, attempt: RETRY_AFTER_SECONDS.length + 1 });
    const row = await t.server.db
      .selectFrom('oidc_logout_deliveries')
      .selectAll()
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ next_attempt_at: null, delivered_at: null });
    expect(row.gave_up_at).not.toBeNull();
    receiver.failFirst = 0;
  });

  it('owes nothing to an application disabled before the sign-in ended', async () => {
    const app = await flow.register('Short-lived app', {
      backchannelLogoutUri: `${receiver.url}/short-lived/backchannel-logout`,
    });
    const { user, token } = await signedInTo(app, 'bcldisabled');
    await t.server.services.relyingParties.disable(clientIdOf(app), { ip: null, userAgent: 'test' });
    await t.post('/api/v1/auth/logout', undefined, { authorization: `Bearer ${token}` });
    const ended = await eventually(
      async () => await auditEventsAbout(t, 'oidc_logout', user.id),
      (events) => events.length > 0,
    );
    expect(ended.map((event) => event.detail)).toEqual([
      { cause: 'session_revoked', applications: 1, backchannelLogouts: 0 },
    ]);
  });

  it('calls registered back-channel logout URIs on loopback, and nothing that is not registered', async () => {
    const { outboundFetch } = t.server.services.oidcLogout;
    await expect(
      outboundFetch('http://127.0.0.1:9/not-registered', { body: 'logout_token=x' }),
    ).rejects.toThrow(/not a registered back-channel logout URI/);
    await expect(outboundFetch('http://169.254.169.254/latest/meta-data', {})).rejects.toThrow(
      /not a registered back-channel logout URI/,
    );
    // Every delivery in this file went to 127.0.0.1, which oidc-provider's default fetch refuses.
    expect(receiver.verified.length).toBeGreaterThan(0);
  });
});

describe('single sign-on and the WRSAuth session', () => {
  it('asks for the password again once the WRSAuth sign-in has sat idle for 30 minutes', async () => {
    const { browser } = await signedInEverywhere('ssoidle');
    t.clock.advance(29 * 60);
    expect(await silentSignIn(browser)).toBe('code');
    t.clock.advance(31 * 60);
    expect(await silentSignIn(browser)).toBe('login_required');
  });

  it('a browser signed in again (prompt=login) keeps its new sign-in when the old WRSAuth session ends', async () => {
    const signedIn = await signedInEverywhere('ssoagain');
    const again = await flow.authorize(signedIn.browser, practiceApp, { prompt: 'login' });
    const newer = await flow.signIn('ssoagain');
    await again.redeem(
      await flow.completeAndReturn(
        signedIn.browser,
        again.uid as string,
        newer,
        await flow.locationId('Main Office'),
      ),
    );
    await t.post('/api/v1/auth/logout', undefined, { authorization: `Bearer ${signedIn.sessionToken}` });
    await t.server.services.oidcLogout.sweep();
    expect(await silentSignIn(signedIn.browser)).toBe('code');
  });
});
