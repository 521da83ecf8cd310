/**
 * "Login with WRSAuth" through real Chromium: openid-client (the relying party; never code of ours) builds the
 * authorization request, the browser signs in on WRSAuth's own screens with a texted code and a location,
 * lands back at the application's loopback redirect_uri (served here), and openid-client redeems the code,
 * validating the ID token against the JWKS, and reads userinfo.
 */
import http from 'node:http';
import type { Page } from '@playwright/test';
import * as oidc from 'openid-client';
import { authorizationRequest as requestAuthorization } from '../support/oidc-relying-party';
import { expect, onScreen, screensVisited, test } from './fixtures';
import { CODE_ENTRY, enterCode, LOCATION, LOGIN, sendCode, submitPassword, VERIFY } from './flows';
import {
  E2E_BASE_URL,
  E2E_INSPECTION_URL,
  E2E_PORTS,
  E2E_RELYING_PARTIES,
  E2E_RP_REDIRECT_URI,
  E2E_USERS,
} from './world';

const [PRACTICE_APP, CHART_VIEWER] = E2E_RELYING_PARTIES;
const user = E2E_USERS.oidc;

let relyingParty: http.Server;
const applications = new Map<string, oidc.Configuration>();

test.beforeAll(async () => {
  // The applications' redirect_uri: a page that says the browser is back, whatever the query.
  relyingParty = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      '<!doctype html><html lang="en"><title>Practice application</title><p>Back at the application.</p>',
    );
  });
  await new Promise<void>((resolve) => relyingParty.listen(E2E_PORTS.relyingParty, '127.0.0.1', resolve));
  const registered = (await (await fetch(`${E2E_INSPECTION_URL}/__e2e/clients`)).json()) as Array<{
    name: string;
    clientId: string;
    clientSecret: string;
  }>;
  for (const client of registered) {
    applications.set(
      client.name,
      await oidc.discovery(
        new URL(`${E2E_BASE_URL}/oidc`),
        client.clientId,
        undefined,
        oidc.ClientSecretBasic(client.clientSecret),
        { execute: [oidc.allowInsecureRequests] },
      ),
    );
  }
});

test.afterAll(async () => {
  await new Promise((resolve) => relyingParty.close(resolve));
});

function application(name: string): oidc.Configuration {
  const config = applications.get(name);
  if (!config) throw new Error(`no application ${name}`);
  return config;
}

/** An authorization request of the practice's applications: openid, profile and email. */
const authorizationRequest = (config: oidc.Configuration, parameters: Record<string, string> = {}) =>
  requestAuthorization(config, E2E_RP_REDIRECT_URI, { scope: 'openid profile email', ...parameters });

/** Waits until the browser is back at the application, and gives the URL it came back to. */
async function backAtApplication(page: Page): Promise<URL> {
  await page.waitForURL((url) => url.href.startsWith(`${E2E_RP_REDIRECT_URI}?`));
  return new URL(page.url());
}

/** The line under every title of the login prompt. */
async function expectSignInTo(page: Page, clientName: string) {
  await expect(page.getByText(`Sign in to ${clientName}`, { exact: true })).toBeVisible();
}

test.describe('Login with WRSAuth', () => {
  test("signs in on WRSAuth's screens for an application, which gets a code, a valid ID token and userinfo with the user's claims; a second application then signs in without typing, and prompt=none answers at once", async ({
    page,
    browser,
  }) => {
    const practiceApp = application(PRACTICE_APP);
    const request = await authorizationRequest(practiceApp);

    await page.goto(request.url.href);
    await onScreen(page, LOGIN, 'oidc-login');
    expect(new URL(page.url()).pathname).toMatch(/^\/oidc-interaction\/[\w-]+$/);
    await expectSignInTo(page, PRACTICE_APP);
    await submitPassword(page, user);
    await onScreen(page, VERIFY);
    await expectSignInTo(page, PRACTICE_APP);
    const code = await sendCode(page, user, 'sms');
    await expectSignInTo(page, PRACTICE_APP);
    await enterCode(page, code);
    await onScreen(page, LOCATION, 'oidc-location');
    await expectSignInTo(page, PRACTICE_APP);
    expect(await screensVisited(page)).toEqual([LOGIN, VERIFY, CODE_ENTRY, LOCATION]);
    await page.getByRole('button', { name: 'Eastside Clinic', exact: true }).click();

    const callback = await backAtApplication(page);
    expect([...callback.searchParams.keys()].sort()).toEqual(['code', 'iss', 'state']);
    const tokens = await request.redeem(callback);
    const idToken = tokens.claims();
    const userinfo = await oidc.fetchUserInfo(practiceApp, tokens.access_token, idToken?.sub as string);
    const claims = {
      preferred_username: user.username,
      name: 'Quinn Oduya',
      given_name: 'Quinn',
      family_name: 'Oduya',
      practice_location: { id: expect.any(String), name: 'Eastside Clinic' },
      amr: ['pwd', 'sms', 'mfa'],
      acr: 'urn:wrsauth:acr:2fa',
    };
    expect(idToken).toMatchObject(claims);
    expect(userinfo).toMatchObject(claims);
    expect(idToken?.sub).not.toBe(user.username);
    expect(typeof idToken?.auth_time).toBe('number');
    // The email was put on file by the account manager, never proven by a code typed from it.
    expect(idToken).not.toHaveProperty('email');

    // A second application: straight back with a code, no WRSAuth screen on the way.
    const chartViewer = application(CHART_VIEWER);
    const second = await authorizationRequest(chartViewer);
    const promptsSeen: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame() && frame.url().includes('/oidc-interaction/'))
        promptsSeen.push(frame.url());
    });
    await page.goto(second.url.href);
    const secondTokens = await second.redeem(await backAtApplication(page));
    expect(promptsSeen).toEqual([]);
    expect(secondTokens.claims()).toMatchObject({
      sub: idToken?.sub,
      practice_location: { name: 'Eastside Clinic' },
    });

    // prompt=none: a code at once for this browser; login_required for a browser that never signed in.
    const silent = await authorizationRequest(chartViewer, { prompt: 'none' });
    await page.goto(silent.url.href);
    expect((await backAtApplication(page)).searchParams.get('code')).toBeTruthy();
    const stranger = await browser.newContext();
    try {
      const strangerPage = await stranger.newPage();
      await strangerPage.goto((await authorizationRequest(chartViewer, { prompt: 'none' })).url.href);
      expect((await backAtApplication(strangerPage)).searchParams.get('error')).toBe('login_required');
    } finally {
      await stranger.close();
    }
  });
});
