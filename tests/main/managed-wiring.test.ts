/**
 * Managed settings wired into the main process: the About panel's IPC calls (with the sender check), the
 * keychain refusing to remember a workstation when IT says so, and the entry applying IT's serverUrl at start
 * and again when it changes, without a restart; an installed build ignoring WRSAUTH_SERVER_URL; and a
 * managed client that has no server saying so instead of starting the built-in one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ManagedSettingsInfo } from '../../src/shared/managed-settings';
import { ipcMain } from './fake-electron';
import { memoryVault } from './memory-vault';

vi.mock('electron', () => import('./fake-electron'));

// The entry reads this folder's file as the OS's managed settings file (it runs as root, so the file is
// root-owned like /etc/wrsauth/managed-settings.json would be).
const managedDir = vi.hoisted(() => {
  const { mkdtempSync } = require('node:fs') as typeof import('node:fs');
  const { tmpdir } = require('node:os') as typeof import('node:os');
  const { join } = require('node:path') as typeof import('node:path');
  return mkdtempSync(join(tmpdir(), 'wrsauth-managed-entry-'));
});
// A test may put Group Policy in front of that file, with reg.exe faked at its boundary (RunReg).
const policy = vi.hoisted(() => ({
  runReg: undefined as import('../../src/main/managed/sources').RunReg | undefined,
}));
vi.mock('../../src/main/managed/sources', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/main/managed/sources')>();
  return {
    ...original,
    platformSources: () => [
      ...(policy.runReg ? [original.registrySource(policy.runReg)] : []),
      original.fileSource(path.join(managedDir, 'managed-settings.json')),
    ],
    watchedFolders: () => [managedDir],
  };
});
const startEmbeddedServer = vi.hoisted(() => vi.fn());
vi.mock('../../src/main/embedded-server', () => ({ startEmbeddedServer }));

const managedSettingsChannel = await import('../../src/main/ipc/managed-settings');
const appInfoChannel = await import('../../src/main/ipc/app-info');
const keychainChannel = await import('../../src/main/ipc/keychain');
type FakeElectron = typeof import('./fake-electron');

const fromApp = { senderFrame: { url: 'app://wrsauth/index.html' }, sender: {} };
const managedFile = path.join(managedDir, 'managed-settings.json');
let userData: string;

function invoke(channel: string, event: unknown, input?: unknown) {
  const listener = ipcMain.handlers.get(channel);
  if (!listener) throw new Error(`no handler for ${channel}`);
  return Promise.resolve(listener(event, input));
}

function writeManaged(settings: unknown) {
  // Written beside and renamed into place, as an admin tool would, so no half-written file is ever read.
  const temp = `${managedFile}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(settings));
  fs.chmodSync(temp, 0o644);
  fs.renameSync(temp, managedFile);
}

vi.spyOn(console, 'warn').mockImplementation(() => {});
vi.spyOn(console, 'error').mockImplementation(() => {});

beforeAll(() => {
  userData = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-app-'));
});
afterAll(() => {
  fs.rmSync(managedDir, { recursive: true, force: true });
  fs.rmSync(userData, { recursive: true, force: true });
});
beforeEach(() => {
  ipcMain.handlers.clear();
  fs.rmSync(managedFile, { force: true });
  policy.runReg = undefined;
  startEmbeddedServer.mockReset();
  startEmbeddedServer.mockImplementation(async () => ({
    url: 'http://127.0.0.1:45999',
    stop: async () => {},
  }));
});

describe('the managed settings IPC call (About panel)', () => {
  const info: ManagedSettingsInfo = {
    values: { serverUrl: 'https://auth.practice.example', idleLockMinutes: 5 },
    sources: {
      serverUrl: '/etc/wrsauth/managed-settings.json',
      idleLockMinutes: '/etc/wrsauth/managed-settings.json',
    },
    managed: true,
    unreadable: [],
    ignored: [],
  };

  it('answers the app with the settings in force and where each came from', async () => {
    managedSettingsChannel.initialize(() => info);
    await expect(invoke('managed:settings', fromApp)).resolves.toEqual(info);
  });

  it('refuses a frame of another origin', async () => {
    managedSettingsChannel.initialize(() => info);
    await expect(
      invoke('managed:settings', { senderFrame: { url: 'https://evil.example/' }, sender: {} }),
    ).rejects.toThrow('refused');
  });

  it("answers the app's version and whether it is installed, for About", async () => {
    appInfoChannel.initialize({ version: '0.1.0', installed: true });
    await expect(invoke('app:info', fromApp)).resolves.toEqual({ version: '0.1.0', installed: true });
  });
});

describe('allowRememberWorkstation=false', () => {
  it('reports no keychain (so no remember option), offers no token and keeps none, as soon as IT says so', async () => {
    const vault = memoryVault();
    let allowed = true;
    keychainChannel.initialize({
      vault,
      serverUrl: 'https://auth.example.org',
      allowRemember: () => allowed,
    });
    await invoke('keychain:save', fromApp, { username: 'ckim', token: 'tok-1' });
    await expect(invoke('keychain:load', fromApp, { username: 'ckim' })).resolves.toBe('tok-1');

    allowed = false;
    await expect(invoke('keychain:status', fromApp)).resolves.toEqual({
      available: false,
      reason: keychainChannel.REMEMBER_TURNED_OFF,
    });
    await expect(invoke('keychain:load', fromApp, { username: 'ckim' })).resolves.toBeNull();
    await expect(invoke('keychain:save', fromApp, { username: 'jdoe', token: 'tok-2' })).rejects.toThrow(
      'turned off by IT',
    );
    expect([...vault.tokens.values()]).toEqual(['tok-1']);
    // Forgetting still works, so a user can clear what was kept before.
    await invoke('keychain:forget', fromApp, { username: 'ckim' });
    expect(vault.tokens.size).toBe(0);
  });
});

describe('the entry applies managed settings', () => {
  let previous: FakeElectron | undefined;
  async function launch({ installed = false } = {}) {
    // The last test's app quits, so its managed settings store stops reacting to this test's files.
    previous?.app.emit('before-quit', { preventDefault: () => {} });
    vi.resetModules();
    const electron = (await import('electron')) as unknown as FakeElectron;
    electron.resetFakeElectron();
    electron.app.getPath.mockReturnValue(userData);
    electron.app.isPackaged = installed;
    await import('../../src/main/index');
    electron.app.fireReady();
    await vi.waitFor(() => expect(electron.BrowserWindow.instances).toHaveLength(1));
    previous = electron;
    return {
      electron,
      window: electron.BrowserWindow.instances[0] as InstanceType<FakeElectron['BrowserWindow']>,
    };
  }
  const serverInfo = (electron: FakeElectron) =>
    Promise.resolve(electron.ipcMain.handlers.get('server:info')?.(fromApp));

  it("presets the server from IT's serverUrl, and the CSP allows that server", async () => {
    delete process.env.WRSAUTH_SERVER_URL;
    writeManaged({ serverUrl: 'https://auth.practice.example/' });
    const { electron } = await launch();
    await expect(serverInfo(electron)).resolves.toEqual({
      url: 'https://auth.practice.example',
      source: 'managed',
    });
    const [, handler] = electron.protocol.handle.mock.calls[0] as [string, (r: Request) => Promise<Response>];
    const response = await handler(new Request('app://wrsauth/index.html'));
    expect(response.headers.get('content-security-policy')).toContain('https://auth.practice.example');
  });

  it('switches to a new serverUrl without a restart: new server, new CSP, window reloaded', async () => {
    delete process.env.WRSAUTH_SERVER_URL;
    writeManaged({ serverUrl: 'https://old.practice.example' });
    const { electron, window } = await launch();
    writeManaged({ serverUrl: 'https://new.practice.example' });
    await vi.waitFor(() => expect(window.webContents.reload).toHaveBeenCalledTimes(1), { timeout: 5000 });
    await expect(serverInfo(electron)).resolves.toEqual({
      url: 'https://new.practice.example',
      source: 'managed',
    });
    const [, handler] = electron.protocol.handle.mock.calls[0] as [string, (r: Request) => Promise<Response>];
    const csp = (await handler(new Request('app://wrsauth/index.html'))).headers.get(
      'content-security-policy',
    );
    expect(csp).toContain('https://new.practice.example');
    expect(csp).not.toContain('https://old.practice.example');
  });

  it('serves the About panel what the managed file sets, updated when the file changes', async () => {
    delete process.env.WRSAUTH_SERVER_URL;
    writeManaged({ serverUrl: 'https://auth.practice.example', supportContact: 'ext. 4410' });
    const { electron } = await launch();
    const about = () => Promise.resolve(electron.ipcMain.handlers.get('managed:settings')?.(fromApp));
    await expect(about()).resolves.toMatchObject({
      values: { supportContact: 'ext. 4410' },
      sources: { supportContact: managedFile },
    });
    writeManaged({
      serverUrl: 'https://auth.practice.example',
      supportContact: 'ext. 5000',
      idleLockMinutes: 2,
    });
    await vi.waitFor(
      () =>
        expect(about()).resolves.toMatchObject({
          values: { supportContact: 'ext. 5000', idleLockMinutes: 2 },
        }),
      { timeout: 5000 },
    );
  });

  const csp = async (electron: FakeElectron) => {
    const [, handler] = electron.protocol.handle.mock.calls[0] as [string, (r: Request) => Promise<Response>];
    return (await handler(new Request('app://wrsauth/index.html'))).headers.get('content-security-policy');
  };

  describe('installed builds', () => {
    afterEach(() => {
      delete process.env.WRSAUTH_SERVER_URL;
    });

    it("ignore WRSAUTH_SERVER_URL, which any user can set, and use IT's serverUrl; a development run takes it", async () => {
      process.env.WRSAUTH_SERVER_URL = 'https://stranger.example';
      writeManaged({ serverUrl: 'https://auth.practice.example' });
      const installed = await launch({ installed: true });
      await expect(serverInfo(installed.electron)).resolves.toEqual({
        url: 'https://auth.practice.example',
        source: 'managed',
      });
      expect(await csp(installed.electron)).not.toContain('stranger.example');

      const development = await launch({ installed: false });
      await expect(serverInfo(development.electron)).resolves.toEqual({
        url: 'https://stranger.example',
        source: 'environment',
      });
    });

    it('a managed client without serverUrl asks IT: no built-in server, no server in the CSP, no keychain', async () => {
      writeManaged({ supportContact: 'ext. 4410' });
      const { electron } = await launch({ installed: true });
      await expect(serverInfo(electron)).resolves.toEqual({
        problem: { error: 'managed_server_missing', message: expect.stringContaining('none sets serverUrl') },
      });
      expect(startEmbeddedServer).not.toHaveBeenCalled();
      expect(await csp(electron)).toContain("connect-src 'self';");
      await expect(
        Promise.resolve(electron.ipcMain.handlers.get('keychain:load')?.(fromApp, { username: 'ckim' })),
      ).rejects.toThrow('no sign-in server');
    });

    it('start the built-in server only once IT sets allowEmbeddedServer', async () => {
      writeManaged({ supportContact: 'ext. 4410' });
      const { electron, window } = await launch({ installed: true });
      await expect(serverInfo(electron)).resolves.toHaveProperty('problem');
      expect(startEmbeddedServer).not.toHaveBeenCalled();
      writeManaged({ supportContact: 'ext. 4410', allowEmbeddedServer: true });
      await vi.waitFor(() => expect(window.webContents.reload).toHaveBeenCalledTimes(1), { timeout: 5000 });
      await expect(serverInfo(electron)).resolves.toEqual({
        url: 'http://127.0.0.1:45999',
        source: 'embedded',
      });
      expect(startEmbeddedServer).toHaveBeenCalledTimes(1);
    });

    it('leave the "ask IT" screen on their own once IT sets a serverUrl: the window reloads onto it', async () => {
      writeManaged({ serverUrl: 'not a url', supportContact: 'ext. 4410' });
      const { electron, window } = await launch({ installed: true });
      await expect(serverInfo(electron)).resolves.toMatchObject({
        problem: { error: 'managed_server_invalid' },
      });
      writeManaged({ serverUrl: 'https://auth.practice.example', supportContact: 'ext. 4410' });
      await vi.waitFor(() => expect(window.webContents.reload).toHaveBeenCalledTimes(1), { timeout: 5000 });
      await expect(serverInfo(electron)).resolves.toEqual({
        url: 'https://auth.practice.example',
        source: 'managed',
      });
      expect(await csp(electron)).toContain('https://auth.practice.example');
    });

    it('a Group Policy key that cannot be read: the client says so and refuses to guess', async () => {
      // The file below would set a server; an unreadable policy above it might say otherwise.
      writeManaged({ serverUrl: 'https://file.example', allowEmbeddedServer: true });
      policy.runReg = async () => ({ status: 1, stdout: '', stderr: 'ERROR: Access is denied.' });
      const { electron } = await launch({ installed: true });
      await expect(serverInfo(electron)).resolves.toEqual({
        problem: {
          error: 'managed_settings_unreadable',
          message: expect.stringContaining('ERROR: Access is denied.'),
        },
      });
      expect(startEmbeddedServer).not.toHaveBeenCalled();
      await expect(
        Promise.resolve(electron.ipcMain.handlers.get('keychain:status')?.(fromApp)),
      ).resolves.toMatchObject({ available: false });
    });

    it('tell About their version and that they are installed', async () => {
      writeManaged({ serverUrl: 'https://auth.practice.example' });
      const { electron } = await launch({ installed: true });
      await expect(Promise.resolve(electron.ipcMain.handlers.get('app:info')?.(fromApp))).resolves.toEqual({
        version: '0.1.0',
        installed: true,
      });
    });
  });
});
