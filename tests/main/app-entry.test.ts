import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ipcContract } from '../../src/shared/ipc';

vi.mock('electron', () => import('./fake-electron'));

const embeddedStop = vi.fn(async () => {});
const startEmbeddedServer = vi.fn(async (_options: unknown) => ({
  url: 'http://127.0.0.1:45999',
  stop: embeddedStop,
}));
vi.mock('../../src/main/embedded-server', () => ({ startEmbeddedServer }));

type FakeElectron = typeof import('./fake-electron');

let userData: string;
const savedServerUrl = process.env.WRSAUTH_SERVER_URL;
const savedRendererUrl = process.env.ELECTRON_RENDERER_URL;

/** Loads src/main/index.ts afresh against a fresh fake electron, as the app would start. */
async function launch(configure: (electron: FakeElectron) => void = () => {}) {
  vi.resetModules();
  const electron = (await import('electron')) as unknown as FakeElectron;
  electron.resetFakeElectron();
  electron.app.getPath.mockReturnValue(userData);
  configure(electron);
  await import('../../src/main/index');
  return electron;
}

async function ready(electron: FakeElectron) {
  electron.app.fireReady();
  await vi.waitFor(() => expect(electron.BrowserWindow.instances).toHaveLength(1));
  return electron.BrowserWindow.instances[0] as InstanceType<FakeElectron['BrowserWindow']>;
}

beforeEach(() => {
  delete process.env.ELECTRON_RENDERER_URL;
});

beforeAll(() => {
  userData = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-app-'));
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});

afterAll(() => {
  if (savedServerUrl === undefined) delete process.env.WRSAUTH_SERVER_URL;
  else process.env.WRSAUTH_SERVER_URL = savedServerUrl;
  if (savedRendererUrl === undefined) delete process.env.ELECTRON_RENDERER_URL;
  else process.env.ELECTRON_RENDERER_URL = savedRendererUrl;
  fs.rmSync(userData, { recursive: true, force: true });
});

