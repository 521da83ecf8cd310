import http from 'node:http';
import type { AddressInfo } from 'node:net';
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

  // Chromium asks for /favicon.ico unless the page declares an icon, and logs the 404 as a console error.
  // Playwright does not see that request (the browser makes it, not the page), so the page is served
  // through a loopback proxy that records every path the browser asks the server for.
  test('the page declares its icon, so the browser never asks the server for /favicon.ico', async ({
    page,
  }) => {
    const asked: string[] = [];
    const proxy = http.createServer((request, response) => {
      asked.push(request.url ?? '');
      const upstream = http.request(
        new URL(request.url ?? '/', E2E_BASE_URL),
        { method: request.method, headers: request.headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      request.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = proxy.address() as AddressInfo;
      await page.goto(`http://127.0.0.1:${port}/`);
      await onScreen(page, LOGIN);
      await expect(page.locator('link[rel~="icon"]')).toHaveCount(1);
      // The icon request, when there is one, follows the page's load.
      await page.waitForLoadState('networkidle');
      expect(asked).toContain('/');
      expect(asked.filter((path) => path.startsWith('/favicon.ico'))).toEqual([]);
    } finally {
      // Off the proxy before it closes, so the page's later chunk requests cannot fail against it.
      await page.goto('about:blank');
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
