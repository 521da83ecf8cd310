import { expect, onScreen, test } from './fixtures';
import { LOGIN, openLogin, VERIFY } from './flows';
import { E2E_BASE_URL, E2E_USERS } from './world';

const user = E2E_USERS.frontDesk;

test.describe(LOGIN, () => {
  test('shows the seed words: User ID, Password, Login, Forgot your password?, and the server in the footer', async ({
    page,
  }) => {
    await openLogin(page, 'login');
    await expect(page.getByLabel('User ID', { exact: true })).toBeFocused();
    await expect(page.getByLabel('Password', { exact: true })).toHaveAttribute('type', 'password');
    await expect(page.getByRole('button', { name: 'Login' })).toBeVisible();
    await expect(page.getByRole('contentinfo')).toHaveText(
      `Server: ${E2E_BASE_URL} (the server of this page)`,
    );
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await onScreen(page, 'Reset your password');
  });

  test('a wrong password, typed by keyboard alone, shows the error in role="alert" and the right one goes on', async ({
    page,
    browserErrors,
  }) => {
    browserErrors.expectFailedResponse(401);
    await openLogin(page);
    // Keyboard only from here: the User ID field has focus when the screen opens.
    await page.keyboard.type(user.username);
    await page.keyboard.press('Tab');
    await expect(page.getByLabel('Password', { exact: true })).toBeFocused();
    await page.keyboard.type('not-the-password-1');
    await page.keyboard.press('Enter');

    const alert = page.getByRole('alert');
    // One message for a wrong password and an unknown User ID alike: it must not tell which one was wrong.
    await expect(alert).toHaveText('The User ID or password is incorrect.');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(LOGIN);
    // The password is cleared and focused for the next try; the User ID stays.
    await expect(page.getByLabel('Password', { exact: true })).toBeFocused();
    await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
    await expect(page.getByLabel('User ID', { exact: true })).toHaveValue(user.username);
    await onScreen(page, LOGIN, 'login-wrong-password');

    await page.keyboard.type(user.password);
    await page.keyboard.press('Enter');
    await onScreen(page, VERIFY);
  });

  test('an empty form is refused in the page, with the error in role="alert"', async ({ page }) => {
    await openLogin(page);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert')).toHaveText('Enter your User ID and password.');
    await expect(page.getByLabel('User ID', { exact: true })).toBeFocused();
  });

  test('paints the form without the API client (zod, axios) or the later screens, and fetches them once typing starts', async ({
    page,
  }) => {
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    // Chunk names are the module names plus a content hash (which may itself hold a '-').
    const later = () =>
      scripts.flatMap((script) => /\/(http-client|later-screens)-[\w-]+\.js$/.exec(script)?.[1] ?? []).sort();
    await page.goto('/');
    await expect(page.getByLabel('User ID', { exact: true })).toBeFocused();
    expect(later()).toEqual([]);
    await page.keyboard.type(user.username);
    await expect.poll(later).toEqual(['http-client', 'later-screens']);
  });

  // Chromium asks for the icon once per browser and logs a 404 as a console error, so the check asks directly.
  test('the page has an icon the server can serve (no console 404 for /favicon.ico)', async ({ page }) => {
    await openLogin(page);
    const declared = await page
      .locator('link[rel~="icon"]')
      .first()
      .getAttribute('href', { timeout: 1_000 })
      .catch(() => null);
    if (declared?.startsWith('data:')) return;
    const icon = await page.request.get(new URL(declared ?? '/favicon.ico', page.url()).toString());
    expect(icon.status(), `GET ${declared ?? '/favicon.ico'}`).toBe(200);
  });
});
