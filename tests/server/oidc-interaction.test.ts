/**
 * "Login with WRSAuth", the login prompt and the claims: an authorization request from openid-client walked by
 * a cookie-keeping browser (tests/support/oidc-browser.ts) through WRSAuth's own sign-in (/api/v1/auth/*) and
 * POST /oidc-interaction/:uid/complete, back to the redirect_uri, then redeemed and read by openid-client.
 */
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setContact } from '../../server/repositories/contact-changes';
import { CookieBrowser } from '../support/oidc-browser';
import { OidcSignIns, RP_REDIRECT as REDIRECT } from '../support/oidc-sign-in';
import { eventually, startTestServer, type TestServer } from '../support/test-server';

const ACR_2FA = 'urn:wrsauth:acr:2fa';
const ACR_PWD = 'urn:wrsauth:acr:pwd';

let t: TestServer;
let flow: OidcSignIns;
let practiceApp: oidc.Configuration;
let chartApp: oidc.Configuration;

beforeAll(async () => {
  t = await startTestServer();
  flow = new OidcSignIns(t);
  // Untrusted text: the name is only ever rendered as text.
  practiceApp = await flow.register('Practice <app> & "charts"');
  chartApp = await flow.register('Chart viewer');
});
afterAll(() => t.close());

const newUser: OidcSignIns['newUser'] = (...args) => flow.newUser(...args);
const signIn: OidcSignIns['signIn'] = (...args) => flow.signIn(...args);
const locationId: OidcSignIns['locationId'] = (...args) => flow.locationId(...args);
const authorize: OidcSignIns['authorize'] = (...args) => flow.authorize(...args);
const complete: OidcSignIns['complete'] = (...args) => flow.complete(...args);
const completeAndReturn: OidcSignIns['completeAndReturn'] = (...args) => flow.completeAndReturn(...args);

/** A browser signed in through the prompt for the practice app; answers its tokens and the user's ids. */
async function signedInBrowser(username: string, channel: 'sms' | 'email' = 'sms', scope = 'openid') {
  const user = await newUser(username);
  const eastside = await locationId('Eastside Clinic');
  const browser = new CookieBrowser(t.url);
  const request = await authorize(browser, practiceApp, { scope });
  const token = await signIn(username, channel);
  const callback = await completeAndReturn(browser, request.uid as string, token, eastside);
  const tokens = await request.redeem(callback);
  return { user, eastside, browser, tokens, callback };
}

describe('discovery', () => {
  it('advertises the two acr values and every claim an application can get', async () => {
    const metadata = practiceApp.serverMetadata();

    expect([...(metadata.acr_values_supported ?? [])].sort()).toEqual([ACR_2FA, ACR_PWD]);
    expect(metadata.claims_supported).toEqual(
      expect.arrayContaining([
        'sub',
        'preferred_username',
        'name',
        'given_name',
        'family_name',
        'email',
        'email_verified',
        'practice_location',
        'amr',
        'acr',
        'auth_time',
      ]),
    );
  });
});

describe('the login prompt', () => {
  it('tells this browser, and only this browser, which application asks (its registered name, as text)', async () => {
    const browser = new CookieBrowser(t.url);
    const { uid } = await authorize(browser, practiceApp);

    const details = await browser.fetch(`/oidc-interaction/${uid}/details`);
    const stranger = await new CookieBrowser(t.url).fetch(`/oidc-interaction/${uid}/details`);

    expect([details.status, await details.json()]).toEqual([
      200,
      { clientName: 'Practice <app> & "charts"', secondFactorRequired: false },
    ]);
    expect([stranger.status, ((await stranger.json()) as { error: string }).error]).toEqual([
      404,
      'interaction_not_found',
    ]);
  });

  it('returns to the redirect_uri with code and state, and gives no WRSAuth session token to the client', async () => {
    const { callback, tokens } = await signedInBrowser('oidc_return');

    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT);
    expect([...callback.searchParams.keys()].sort()).toEqual(['code', 'iss', 'state']);
    expect(tokens.access_token).toBeTruthy();
    expect(JSON.stringify(tokens)).not.toMatch(/sessionToken/);
  });
});

