/**
 * Which server the client talks to: the environment only in development runs; IT's settings, when there,
 * decide alone (their serverUrl, the built-in server if IT allows it, or the "ask IT" screen); the user's
 * settings only on an unmanaged computer; the built-in server by default only in development runs. The
 * managed settings themselves are read and validated in tests/main/managed-settings.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_MANAGED_SETTINGS } from '../../src/main/managed/settings';
import { parseServerUrl, type SelectionInputs, selectServer } from '../../src/main/server-selection';
import { apiBaseUrl } from '../../src/shared/api';
import type { ManagedSettingsInfo } from '../../src/shared/managed-settings';

const POLICY = 'Group Policy (HKLM\\SOFTWARE\\Policies\\WRSAuth)';
let dir: string;
let user: string;
let logs: string[];

function writeUser(content: unknown) {
  fs.writeFileSync(user, typeof content === 'string' ? content : JSON.stringify(content));
}

/** IT's settings as src/main/managed would hand them over. */
function managed(overrides: Partial<ManagedSettingsInfo> = {}): ManagedSettingsInfo {
  return { ...NO_MANAGED_SETTINGS, managed: true, ...overrides };
}

function select(overrides: Partial<SelectionInputs> = {}) {
  return selectServer({
    env: {},
    isPackaged: true,
    userSettingsFile: user,
    managed: NO_MANAGED_SETTINGS,
    log: (line) => logs.push(line),
    ...overrides,
  });
}

const problemOf = (choice: ReturnType<typeof select>) =>
  'problem' in choice ? choice.problem.error : undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-selection-'));
  user = path.join(dir, 'settings.json');
  logs = [];
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('installed builds ignore WRSAUTH_SERVER_URL; development runs keep it', () => {
  const itsServer = managed({
    values: { serverUrl: 'https://managed.example.org' },
    sources: { serverUrl: POLICY },
  });

  it("an installed build uses IT's serverUrl, not the environment, and logs that it ignored it", () => {
    expect(select({ env: { WRSAUTH_SERVER_URL: 'https://stranger.example' }, managed: itsServer })).toEqual({
      source: 'managed',
      url: 'https://managed.example.org',
    });
    expect(logs).toContain(
      '[server] ignoring WRSAUTH_SERVER_URL: an installed WRSAuth takes no setting from the environment',
    );
  });

  it('an installed build with nothing else set does not take the environment either', () => {
    const choice = select({ env: { WRSAUTH_SERVER_URL: 'https://stranger.example' } });
    expect(problemOf(choice)).toBe('no_server_configured');
    expect(JSON.stringify(choice)).not.toContain('stranger.example');
  });

  it('a development run takes WRSAUTH_SERVER_URL first, before IT and the user', () => {
    writeUser({ serverUrl: 'https://user.example.org' });
    expect(
      select({
        isPackaged: false,
        env: { WRSAUTH_SERVER_URL: 'https://env.example.org/' },
        managed: itsServer,
      }),
    ).toEqual({ source: 'environment', url: 'https://env.example.org' });
  });

  it('an empty WRSAUTH_SERVER_URL counts as not set, silently', () => {
    expect(select({ isPackaged: false, env: { WRSAUTH_SERVER_URL: '' } })).toEqual({ source: 'embedded' });
    expect(logs.filter((line) => line.includes('ignoring'))).toEqual([]);
  });
});

describe("IT's settings decide alone where they exist", () => {
  it("IT's serverUrl beats the user's settings, and the log names its source", () => {
    writeUser({ serverUrl: 'https://user.example.org' });
    const choice = select({
      managed: managed({
        values: { serverUrl: 'https://policy.example.org/' },
        sources: { serverUrl: POLICY },
      }),
    });
    expect(choice).toEqual({ source: 'managed', url: 'https://policy.example.org' });
    expect(logs).toContain(`[server] using https://policy.example.org from ${POLICY}`);
  });

  it("a managed computer without serverUrl asks IT: never the user's server, never the built-in one", () => {
    writeUser({ serverUrl: 'https://user.example.org' });
    for (const isPackaged of [true, false]) {
      const choice = select({
        isPackaged,
        managed: managed({ values: { supportContact: 'ext. 4410' }, sources: { supportContact: POLICY } }),
      });
      expect(choice).toEqual({
        problem: { error: 'managed_server_missing', message: expect.stringContaining('none sets serverUrl') },
      });
    }
  });

  it('an invalid serverUrl from IT asks IT, saying which source and why (never the value)', () => {
    writeUser({ serverUrl: 'https://user.example.org' });
    const choice = select({
      managed: managed({
        values: { allowRememberWorkstation: false },
        ignored: [{ source: POLICY, setting: 'serverUrl', reason: 'must be an http:// or https:// URL' }],
      }),
    });
    expect(choice).toEqual({
      problem: {
        error: 'managed_server_invalid',
        message: `serverUrl from ${POLICY} was ignored: must be an http:// or https:// URL.`,
      },
    });
  });

  it('a managed source that could not be read refuses to guess, even with a user setting and the built-in server allowed', () => {
    writeUser({ serverUrl: 'https://user.example.org' });
    const choice = select({
      isPackaged: false,
      managed: managed({
        values: { allowEmbeddedServer: true },
        sources: { allowEmbeddedServer: '/etc/wrsauth/managed-settings.json' },
        unreadable: [
          { source: POLICY, reason: 'reg.exe could not read it (exit status 1: Access is denied.)' },
        ],
      }),
    });
    expect(choice).toEqual({
      problem: {
        error: 'managed_settings_unreadable',
        message: expect.stringContaining(`${POLICY}: reg.exe could not read it`),
      },
    });
  });

  it('a computer whose only IT source was wholly ignored still counts as managed', () => {
    writeUser({ serverUrl: 'https://user.example.org' });
    const choice = select({
      managed: managed({
        ignored: [{ source: '/etc/wrsauth/managed-settings.json', reason: 'it is a symbolic link' }],
      }),
    });
    expect(problemOf(choice)).toBe('managed_server_missing');
  });
});

