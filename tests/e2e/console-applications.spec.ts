/**
 * The console's Applications tab against the real server (issue 16): an account manager registers an
 * application, sees its client secret once, and openid-client (never code of ours) then authenticates with
 * that secret at the provider's token endpoint. Once dismissed, the secret is nowhere on the page again.
 */
import * as oidc from 'openid-client';
import { tokenVerdict } from '../support/oidc-relying-party';
import { CONSOLE, consoleShot } from './console-flows';
import { expect, expectAccessible, onScreen, test } from './fixtures';
import { signIn } from './flows';
import { E2E_BASE_URL, E2E_USERS } from './world';

const REDIRECT = 'https://scheduling.practice.example/oidc/callback';

test('an account manager registers an application and sees its secret once', async ({ page }) => {
  // A sign-in, three axe checks and a round trip to the provider: near the 60 s default on a busy 2-core
  // machine (56 s seen), so the slow allowance.
  test.slow();
  const admin = E2E_USERS.applicationsAdmin;
  await signIn(page, admin);
  await page.getByRole('button', { name: CONSOLE }).click();
  await onScreen(page, CONSOLE);
  await page.getByRole('tab', { name: 'Applications' }).click();
  await expect(page.getByRole('table', { name: /^Applications \(\d+\)$/ })).toBeVisible();

  const form = page.getByRole('form', { name: 'Register an application' });
  await form.getByLabel('Name').fill('Scheduling <e2e>');
  await form.getByLabel('Redirect URI 1').fill(REDIRECT);
  await form
    .getByLabel('Back-channel logout URI (optional)')
    .fill('https://scheduling.practice.example/backchannel-logout');
  await form.getByLabel('Your password (to confirm it is you)').fill(admin.password);
  await consoleShot(page, 'applications-register');
  await form.getByRole('button', { name: 'Register application' }).click();

  // The secret, once, with the warning to copy it now.
  const panel = page.getByRole('region', { name: 'Scheduling <e2e> is registered' });
  await expect(panel.getByRole('heading', { name: 'Scheduling <e2e> is registered' })).toBeFocused();
  await expect(panel.getByRole('alert')).toContainText('Copy it now');
  await expect(panel.getByRole('alert')).toContainText('will not be shown again');
  const codes = panel.locator('dd code');
  const clientId = (await codes.nth(0).textContent()) ?? '';
  const clientSecret = (await codes.nth(1).textContent()) ?? '';
  expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
  expect(clientSecret).toMatch(/^[\w-]{43}$/);
  await expectAccessible(page, `${CONSOLE}: secret shown once`);

  // The provider serves the new client, and the secret shown is the one it accepts.
  const config = await oidc.discovery(
    new URL(`${E2E_BASE_URL}/oidc`),
    clientId,
    undefined,
    oidc.ClientSecretPost(clientSecret),
    { execute: [oidc.allowInsecureRequests] },
  );
  expect(await tokenVerdict(config, REDIRECT)).toBe('invalid_grant');

  await panel.getByRole('button', { name: 'I have stored the secret' }).click();
  const row = page.getByRole('row', { name: /Scheduling <e2e>/ });
  await expect(row).toContainText('Confidential');
  await expect(row).toContainText('Active');
  await expect(row).toContainText(REDIRECT);
  expect(await page.content()).not.toContain(clientSecret);
  await consoleShot(page, 'applications');

  // Back to the tab later: the list comes from the server again, and it never holds the secret.
  await page.getByRole('tab', { name: 'Audit log' }).click();
  await page.getByRole('tab', { name: 'Applications' }).click();
  await expect(page.getByRole('row', { name: /Scheduling <e2e>/ })).toBeVisible();
  expect(await page.content()).not.toContain(clientSecret);
});
