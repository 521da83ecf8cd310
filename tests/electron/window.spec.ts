import { buildContentSecurityPolicy } from '../../src/main/security';
import { ipcContract } from '../../src/shared/ipc';
import { onScreen } from '../e2e/fixtures';
import { LOGIN } from '../e2e/flows';
import { E2E_BASE_URL } from '../e2e/world';
import { expect, test } from './desktop';

const START_URL = 'app://wrsauth/index.html';
/** The e2e world serves the web client here, so a navigation that got through would load a working page. */
const OUTSIDE_URL = `${E2E_BASE_URL}/`;

test.describe('The desktop window', () => {
  // The window's options (sandbox, contextIsolation, no nodeIntegration) are pinned by tests/main/app-entry.test.ts;
  // here is what they do in a real renderer.
  test('is one context-isolated window on app://wrsauth/ whose page has no Node and only the preload bridge', async ({
    desktop: { app, window },
  }) => {
    await onScreen(window, LOGIN, 'desktop-login');
    expect(
      await app.evaluate(({ BrowserWindow }) =>
        BrowserWindow.getAllWindows().map((browserWindow) => browserWindow.webContents.getURL()),
      ),
    ).toEqual([START_URL]);
    expect(window.url()).toBe(START_URL);
    expect(await window.evaluate<string>('location.origin')).toBe('app://wrsauth');
    expect(
      await window.evaluate<string[]>('[typeof require, typeof process, typeof module, typeof Buffer]'),
      'require, process, module and Buffer in the page',
    ).toEqual(['undefined', 'undefined', 'undefined', 'undefined']);
    // The preload's one object, with one function per IPC contract entry, and no ipcRenderer. contextBridge
    // works only with contextIsolation on, and hands the page a frozen copy it cannot rewire.
    expect(
      await window.evaluate<string[]>(
        "Object.entries(window.wrsauth).map(([name, value]) => name + ':' + typeof value).sort()",
      ),
    ).toEqual(
      Object.keys(ipcContract)
        .map((name) => `${name}:function`)
        .sort(),
    );
    expect(await window.evaluate<boolean>('Object.isFrozen(window.wrsauth)')).toBe(true);
    expect(await window.evaluate<string>('typeof ipcRenderer')).toBe('undefined');
  });

  test('serves app:// pages with a CSP whose connect-src is only itself and the server in use', async ({
    desktop: { window },
  }) => {
    await onScreen(window, LOGIN);
    const policy = await window.evaluate<string | null>(
      "fetch('app://wrsauth/index.html').then((response) => response.headers.get('content-security-policy'))",
    );
    expect(policy).toBe(buildContentSecurityPolicy(E2E_BASE_URL));
    expect(policy).toContain(`connect-src 'self' ${E2E_BASE_URL};`);
  });

  test('refuses navigation to another origin: the window stays on app://wrsauth/', async ({
    desktop: { app, window },
  }) => {
    await onScreen(window, LOGIN);
    const refused = app.waitForEvent('console', (message) =>
      message.text().includes(`[security] refused navigation to ${E2E_BASE_URL}`),
    );
    // Off the evaluate's own turn, so a navigation that did happen could not fail the evaluate instead.
    await window.evaluate(`setTimeout(() => location.assign(${JSON.stringify(OUTSIDE_URL)}), 0)`);
    await refused;
    expect(window.url()).toBe(START_URL);
    await onScreen(window, LOGIN);
    expect(app.windows()).toHaveLength(1);
  });

  test('refuses window.open: no second window appears', async ({ desktop: { app, window } }) => {
    await onScreen(window, LOGIN);
    const refused = app.waitForEvent('console', (message) =>
      message.text().includes(`[security] refused window.open of ${E2E_BASE_URL}`),
    );
    const opened = await window.evaluate<boolean>(`window.open(${JSON.stringify(OUTSIDE_URL)}) !== null`);
    await refused;
    expect(opened, 'window.open returned a window').toBe(false);
    expect(app.windows()).toHaveLength(1);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
    expect(window.url()).toBe(START_URL);
  });
});