describe('AllowEmbeddedServer: the built-in server only where IT allows it (or a development run)', () => {
  it('an installed build never falls back to the built-in server on its own', () => {
    expect(problemOf(select())).toBe('no_server_configured');
    expect(logs).toEqual([expect.stringMatching(/^\[server\] no server: no_server_configured: /)]);
  });

  it('an installed, managed build starts it when IT sets allowEmbeddedServer', () => {
    const choice = select({
      managed: managed({ values: { allowEmbeddedServer: true }, sources: { allowEmbeddedServer: POLICY } }),
    });
    expect(choice).toEqual({ source: 'embedded' });
  });

  it("IT's serverUrl wins over allowEmbeddedServer", () => {
    const choice = select({
      managed: managed({
        values: { serverUrl: 'https://auth.practice.example', allowEmbeddedServer: true },
        sources: { serverUrl: POLICY, allowEmbeddedServer: POLICY },
      }),
    });
    expect(choice).toEqual({ source: 'managed', url: 'https://auth.practice.example' });
  });

  it('allowEmbeddedServer=false keeps a development run from it too', () => {
    const choice = select({
      isPackaged: false,
      managed: managed({ values: { allowEmbeddedServer: false }, sources: { allowEmbeddedServer: POLICY } }),
    });
    expect(problemOf(choice)).toBe('managed_server_missing');
  });

  it('an unmanaged development run with nothing set starts it', () => {
    expect(select({ isPackaged: false })).toEqual({ source: 'embedded' });
  });

  it('tells IT about the ignored Windows file when nothing else sets a server', () => {
    const windowsFile = 'C:\\ProgramData\\WRSAuth\\managed-settings.json';
    const choice = select({
      managed: { ...NO_MANAGED_SETTINGS, ignored: [{ source: windowsFile, reason: 'it is ignored' }] },
    });
    expect(choice).toEqual({
      problem: {
        error: 'no_server_configured',
        message: expect.stringContaining(`Ignored: ${windowsFile}: it is ignored.`),
      },
    });
  });
});

describe("the user's own settings, on an unmanaged computer", () => {
  it('apply in an installed build when IT manages nothing', () => {
    writeUser({ serverUrl: 'http://10.0.0.5:4580' });
    expect(select()).toEqual({ source: 'user', url: 'http://10.0.0.5:4580' });
  });

  it('settings without serverUrl count as not set, silently', () => {
    writeUser({});
    expect(select({ isPackaged: false })).toEqual({ source: 'embedded' });
    expect(logs.filter((line) => line.includes('ignoring'))).toEqual([]);
  });

  it('are refused when not valid JSON, not an object, or serverUrl is not a string', () => {
    for (const [content, reason] of [
      ['{ serverUrl: nope', 'it is not valid JSON'],
      ['["https://user.example.org"]', 'it is not a JSON object'],
      [{ serverUrl: 4580 }, 'serverUrl is not a string'],
    ] as const) {
      writeUser(content);
      expect(problemOf(select())).toBe('no_server_configured');
      expect(logs).toContain(`[server] ignoring user settings ${user}: ${reason}`);
    }
  });
});

describe('server URLs are validated wherever they come from', () => {
  it.each([
    ['ftp://files.example.org', 'serverUrl must be http:// or https://, got ftp://'],
    ['javascript:alert(1)', 'serverUrl must be http:// or https://, got javascript://'],
    ['file:///etc/passwd', 'serverUrl must be http:// or https://, got file://'],
    ['auth.example.org', 'serverUrl is not a URL'],
    ['https://user:pw@auth.example.org', 'serverUrl must not contain a user or password'],
    ['https://auth.example.org/?next=evil', 'serverUrl must not have a query or fragment'],
  ])('refuses %s and falls through to the next source', (bad, reason) => {
    writeUser({ serverUrl: 'https://user.example.org' });
    expect(select({ isPackaged: false, env: { WRSAUTH_SERVER_URL: bad } })).toEqual({
      source: 'user',
      url: 'https://user.example.org',
    });
    expect(logs).toContain(`[server] ignoring WRSAUTH_SERVER_URL: ${reason}`);
  });

  it('keeps a path but drops the trailing slash', () => {
    expect(parseServerUrl('https://auth.example.org/wrsauth/')).toEqual({
      ok: true,
      url: 'https://auth.example.org/wrsauth',
    });
  });
});

describe('a server behind a path', () => {
  it('keeps its path from any source, so the API is found under it', () => {
    const choice = select({
      managed: managed({
        values: { serverUrl: 'https://auth.example.org/wrsauth/' },
        sources: { serverUrl: POLICY },
      }),
    });
    expect(choice).toEqual({ source: 'managed', url: 'https://auth.example.org/wrsauth' });
    expect(apiBaseUrl((choice as { url: string }).url)).toBe('https://auth.example.org/wrsauth/api/v1');
  });

  it('trims every trailing slash and a bare "?" or "#" once, in the selection', () => {
    for (const raw of [
      'https://auth.example.org/wrsauth//',
      'https://auth.example.org/wrsauth/?',
      'https://auth.example.org/wrsauth/#',
    ]) {
      expect(parseServerUrl(raw), raw).toEqual({ ok: true, url: 'https://auth.example.org/wrsauth' });
    }
    expect(parseServerUrl('https://auth.example.org/?')).toEqual({
      ok: true,
      url: 'https://auth.example.org',
    });
  });
});