describe('the claims, in the ID token and from userinfo', () => {
  it('gives sub (the opaque id, not the User ID), preferred_username, the names, the chosen location, amr sms, acr 2fa and auth_time', async () => {
    const { user, eastside, tokens } = await signedInBrowser('oidc_claims', 'sms', 'openid profile email');
    const idToken = tokens.claims();
    const userinfo = await oidc.fetchUserInfo(practiceApp, tokens.access_token, idToken?.sub as string);

    const expected = {
      sub: user.id,
      preferred_username: 'oidc_claims',
      name: 'Casey Kiplock',
      given_name: 'Casey',
      family_name: 'Kiplock',
      practice_location: { id: eastside, name: 'Eastside Clinic' },
      amr: ['pwd', 'sms', 'mfa'],
      acr: ACR_2FA,
    };
    expect(idToken).toMatchObject(expected);
    expect(userinfo).toMatchObject(expected);
    expect(idToken?.sub).not.toBe('oidc_claims');
    expect(typeof idToken?.auth_time).toBe('number');
    expect(Math.abs((idToken?.auth_time as number) - Date.now() / 1000)).toBeLessThan(60);
    // The email on file was never proven by a code: no email claim at all.
    expect(idToken).not.toHaveProperty('email');
    expect(userinfo).not.toHaveProperty('email');
  });

  it('gives email and email_verified: true with the email scope only when a code proved the email', async () => {
    const username = 'oidc_email';
    const user = await newUser(username);
    await setContact(t.server.db, user.id, 'email', 'oidc_email@wrshealth.com', 'user_code', t.clock.now());
    const browser = new CookieBrowser(t.url);
    const withEmail = await authorize(browser, practiceApp, { scope: 'openid email' });
    const token = await signIn(username);
    const main = await locationId('Main Office');
    const tokens = await withEmail.redeem(
      await completeAndReturn(browser, withEmail.uid as string, token, main),
    );
    const withoutScope = await authorize(browser, chartApp, { scope: 'openid' });
    const chartTokens = await withoutScope.redeem(withoutScope.landed);

    expect(tokens.claims()).toMatchObject({ email: 'oidc_email@wrshealth.com', email_verified: true });
    expect(chartTokens.claims()).not.toHaveProperty('email');
  });

  it('says otp (not sms) for a code sent by email', async () => {
    const { tokens } = await signedInBrowser('oidc_emailcode', 'email');

    expect(tokens.claims()).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: ACR_2FA });
  });

  it('says swk for a sign-in a trusted workstation vouched for, with no code typed', async () => {
    const username = 'oidc_trusted';
    await newUser(username);
    t.clock.advance(31);
    const first = await t.post('/api/v1/auth/login', { username, password: 'frontDesk2026' });
    await t.send(first.body.challengeId, 'sms');
    const remembered = await t.verify(first.body.challengeId, t.lastSmsCode(), {
      rememberDevice: true,
      deviceName: 'Front desk',
    });
    const browser = new CookieBrowser(t.url);
    const request = await authorize(browser, practiceApp);
    const trusted = await t.post('/api/v1/auth/login', {
      username,
      password: 'frontDesk2026',
      deviceToken: remembered.body.deviceToken,
    });
    expect(trusted.body.status).toBe('authenticated');

    const tokens = await request.redeem(
      await completeAndReturn(
        browser,
        request.uid as string,
        trusted.body.sessionToken,
        await locationId('Main Office'),
      ),
    );

    expect(tokens.claims()).toMatchObject({ amr: ['pwd', 'swk', 'mfa'], acr: ACR_2FA });
  });
});

