/**
 * The demo practice application (demo-app/) through real Chromium, as a newcomer walks it after `npm start`:
 * Login with WRSAuth, WRSAuth's own screens with a texted code and a location, and back at the application,
 * which shows the user's name, the chosen location, amr and acr. The application is registered by the
 * harness as `serve --demo` registers it, and started here against the e2e server.
 */
import type { Page } from '@playwright/test';
import { type RunningDemoApp, startDemoApp } from '../../demo-app/app';
import type { ClientCredentials } from '../../demo-app/relying-party';
import { expect, onScreen, screensVisited, test } from './fixtures';
import { CODE_ENTRY, enterCode, LOCATION, LOGIN, sendCode, submitPassword, VERIFY } from './flows';
import { E2E_BASE_URL, E2E_INSPECTION_URL, E2E_PORTS, E2E_USERS } from './world';

type E2EUser = (typeof E2E_USERS)['demoApp'];

let demoApp: RunningDemoApp;

test.beforeAll(async () => {
  const credentials = (await (
    await fetch(`${E2E_INSPECTION_URL}/__e2e/demo-app`)
  ).json()) as ClientCredentials;
  demoApp = await startDemoApp({
    issuer: new URL(`${E2E_BASE_URL}/oidc`),
    credentials,
    port: E2E_PORTS.demoApp,
    log: () => {},
  });
});

test.afterAll(async () => {
  await demoApp?.close();
});

/** From the demo app's start page through WRSAuth's screens and back, choosing Eastside Clinic. */
async function loginWithWrsauth(page: Page, user: E2EUser): Promise<void> {
  await page.goto(`${demoApp.url}/`);
  await expect(page.getByRole('heading', { name: 'Welcome' })).toBeVisible();
  await page.getByRole('button', { name: 'Login with WRSAuth' }).click();
  await onScreen(page, LOGIN, 'demo-app-login');
  await expect(page.getByText('Sign in to Demo practice application', { exact: true })).toBeVisible();
  await submitPassword(page, user);
  await onScreen(page, VERIFY);
  const code = await sendCode(page, user, 'sms');
  await enterCode(page, code);
  await onScreen(page, LOCATION);
  expect(await screensVisited(page)).toEqual([LOGIN, VERIFY, CODE_ENTRY, LOCATION]);
  await page.getByRole('button', { name: 'Eastside Clinic', exact: true }).click();
  await page.waitForURL(`${demoApp.url}/`);
}

test.describe('the demo practice application', () => {
  test('Login with WRSAuth: password, a texted code and a location on WRSAuth, then the demo app shows the name, the location, amr and acr', async ({
    page,
  }) => {
    const user = E2E_USERS.demoApp;

    await loginWithWrsauth(page, user);

    await expect(
      page.getByRole('heading', { name: `Signed in as ${user.firstName} ${user.lastName}` }),
    ).toBeVisible();
    await expect(page.getByTestId('location')).toHaveText('Eastside Clinic');
    await expect(page.getByTestId('amr')).toHaveText('pwd sms mfa');
    await expect(page.getByTestId('acr')).toHaveText('urn:wrsauth:acr:2fa');
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  });

  // Waits for server logout: RP-initiated logout (rpInitiatedLogout in server/services/oidc-provider.ts) is
  // being built on main. Until the provider advertises an end_session_endpoint, Sign out ends the session in
  // the demo app only, and WRSAuth's sign-in goes on, so this test would fail on the last step.
  test.fixme('Sign out uses RP-initiated logout: back at the demo app signed out, and Login with WRSAuth asks for the password again', async ({
    page,
  }) => {
    const user = E2E_USERS.demoAppSignOut;
    await loginWithWrsauth(page, user);
    await expect(page.getByRole('heading', { name: /^Signed in as / })).toBeVisible();

    const server = new URL(E2E_BASE_URL).origin;
    const toServer: string[] = [];
    page.on('request', (request) => {
      if (request.isNavigationRequest() && new URL(request.url()).origin === server)
        toServer.push(request.url());
    });
    const loginButton = page.getByRole('button', { name: 'Login with WRSAuth' });
    // oidc-provider's own logout page asks "Yes, sign me out"; a provider may also send the browser straight
    // back to the registered post_logout_redirect_uri.
    const confirm = page.getByRole('button', { name: /^yes/i });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(loginButton.or(confirm)).toBeVisible();
    if (await confirm.isVisible()) await confirm.click();
    await expect(page).toHaveURL(`${demoApp.url}/`);
    expect(toServer.length).toBeGreaterThan(0);
    await expect(loginButton).toBeVisible();

    // The WRSAuth sign-in ended too: no single sign-on, the password is asked for again.
    await loginButton.click();
    await onScreen(page, LOGIN);
  });
});
