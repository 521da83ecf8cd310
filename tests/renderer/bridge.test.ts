// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { createBridge } from '../../src/renderer/src/bridge/create-bridge';
import { createWebBridge, WEB_KEYCHAIN_REASON } from '../../src/renderer/src/bridge/web-bridge';
import type { DesktopApi } from '../../src/shared/ipc';
import { EMAIL_TARGET, SMS_TARGET } from './support/fake-auth-server';

function fakeDesktopApi(): DesktopApi {
  return {
    getServerInfo: vi.fn(async () => ({ url: 'http://127.0.0.1:4580', source: 'embedded' as const })),
    getAppInfo: vi.fn(async () => ({ version: '0.1.0', installed: true })),
    getKeychainStatus: vi.fn(async () => ({ available: true })),
    loadDeviceToken: vi.fn(async () => 'device-token'),
    saveDeviceToken: vi.fn(async () => undefined),
    forgetDeviceToken: vi.fn(async () => undefined),
    getDeviceName: vi.fn(async () => 'FRONT-DESK-1'),
    chooseTarget: vi.fn(async () => 'email'),
    getManagedSettings: vi.fn(async () => ({
      values: { supportContact: 'ext. 4410' },
      sources: { supportContact: '/etc/wrsauth/managed-settings.json' },
      managed: true,
      unreadable: [],
      ignored: [],
    })),
    getPracticeApp: vi.fn(async () => ({ name: 'Practice Charts' })),
    openPracticeApp: vi.fn(async () => ({ opened: true })),
    hidePracticeApp: vi.fn(async () => undefined),
    getPracticeAppActivity: vi.fn(async () => ({ lastInputAt: 1_700_000_000_000 })),
  };
}

describe('ClientBridge', () => {
  it('uses the page origin as the server and keeps no workstation token in a browser', async () => {
    const bridge = createWebBridge('http://127.0.0.1:4580');
    expect(await bridge.serverInfo()).toEqual({ url: 'http://127.0.0.1:4580', source: 'origin' });
    expect(await bridge.keychainStatus()).toEqual({ available: false, reason: WEB_KEYCHAIN_REASON });
    await bridge.saveDeviceToken('ckiplock', 'device-token');
    expect(await bridge.loadDeviceToken('ckiplock')).toBeNull();
    expect(window.localStorage.length).toBe(0);
    expect(bridge.chooseTarget).toBeUndefined();
    // Nothing is managed in a browser: no About entries, no IT policies beyond the practice's own.
    expect(bridge.managedSettings).toBeUndefined();
  });

  it('picks the browser bridge when there is no preload', () => {
    expect(createBridge(window).kind).toBe('web');
  });

  it("in a browser, keeps the path of a server behind one: the page's folder is the server", async () => {
    for (const href of ['https://auth.example.org/wrsauth/', 'https://auth.example.org/wrsauth/index.html']) {
      const host = { location: new URL(href) } as unknown as Window;
      expect(await createBridge(host).serverInfo(), href).toEqual({
        url: 'https://auth.example.org/wrsauth',
        source: 'origin',
      });
    }
    const root = { location: new URL('http://127.0.0.1:4580/') } as unknown as Window;
    expect(await createBridge(root).serverInfo()).toEqual({ url: 'http://127.0.0.1:4580', source: 'origin' });
  });

  it('picks the Electron bridge when the preload exposed window.wrsauth, and passes named inputs', async () => {
    const desktop = fakeDesktopApi();
    const host = { wrsauth: desktop, location: window.location } as unknown as Window;
    const bridge = createBridge(host);
    expect(bridge.kind).toBe('electron');
    expect(await bridge.serverInfo()).toEqual({ url: 'http://127.0.0.1:4580', source: 'embedded' });
    expect(await bridge.loadDeviceToken('ckiplock')).toBe('device-token');
    await bridge.saveDeviceToken('ckiplock', 'new-token');
    expect(await bridge.chooseTarget?.([SMS_TARGET, EMAIL_TARGET])).toBe('email');
    expect(await bridge.deviceName?.()).toBe('FRONT-DESK-1');
    expect(desktop.getDeviceName).toHaveBeenCalledWith();
    expect(desktop.loadDeviceToken).toHaveBeenCalledWith({ username: 'ckiplock' });
    expect(desktop.saveDeviceToken).toHaveBeenCalledWith({ username: 'ckiplock', token: 'new-token' });
    expect(desktop.chooseTarget).toHaveBeenCalledWith({ targets: [SMS_TARGET, EMAIL_TARGET] });
    expect(await bridge.managedSettings?.()).toMatchObject({ values: { supportContact: 'ext. 4410' } });
    expect(desktop.getManagedSettings).toHaveBeenCalledWith();
    expect(await bridge.appInfo?.()).toEqual({ version: '0.1.0', installed: true });
  });

  it('opens and hides the practice application through named inputs, and reads its last use', async () => {
    const desktop = fakeDesktopApi();
    const bridge = createBridge({ wrsauth: desktop, location: window.location } as unknown as Window);

    expect(await bridge.practiceApp?.describe()).toEqual({ name: 'Practice Charts' });
    expect(await bridge.practiceApp?.open({ sessionToken: 'session', locationId: 'loc-1' })).toBe(true);
    await bridge.practiceApp?.hide('lock');
    expect(await bridge.practiceApp?.lastInputAt()).toBe(1_700_000_000_000);
    expect(desktop.openPracticeApp).toHaveBeenCalledWith({ sessionToken: 'session', locationId: 'loc-1' });
    expect(desktop.hidePracticeApp).toHaveBeenCalledWith({ reason: 'lock' });
    // A browser tab is the page itself: no practice application to open.
    expect(createWebBridge('http://127.0.0.1:4580').practiceApp).toBeUndefined();
  });
});