describe('the complete endpoint refuses', () => {
  it('without a session (401), and the request stays open for a real sign-in', async () => {
    await newUser('oidc_nosession');
    const browser = new CookieBrowser(t.url);
    const { uid } = await authorize(browser, practiceApp);

    const refused = await complete(browser, uid as string, undefined, null);
    const forged = await complete(browser, uid as string, 'not-a-session-token', null);

    expect(refused.status).toBe(401);
    expect(forged.status).toBe(401);
    expect((await browser.fetch(`/oidc-interaction/${uid}/details`)).status).toBe(200);
  });

  it("a session brought to another browser's request: without that browser's cookie the uid is useless (404)", async () => {
    await newUser('oidc_otherbrowser');
    const victim = new CookieBrowser(t.url);
    const attacker = new CookieBrowser(t.url);
    const victimRequest = await authorize(victim, practiceApp);
    await authorize(attacker, practiceApp);
    // The attacker's own (valid, signed) interaction cookie, sent to the victim's prompt path.
    const victimPath = `/oidc-interaction/${victimRequest.uid}`;
    for (const name of ['_interaction', '_interaction.sig']) {
      const own = attacker.cookie(name);
      if (own) attacker.setCookie({ ...own, path: victimPath });
    }
    const token = await signIn('oidc_otherbrowser');
    const main = await locationId('Main Office');

    const withOwnCookie = await complete(attacker, victimRequest.uid as string, token, main);
    const withNoCookie = await complete(new CookieBrowser(t.url), victimRequest.uid as string, token, main);
    const details = await attacker.fetch(`${victimPath}/details`);

    expect([withOwnCookie.status, ((await withOwnCookie.json()) as { error: string }).error]).toEqual([
      404,
      'interaction_not_found',
    ]);
    expect(withNoCookie.status).toBe(404);
    expect(details.status).toBe(404);
    // The victim's request is untouched: their own browser still completes it.
    expect((await complete(victim, victimRequest.uid as string, token, main)).status).toBe(200);
  });

  it('an unknown uid, and a request already completed and returned (404)', async () => {
    await newUser('oidc_used');
    const browser = new CookieBrowser(t.url);
    const request = await authorize(browser, practiceApp);
    const token = await signIn('oidc_used');
    const main = await locationId('Main Office');
    const first = await complete(browser, request.uid as string, token, main);
    const { redirectTo } = (await first.json()) as { redirectTo: string };
    const again = await complete(browser, request.uid as string, token, main);
    await browser.navigate(redirectTo);

    const afterReturn = await complete(browser, request.uid as string, token, main);
    const unknown = await complete(browser, 'no-such-interaction', token, main);

    expect([first.status, again.status, afterReturn.status, unknown.status]).toEqual([200, 404, 404, 404]);
  });

  it('a password-only session when the policy requires a second factor (403 second_factor_required)', async () => {
    await newUser('oidc_pwdonly');
    await t.server.services.cli.setPolicy({ mode: 'off' });
    try {
      const browser = new CookieBrowser(t.url);
      const { uid } = await authorize(browser, practiceApp);
      const passwordOnly = await signIn('oidc_pwdonly');
      await t.server.services.cli.setPolicy({ mode: 'required' });
      const main = (await t.get('/api/v1/me', { authorization: `Bearer ${passwordOnly}` })).body.locations[0]
        .id;

      const refused = await complete(browser, uid as string, passwordOnly, main);

      expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([
        403,
        'second_factor_required',
      ]);
    } finally {
      await t.server.services.cli.setPolicy({ mode: 'optional' });
    }
  });

  it('a session that began before the request: prompt=login and max_age=0 need a fresh password and code (401)', async () => {
    await newUser('oidc_stale');
    const earlier = await signIn('oidc_stale');
    const main = (await t.get('/api/v1/me', { authorization: `Bearer ${earlier}` })).body.locations[0].id;
    t.clock.advance(60);
    const browser = new CookieBrowser(t.url);
    const { uid } = await authorize(browser, practiceApp, { prompt: 'login' });

    const refused = await complete(browser, uid as string, earlier, main);

    expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([
      401,
      'fresh_sign_in_required',
    ]);
  });

  it("a deactivated user's session (401)", async () => {
    await newUser('oidc_gone');
    const browser = new CookieBrowser(t.url);
    const { uid } = await authorize(browser, practiceApp);
    const token = await signIn('oidc_gone');
    const main = (await t.get('/api/v1/me', { authorization: `Bearer ${token}` })).body.locations[0].id;
    await t.server.services.cli.deactivate('oidc_gone');

    expect((await complete(browser, uid as string, token, main)).status).toBe(401);
  });

  it('a session from a temporary password, until the user has chosen their own (403 password_change_required)', async () => {
    await newUser('oidc_temporary');
    await t.server.services.cli.setTemporaryPassword('oidc_temporary', 'frontDesk2026', 'Forgotten');
    const browser = new CookieBrowser(t.url);
    const { uid } = await authorize(browser, practiceApp);
    const token = await signIn('oidc_temporary');

    const refused = await complete(browser, uid as string, token, await locationId('Main Office'));

    expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([
      403,
      'password_change_required',
    ]);
  });

  it('a location that is not one of the user’s (400)', async () => {
    await newUser('oidc_elsewhere');
    const browser = new CookieBrowser(t.url);
    const { uid } = await authorize(browser, practiceApp);
    const token = await signIn('oidc_elsewhere');

    expect((await complete(browser, uid as string, token, 'not-a-location')).status).toBe(400);
  });
});

