import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeWebContents, session } from './fake-electron';

vi.mock('electron', () => import('./fake-electron'));

const {
  buildContentSecurityPolicy,
  denyAllPermissions,
  devRendererUrl,
  hardenWebContents,
  isAppUrl,
  trustDevRenderer,
} = await import('../../src/main/security');

vi.spyOn(console, 'warn').mockImplementation(() => {});

function navigationEvent(url: string) {
  return { url, preventDefault: vi.fn() };
}

describe('isAppUrl', () => {
  it('accepts only app://wrsauth pages', () => {
    expect(isAppUrl('app://wrsauth/index.html')).toBe(true);
    expect(isAppUrl('app://wrsauth/assets/index-abc.js')).toBe(true);
    for (const url of [
      'app://other/index.html',
      'app://wrsauth.evil.example/',
      'app://user:pw@wrsauth/',
      'https://wrsauth/',
      'file:///index.html',
      'http://127.0.0.1:4580/',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });
});

describe('the content security policy', () => {
  it("allows only the app's own files and connections to the server's origin", () => {
    const csp = buildContentSecurityPolicy('https://auth.example.org:8443/api/');
    expect(csp.split('; ')).toEqual([
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self' https://auth.example.org:8443",
      "frame-ancestors 'none'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
    ]);
    expect(csp).not.toContain('unsafe');
  });

  it('refuses a server URL that is not http or https', () => {
    expect(() => buildContentSecurityPolicy('javascript:alert(1)')).toThrow('http or https');
  });
});

describe('hardenWebContents', () => {
  it('denies navigation and redirects to anything but app://wrsauth', () => {
    const contents = new FakeWebContents();
    hardenWebContents(contents as never);
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      const away = navigationEvent('https://evil.example/phish');
      contents.emit(name, away, away.url);
      expect(away.preventDefault, name).toHaveBeenCalled();

      const fileUrl = navigationEvent('file:///etc/passwd');
      contents.emit(name, fileUrl, fileUrl.url);
      expect(fileUrl.preventDefault, name).toHaveBeenCalled();

      const home = navigationEvent('app://wrsauth/index.html');
      contents.emit(name, home, home.url);
      expect(home.preventDefault, name).not.toHaveBeenCalled();
    }
  });

  it('denies every window.open, even to the app itself', () => {
    const contents = new FakeWebContents();
    hardenWebContents(contents as never);
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'app://wrsauth/index.html' })).toEqual({ action: 'deny' });
  });

  it('refuses to attach a <webview>', () => {
    const contents = new FakeWebContents();
    hardenWebContents(contents as never);
    const event = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', event, {}, {});
    expect(event.preventDefault).toHaveBeenCalled();
  });
});

describe('the dev renderer (npm run dev)', () => {
  afterEach(() => trustDevRenderer(undefined));
  const devEnv = (url: string) => ({ ELECTRON_RENDERER_URL: url });

  it('is ignored by a packaged app', () => {
    expect(devRendererUrl(devEnv('http://localhost:5173'), true)).toBeUndefined();
  });

  it('is used unpackaged when it is http on 127.0.0.1, localhost or [::1]', () => {
    for (const url of ['http://localhost:5173/', 'http://127.0.0.1:5173/', 'http://[::1]:5173/']) {
      expect(devRendererUrl(devEnv(url), false)).toBe(url);
    }
    expect(devRendererUrl({}, false)).toBeUndefined();
  });

  it('is refused, with a log line, when it is not http on loopback', () => {
    for (const url of [
      'https://localhost:5173/',
      'http://192.168.1.20:5173/',
      'http://dev.example.org:5173/',
      'http://localhost.evil.example:5173/',
      'http://127.0.0.1.nip.io:5173/',
      'http://user:pw@localhost:5173/',
      'file:///tmp/index.html',
      'app://wrsauth/index.html',
      'not a url',
    ]) {
      const lines: string[] = [];
      expect(
        devRendererUrl(devEnv(url), false, (line) => lines.push(line)),
        url,
      ).toBeUndefined();
      expect(lines, url).toEqual([expect.stringMatching(/^\[security\] ignoring ELECTRON_RENDERER_URL: /)]);
    }
  });

  it('once trusted, is the only origin the navigation guard allows besides app://wrsauth', () => {
    trustDevRenderer('http://localhost:5173/');
    const contents = new FakeWebContents();
    hardenWebContents(contents as never);
    for (const [url, allowed] of [
      ['http://localhost:5173/', true],
      ['http://localhost:5173/index.html?t=1', true],
      ['app://wrsauth/index.html', true],
      ['http://localhost:5174/', false],
      ['http://127.0.0.1:5173/', false],
      ['https://localhost:5173/', false],
      ['http://user@localhost:5173/', false],
      ['https://evil.example/', false],
    ] as const) {
      const event = navigationEvent(url);
      contents.emit('will-navigate', event, url);
      expect(event.preventDefault, url).toHaveBeenCalledTimes(allowed ? 0 : 1);
    }
    expect(contents.windowOpenHandler?.({ url: 'http://localhost:5173/' })).toEqual({ action: 'deny' });
  });
});

describe('denyAllPermissions', () => {
  it('answers no to every permission request, check and device request', () => {
    const target = session.defaultSession;
    denyAllPermissions(target as never);
    const request = target.setPermissionRequestHandler.mock.calls[0]?.[0] as (
      contents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
    ) => void;
    const check = target.setPermissionCheckHandler.mock.calls[0]?.[0] as (...args: unknown[]) => boolean;
    const device = target.setDevicePermissionHandler.mock.calls[0]?.[0] as (...args: unknown[]) => boolean;
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'usb',
    ]) {
      const callback = vi.fn();
      request({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
      expect(check({}, permission, 'app://wrsauth', {})).toBe(false);
    }
    expect(device({ deviceType: 'usb', origin: 'app://wrsauth' })).toBe(false);
  });
});
