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

  test('Sign out uses RP-initiated logout: WRSAuth asks, signs out, returns to the demo app signed out, and Login with WRSAuth asks for the password again', async ({
    page,
  }) => {
    const user = E2E_USERS.demoAppSignOut;
    await loginWithWrsauth(page, user);
    await expect(page.getByRole('heading', { name: /^Signed in as / })).toBeVisible();

    await page.getByRole('button', { name: 'Sign out' }).click();
    // WRSAuth's end_session page: a link alone never signs anyone out, so it asks.
    await page.waitForURL((url) => url.origin === new URL(E2E_BASE_URL).origin);
    await expect(page.getByRole('heading', { name: 'Sign out of WRSAuth' })).toBeVisible();
    await expect(page.getByText('Demo practice application asked to sign you out.')).toBeVisible();
    await page.getByRole('button', { name: 'Sign out' }).click();

    // Back at the registered post_logout_redirect_uri, signed out there.
    await page.waitForURL(`${demoApp.url}/`);
    const loginButton = page.getByRole('button', { name: 'Login with WRSAuth' });
    await expect(loginButton).toBeVisible();
    // The WRSAuth sign-in ended too: no single sign-on, the password is asked for again.
    await loginButton.click();
    await onScreen(page, LOGIN);
  });
});