describe('single sign-on and forcing a fresh sign-in', () => {
  it('gives a second client a code without typing, for the same sign-in and location', async () => {
    const { browser, eastside, user } = await signedInBrowser('oidc_sso');

    const second = await authorize(browser, chartApp);
    const tokens = await second.redeem(second.landed);

    expect(second.uid).toBeUndefined();
    expect(second.landed.searchParams.get('code')).toBeTruthy();
    expect(tokens.claims()).toMatchObject({
      sub: user.id,
      practice_location: { id: eastside, name: 'Eastside Clinic' },
      amr: ['pwd', 'sms', 'mfa'],
    });
  });

  it('answers prompt=none at once: a code for a signed-in browser, login_required for another', async () => {
    const { browser } = await signedInBrowser('oidc_none');

    const signedIn = await authorize(browser, chartApp, { prompt: 'none' });
    const stranger = await authorize(new CookieBrowser(t.url), chartApp, { prompt: 'none' });

    expect(signedIn.landed.searchParams.get('code')).toBeTruthy();
    expect(stranger.landed.searchParams.get('error')).toBe('login_required');
    expect(`${stranger.landed.origin}${stranger.landed.pathname}`).toBe(REDIRECT);
  });

  it.each([
    ['prompt=login', { prompt: 'login' }],
    ['max_age=0', { max_age: '0' }],
  ])('sends a signed-in browser back to the login prompt on %s', async (_, parameters) => {
    const username = `oidc_force_${Object.keys(parameters)[0]}`;
    const { browser, tokens: before } = await signedInBrowser(username);

    const forced = await authorize(browser, chartApp, parameters);
    expect(forced.uid).toBeTruthy();
    const fresh = await signIn(username);
    const after = await forced.redeem(
      await completeAndReturn(browser, forced.uid as string, fresh, await locationId('Main Office')),
    );

    // openid-client checks auth_time against max_age; the new sign-in's location and time are the ones told.
    expect(after.claims()).toMatchObject({ practice_location: { name: 'Main Office' } });
    expect(after.claims()?.auth_time).toBeGreaterThanOrEqual(before.claims()?.auth_time as number);
  });

  it('never answers acr_values=urn:wrsauth:acr:2fa from a password-only sign-in: prompt=none gets login_required, the prompt gets unmet_authentication_requirements', async () => {
    await newUser('oidc_acr');
    await t.server.services.cli.setPolicy({ mode: 'off' });
    try {
      const browser = new CookieBrowser(t.url);
      const first = await authorize(browser, practiceApp);
      const passwordOnly = await signIn('oidc_acr');
      const main = (await t.get('/api/v1/me', { authorization: `Bearer ${passwordOnly}` })).body.locations[0]
        .id;
      const firstTokens = await first.redeem(
        await completeAndReturn(browser, first.uid as string, passwordOnly, main),
      );
      expect(firstTokens.claims()).toMatchObject({ amr: ['pwd'], acr: ACR_PWD });

      const silent = await authorize(browser, chartApp, { prompt: 'none', acr_values: ACR_2FA });
      const asked = await authorize(browser, chartApp, { acr_values: ACR_2FA });
      const details = await browser.fetch(`/oidc-interaction/${asked.uid}/details`);
      const again = await signIn('oidc_acr');
      const landed = await completeAndReturn(browser, asked.uid as string, again, main);

      expect(silent.landed.searchParams.get('error')).toBe('login_required');
      expect(((await details.json()) as { secondFactorRequired: boolean }).secondFactorRequired).toBe(true);
      expect(landed.searchParams.get('error')).toBe('unmet_authentication_requirements');
      expect(landed.searchParams.get('code')).toBeNull();
    } finally {
      await t.server.services.cli.setPolicy({ mode: 'optional' });
    }
  });
});