describe('the main process entry', () => {
  it('registers app:// as a privileged standard, secure scheme before the app is ready', async () => {
    process.env.WRSAUTH_SERVER_URL = 'https://auth.example.org';
    const electron = await launch();
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    expect(electron.BrowserWindow.instances).toHaveLength(0);
  });

  it('opens one sandboxed, isolated window on app://wrsauth with the CommonJS preload', async () => {
    process.env.WRSAUTH_SERVER_URL = 'https://auth.example.org';
    const electron = await launch();
    const window = await ready(electron);
    const prefs = window.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(String(prefs.preload)).toMatch(/[/\\]preload[/\\]index\.cjs$/);
    expect(window.loadURL).toHaveBeenCalledWith('app://wrsauth/index.html');
    expect(window.loadURL.mock.calls.flat().join()).not.toContain('file:');
  });

  it('serves app:// with a CSP that lets the page connect only to itself and the chosen server', async () => {
    process.env.WRSAUTH_SERVER_URL = 'https://auth.example.org/';
    const electron = await launch();
    await ready(electron);
    const [scheme, handler] = electron.protocol.handle.mock.calls[0] as [
      string,
      (r: Request) => Promise<Response>,
    ];
    expect(scheme).toBe('app');
    const response = await handler(new Request('app://wrsauth/index.html'));
    expect(response.headers.get('content-security-policy')).toContain(
      "connect-src 'self' https://auth.example.org;",
    );
  });

  it('registers a handler for every contract channel, denies all permissions and hardens every web contents', async () => {
    process.env.WRSAUTH_SERVER_URL = 'https://auth.example.org';
    const electron = await launch();
    await ready(electron);
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual(
      Object.values(ipcContract)
        .map((entry) => entry.channel)
        .sort(),
    );
    const info = electron.ipcMain.handlers.get('server:info');
    await expect(info?.({ senderFrame: { url: 'app://wrsauth/' } })).resolves.toEqual({
      url: 'https://auth.example.org',
      source: 'environment',
    });
    expect(electron.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    expect(electron.session.defaultSession.setPermissionCheckHandler).toHaveBeenCalled();

    const contents = new electron.FakeWebContents();
    electron.app.emit('web-contents-created', {}, contents);
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(electron.shell.openExternal).not.toHaveBeenCalled();
  });

  it('a second instance focuses (and restores) the first window instead of opening another', async () => {
    process.env.WRSAUTH_SERVER_URL = 'https://auth.example.org';
    const electron = await launch();
    const window = await ready(electron);
    window.minimized = true;
    electron.app.emit('second-instance');
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
    expect(electron.BrowserWindow.instances).toHaveLength(1);
  });

  it('quits at once when another instance holds the single-instance lock', async () => {
    process.env.WRSAUTH_SERVER_URL = 'https://auth.example.org';
    const electron = await launch((e) => {
      e.app.singleInstance = false;
    });
    expect(electron.app.quit).toHaveBeenCalled();
    electron.app.fireReady();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(electron.BrowserWindow.instances).toHaveLength(0);
    expect(electron.app.listenerCount('second-instance')).toBe(0);
  });

  it('with no server configured, starts the embedded server under userData, with the keychain vault for its key, and stops it before quitting', async () => {
    delete process.env.WRSAUTH_SERVER_URL;
    startEmbeddedServer.mockClear();
    embeddedStop.mockClear();
    const electron = await launch();
    await ready(electron);
    expect(startEmbeddedServer).toHaveBeenCalledWith(
      expect.objectContaining({
        userData,
        entry: path.join(process.cwd(), 'server', 'main.ts'),
        vault: expect.objectContaining({ status: expect.any(Function), get: expect.any(Function) }),
      }),
    );

    const quitting = { preventDefault: vi.fn() };
    electron.app.emit('before-quit', quitting);
    expect(quitting.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalled());
    expect(embeddedStop).toHaveBeenCalledTimes(1);

    // The quit that follows goes through.
    const again = { preventDefault: vi.fn() };
    electron.app.emit('before-quit', again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  });

  it('without a keychain for the embedded server key, says why in one dialog and exits, opening no window', async () => {
    delete process.env.WRSAUTH_SERVER_URL;
    const reason =
      'The built-in server keeps its key only in the OS keychain, never on disk, so it cannot start without one. The OS keychain is not available (is GNOME Keyring or KWallet running?): Cannot autolaunch D-Bus without X11 $DISPLAY';
    startEmbeddedServer.mockRejectedValueOnce(new Error(reason));
    const electron = await launch();
    electron.dialog.showErrorBox.mockClear();
    electron.app.fireReady();
    await vi.waitFor(() => expect(electron.app.exit).toHaveBeenCalledWith(1));
    expect(electron.dialog.showErrorBox).toHaveBeenCalledExactlyOnceWith('WRSAuth could not start', reason);
    expect(electron.BrowserWindow.instances).toHaveLength(0);
  });

  describe('npm run dev: the renderer from the Vite dev server', () => {
    const DEV_URL = 'http://localhost:5173/';
    const navigates = (contents: InstanceType<FakeElectron['FakeWebContents']>, url: string) => {
      const event = { url, preventDefault: vi.fn() };
      contents.emit('will-navigate', event, url);
      return event.preventDefault.mock.calls.length === 0;
    };
    const callsIpc = (electron: FakeElectron, url: string) =>
      Promise.resolve(electron.ipcMain.handlers.get('server:info')?.({ senderFrame: { url } })).then(
        () => true,
        () => false,
      );

    it('in development, loads a loopback ELECTRON_RENDERER_URL and trusts that one origin only', async () => {
      process.env.WRSAUTH_SERVER_URL = 'https://auth.example.org';
      process.env.ELECTRON_RENDERER_URL = DEV_URL;
      const electron = await launch();
      const window = await ready(electron);
      expect(window.loadURL).toHaveBeenCalledExactlyOnceWith(DEV_URL);

      const contents = new electron.FakeWebContents();
      electron.app.emit('web-contents-created', {}, contents);
      expect(navigates(contents, 'http://localhost:5173/index.html')).toBe(true);
      expect(navigates(contents, 'app://wrsauth/index.html')).toBe(true);
      for (const other of ['http://localhost:5174/', 'http://127.0.0.1:5173/', 'https://evil.example/']) {
        expect(navigates(contents, other), other).toBe(false);
      }
      expect(await callsIpc(electron, 'http://localhost:5173/')).toBe(true);
      expect(await callsIpc(electron, 'http://localhost:5174/')).toBe(false);
    });

    it('a packaged app ignores ELECTRON_RENDERER_URL and trusts no dev origin', async () => {
      process.env.WRSAUTH_SERVER_URL = 'https://auth.example.org';
      process.env.ELECTRON_RENDERER_URL = DEV_URL;
      const electron = await launch((e) => {
        e.app.isPackaged = true;
      });
      const window = await ready(electron);
      expect(window.loadURL).toHaveBeenCalledExactlyOnceWith('app://wrsauth/index.html');
      const contents = new electron.FakeWebContents();
      electron.app.emit('web-contents-created', {}, contents);
      expect(navigates(contents, DEV_URL)).toBe(false);
      expect(await callsIpc(electron, DEV_URL)).toBe(false);
    });

    it('refuses a dev renderer URL that is not on loopback and shows app://wrsauth', async () => {
      process.env.WRSAUTH_SERVER_URL = 'https://auth.example.org';
      process.env.ELECTRON_RENDERER_URL = 'http://192.168.1.20:5173/';
      const electron = await launch();
      const window = await ready(electron);
      expect(window.loadURL).toHaveBeenCalledExactlyOnceWith('app://wrsauth/index.html');
      const contents = new electron.FakeWebContents();
      electron.app.emit('web-contents-created', {}, contents);
      expect(navigates(contents, 'http://192.168.1.20:5173/')).toBe(false);
    });
  });
});
