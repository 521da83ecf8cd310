/**
 * Updates follow IT's managed settings: off unless turned on with a feed URL, never on an MSI or deb/rpm
 * install, electron-updater's generic provider at the managed URL, and `manual` asks before downloading.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  type AppUpdater,
  type InstallKind,
  installKind,
  NSIS_UNINSTALLER,
  planUpdates,
  UpdateController,
} from '../../src/main/updates';

const FEED = 'https://updates.practice.example/wrsauth';

function fakeUpdater() {
  const listeners = new Map<string, (arg: never) => void>();
  const updater = {
    autoDownload: true,
    autoInstallOnAppQuit: false,
    setFeedURL: vi.fn(),
    checkForUpdates: vi.fn(async () => null),
    downloadUpdate: vi.fn(async () => []),
    on: vi.fn((event: string, listener: (arg: never) => void) => {
      listeners.set(event, listener);
      return updater;
    }),
    emit(event: string, arg: unknown) {
      (listeners.get(event) as ((arg: unknown) => void) | undefined)?.(arg);
    },
  };
  return updater;
}

function controller(kind: InstallKind, askToDownload = vi.fn(async () => true)) {
  const updater = fakeUpdater();
  const loadUpdater = vi.fn(async () => updater as unknown as AppUpdater);
  const logs: string[] = [];
  const control = new UpdateController({ kind, loadUpdater, askToDownload, log: (l) => logs.push(l) });
  return { control, updater, loadUpdater, logs, askToDownload };
}

describe('which install this is', () => {
  const win = {
    platform: 'win32' as const,
    isPackaged: true,
    execPath: 'C:\\Program Files\\WRSAuth\\WRSAuth.exe',
    env: {},
  };

  it('tells an NSIS install (its uninstaller beside the app) from an MSI install', () => {
    const nsis = installKind({
      ...win,
      exists: (file) => file === `C:\\Program Files\\WRSAuth\\${NSIS_UNINSTALLER}`,
    });
    expect(nsis).toBe('nsis');
    expect(installKind({ ...win, exists: () => false })).toBe('msi');
  });

  it('tells an AppImage (APPIMAGE set) from a deb/rpm install, and an unpackaged app from both', () => {
    const linux = { platform: 'linux' as const, isPackaged: true, execPath: '/opt/WRSAuth/wrsauth' };
    expect(installKind({ ...linux, env: { APPIMAGE: '/home/x/WRSAuth.AppImage' } })).toBe('appimage');
    expect(installKind({ ...linux, env: {} })).toBe('linux-package');
    expect(installKind({ ...linux, env: {}, isPackaged: false })).toBe('unpackaged');
  });
});

describe('the update plan', () => {
  it('is off when IT has not set updates, or set it off', () => {
    expect(planUpdates({ updateUrl: FEED }, 'nsis')).toEqual({
      enabled: false,
      reason: 'updates are off unless IT turns them on',
    });
    expect(planUpdates({ updates: 'off', updateUrl: FEED }, 'nsis').enabled).toBe(false);
  });

  it('is never on for an MSI install, even when IT turns updates on', () => {
    expect(planUpdates({ updates: 'auto', updateUrl: FEED }, 'msi')).toEqual({
      enabled: false,
      reason: 'installed from the MSI, which Windows Installer (Group Policy, Intune) updates',
    });
  });

  it('is never on for deb/rpm installs or an unpackaged app', () => {
    expect(planUpdates({ updates: 'auto', updateUrl: FEED }, 'linux-package').enabled).toBe(false);
    expect(planUpdates({ updates: 'auto', updateUrl: FEED }, 'unpackaged').enabled).toBe(false);
  });

  it('needs an updateUrl', () => {
    expect(planUpdates({ updates: 'manual' }, 'mac')).toEqual({
      enabled: false,
      reason: 'updates is manual but no updateUrl is set',
    });
  });

  it('is on for NSIS, macOS and AppImage installs with a mode and a URL', () => {
    for (const kind of ['nsis', 'mac', 'appimage'] as const) {
      expect(planUpdates({ updates: 'auto', updateUrl: FEED }, kind)).toEqual({
        enabled: true,
        mode: 'auto',
        url: FEED,
      });
    }
  });
});

describe('the update controller', () => {
  it('does not even load electron-updater while updates are off', async () => {
    const { control, loadUpdater } = controller('nsis');
    await control.apply({});
    await control.apply({ updates: 'auto', updateUrl: FEED, idleLockMinutes: 5 });
    expect(loadUpdater).toHaveBeenCalledTimes(1);
    const msi = controller('msi');
    await msi.control.apply({ updates: 'auto', updateUrl: FEED });
    expect(msi.loadUpdater).not.toHaveBeenCalled();
    expect(msi.logs).toEqual([
      '[updates] off: installed from the MSI, which Windows Installer (Group Policy, Intune) updates',
    ]);
  });

  it('auto: points the generic provider at the managed URL, downloads on its own and installs on quit', async () => {
    const { control, updater } = controller('nsis');
    await control.apply({ updates: 'auto', updateUrl: FEED });
    expect(updater.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: FEED });
    expect(updater.autoDownload).toBe(true);
    expect(updater.autoInstallOnAppQuit).toBe(true);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    control.stop();
  });

  it('manual: does not download until the user says yes', async () => {
    const ask = vi.fn(async () => false);
    const { control, updater } = controller('mac', ask);
    await control.apply({ updates: 'manual', updateUrl: FEED });
    expect(updater.autoDownload).toBe(false);
    updater.emit('update-available', { version: '1.2.0' });
    await vi.waitFor(() => expect(ask).toHaveBeenCalledWith('1.2.0'));
    expect(updater.downloadUpdate).not.toHaveBeenCalled();
    ask.mockResolvedValueOnce(true);
    updater.emit('update-available', { version: '1.2.0' });
    await vi.waitFor(() => expect(updater.downloadUpdate).toHaveBeenCalledTimes(1));
    control.stop();
  });

  it('follows a change of the managed settings: a new URL, then off again (nothing installs on quit)', async () => {
    const { control, updater } = controller('appimage');
    await control.apply({ updates: 'auto', updateUrl: FEED });
    await control.apply({ updates: 'auto', updateUrl: 'https://mirror.practice.example/wrsauth' });
    expect(updater.setFeedURL).toHaveBeenLastCalledWith({
      provider: 'generic',
      url: 'https://mirror.practice.example/wrsauth',
    });
    await control.apply({ updates: 'off', updateUrl: FEED });
    expect(updater.autoInstallOnAppQuit).toBe(false);
    expect(control.current.enabled).toBe(false);
  });

  it('a failed check is logged in one line, not thrown', async () => {
    const { control, updater, logs } = controller('nsis');
    updater.checkForUpdates.mockRejectedValueOnce(
      new Error('getaddrinfo ENOTFOUND updates.practice.example\n  at …'),
    );
    await expect(control.apply({ updates: 'auto', updateUrl: FEED })).resolves.toMatchObject({
      enabled: true,
    });
    expect(logs).toContain('[updates] check failed: getaddrinfo ENOTFOUND updates.practice.example');
    control.stop();
  });
});