describe('acr_values=urn:wrsauth:acr:2fa asks for a code', () => {
  /** Password (sending the login prompt's flag), then the texted code: the session token. */
  async function signInAskingForCode(username: string): Promise<{ asked: boolean; token: string }> {
    t.clock.advance(31);
    const login = await t.post('/api/v1/auth/login', {
      username,
      password: 'frontDesk2026',
      requireSecondFactor: true,
    });
    if (login.body.status === 'authenticated') return { asked: false, token: login.body.sessionToken };
    await t.send(login.body.challengeId, 'sms');
    const verified = await t.verify(login.body.challengeId, t.lastSmsCode());
    return { asked: true, token: verified.body.sessionToken };
  }

  it('asks a user with a factor on file for a code even under a policy that asks for none: acr 2fa, amr with mfa', async () => {
    await newUser('oidc_acr_asked');
    await t.server.services.cli.setPolicy({ mode: 'off' });
    try {
      const browser = new CookieBrowser(t.url);
      const request = await authorize(browser, practiceApp, { acr_values: ACR_2FA });
      const withoutFlag = await t.post('/api/v1/auth/login', {
        username: 'oidc_acr_asked',
        password: 'frontDesk2026',
      });
      const { asked, token } = await signInAskingForCode('oidc_acr_asked');
      const callback = await completeAndReturn(
        browser,
        request.uid as string,
        token,
        await locationId('Main Office'),
      );
      const tokens = await request.redeem(callback);

      // The policy alone would have let this user in on the password: the flag added the code.
      expect(withoutFlag.body.status).toBe('authenticated');
      expect(asked).toBe(true);
      expect(tokens.claims()).toMatchObject({ acr: ACR_2FA, amr: ['pwd', 'sms', 'mfa'] });
    } finally {
      await t.server.services.cli.setPolicy({ mode: 'optional' });
    }
  });

  it('sends a user with no factor to ask for back to the redirect_uri with unmet_authentication_requirements (optional policy)', async () => {
    await newUser('oidc_acr_nofactor', { phone: undefined, email: undefined });
    const browser = new CookieBrowser(t.url);
    const request = await authorize(browser, practiceApp, { acr_values: ACR_2FA });

    const { asked, token } = await signInAskingForCode('oidc_acr_nofactor');
    const landed = await completeAndReturn(
      browser,
      request.uid as string,
      token,
      await locationId('Main Office'),
    );

    expect(asked).toBe(false);
    expect(`${landed.origin}${landed.pathname}`).toBe(REDIRECT);
    expect(landed.searchParams.get('error')).toBe('unmet_authentication_requirements');
    expect(landed.searchParams.get('code')).toBeNull();
  });

  it('never lets the flag remove a step: requireSecondFactor false still gets the code the policy asks for', async () => {
    await newUser('oidc_acr_false');
    t.clock.advance(31);

    const login = await t.post('/api/v1/auth/login', {
      username: 'oidc_acr_false',
      password: 'frontDesk2026',
      requireSecondFactor: false,
    });

    expect(login.body.status).toBe('challenge');
  });
});

describe('a deactivated user', () => {
  it('gets no new code (the signed-in browser must sign in again; prompt=none gets login_required) and userinfo refuses their token', async () => {
    const { browser, tokens } = await signedInBrowser('oidc_deactivated');
    await t.server.services.cli.deactivate('oidc_deactivated');

    const silent = await authorize(browser, chartApp, { prompt: 'none' });
    const prompted = await authorize(browser, chartApp);

    expect(silent.landed.searchParams.get('error')).toBe('login_required');
    expect(silent.landed.searchParams.get('code')).toBeNull();
    expect(prompted.uid).toBeTruthy();
    await expect(
      oidc.fetchUserInfo(practiceApp, tokens.access_token, oidc.skipSubjectCheck),
    ).rejects.toThrow();
  });
});

describe('a user past their end date', () => {
  it('gets no new code even before any sweep has ended their access: findAccount reads the dates itself', async () => {
    const { browser, user, tokens } = await signedInBrowser('oidc_ended');
    // The day before the test clock's today; written straight to the row, so nothing but findAccount notices.
    await t.server.db
      .updateTable('users')
      .set({ end_date: '2000-01-01' })
      .where('id', '=', user.id)
      .execute();

    const silent = await authorize(browser, chartApp, { prompt: 'none' });

    expect(silent.landed.searchParams.get('error')).toBe('login_required');
    await expect(
      oidc.fetchUserInfo(practiceApp, tokens.access_token, oidc.skipSubjectCheck),
    ).rejects.toThrow();
  });
});

describe('the audit trail', () => {
  it('records oidc_authorized for every code, by prompt or single sign-on, with client, user, location and amr', async () => {
    const { browser, user, eastside } = await signedInBrowser('oidc_audited');
    await authorize(browser, chartApp);
    const ofUser = async () =>
      (
        await t.server.db
          .selectFrom('audit_events')
          .select(['user_id', 'detail'])
          .where('event_type', '=', 'oidc_authorized')
          .where('user_id', '=', user.id)
          .orderBy('id')
          .execute()
      ).map((row) => JSON.parse(row.detail));

    const events = await eventually(ofUser, (found) => found.length >= 2);

    expect(events).toEqual([
      expect.objectContaining({
        clientId: practiceApp.clientMetadata().client_id,
        locationId: eastside,
        locationName: 'Eastside Clinic',
        amr: 'pwd sms mfa',
      }),
      expect.objectContaining({
        clientId: chartApp.clientMetadata().client_id,
        locationId: eastside,
        amr: 'pwd sms mfa',
      }),
    ]);
  });
});
