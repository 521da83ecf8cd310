/**
 * Managed settings (IT preconfiguration): each platform's sources and their order, the file trust checks on
 * real files (owner, mode, links), validation that ignores a bad source with one reason and never throws,
 * and changes picked up while the app runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadManagedSettings } from '../../src/main/managed/settings';
import {
  fileSource,
  type ManagedSource,
  parseRegQuery,
  platformSources,
  type RegistryQuery,
  registrySource,
} from '../../src/main/managed/sources';
import { ManagedSettingsStore } from '../../src/main/managed/store';

if (process.getuid?.() !== 0) {
  throw new Error('tests/main/managed-settings.test.ts must run as root (it creates root-owned files)');
}

const NOBODY = 65534;
let dir: string;
let file: string;
let logs: string[];
const log = (line: string) => logs.push(line);

function write(target: string, content: unknown, mode = 0o644, uid = 0) {
  fs.writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content));
  fs.chmodSync(target, mode);
  fs.chownSync(target, uid, 0);
}

/** `reg query` as Windows prints it, for a key holding these values. */
function regOutput(key: string, values: Array<[string, string, string]>) {
  const lines = values.map(([name, type, data]) => `    ${name}    ${type}    ${data}`);
  return ['', key, ...lines, '', ''].join('\r\n');
}

function fakeRegistry(keys: Record<string, string>): RegistryQuery {
  return async (key) => keys[key] ?? null;
}

const HKLM = 'HKLM\\SOFTWARE\\Policies\\WRSAuth';
const HKCU = 'HKCU\\SOFTWARE\\Policies\\WRSAuth';

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-managed-'));
  file = path.join(dir, 'managed-settings.json');
  logs = [];
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('Windows: Group Policy in the registry', () => {
  it('parses reg query output: strings as strings, DWORDs as numbers', () => {
    const output = regOutput(`HKEY_LOCAL_MACHINE\\${HKLM.slice(5)}`, [
      ['serverUrl', 'REG_SZ', 'https://auth.practice.example'],
      ['supportContact', 'REG_SZ', 'IT help desk, ext. 4410'],
      ['idleLockMinutes', 'REG_DWORD', '0x5'],
      ['allowRememberWorkstation', 'REG_DWORD', '0x0'],
    ]);
    expect(parseRegQuery(output)).toEqual({
      serverUrl: 'https://auth.practice.example',
      supportContact: 'IT help desk, ext. 4410',
      idleLockMinutes: 5,
      allowRememberWorkstation: 0,
    });
  });

  it('takes HKLM over HKCU over %ProgramData%, key by key, and says where each came from', async () => {
    write(file, { serverUrl: 'https://file.example', supportContact: 'from the file', updates: 'manual' });
    const registry = fakeRegistry({
      [HKLM]: regOutput(HKLM, [
        ['serverUrl', 'REG_SZ', 'https://hklm.example'],
        ['allowRememberWorkstation', 'REG_DWORD', '0x0'],
      ]),
      [HKCU]: regOutput(HKCU, [
        ['serverUrl', 'REG_SZ', 'https://hkcu.example'],
        ['idleLockMinutes', 'REG_DWORD', '0xa'],
        ['supportContact', 'REG_SZ', 'from HKCU'],
      ]),
    });
    const sources = platformSources({ platform: 'win32', env: {}, registry, file });
    const info = await loadManagedSettings(sources, log);
    expect(info.values).toEqual({
      serverUrl: 'https://hklm.example',
      allowRememberWorkstation: false,
      idleLockMinutes: 10,
      supportContact: 'from HKCU',
      updates: 'manual',
    });
    expect(info.sources).toEqual({
      serverUrl: `Group Policy (${HKLM})`,
      allowRememberWorkstation: `Group Policy (${HKLM})`,
      idleLockMinutes: `Group Policy (${HKCU})`,
      supportContact: `Group Policy (${HKCU})`,
      updates: file,
    });
    expect(logs).toEqual([]);
  });

  it('reads the %ProgramData% file when no policy key exists', async () => {
    write(file, { serverUrl: 'https://file.example' });
    const sources = platformSources({ platform: 'win32', env: {}, registry: fakeRegistry({}), file });
    expect((await loadManagedSettings(sources, log)).values).toEqual({ serverUrl: 'https://file.example' });
  });

  it('puts the default file under %ProgramData%\\WRSAuth', () => {
    const sources = platformSources({
      platform: 'win32',
      env: { ProgramData: 'D:\\PD' },
      registry: fakeRegistry({}),
    });
    expect(sources.map((source) => source.label)).toEqual([
      `Group Policy (${HKLM})`,
      `Group Policy (${HKCU})`,
      'D:\\PD\\WRSAuth\\managed-settings.json',
    ]);
  });

  it('ignores a registry that cannot be read, with a reason, and falls back to the weaker sources', async () => {
    write(file, { supportContact: 'ext. 4410' });
    const failing: RegistryQuery = async () => {
      throw new Error('Access is denied.');
    };
    const sources = [registrySource('HKLM', failing), fileSource(file, 'win32')];
    const info = await loadManagedSettings(sources, log);
    expect(info.values).toEqual({ supportContact: 'ext. 4410' });
    expect(logs).toEqual([`[managed] ignoring Group Policy (${HKLM}): reg query failed (Access is denied.)`]);
  });
});

describe('macOS: configuration profile over the file', () => {
  it('takes the profile domain first and the Application Support file for the rest', async () => {
    const plist = path.join(dir, 'com.wrshealth.wrsauth.plist');
    write(plist, 'binary plist stand-in');
    write(file, { serverUrl: 'https://file.example', supportContact: 'ext. 4410' });
    const [profile, settingsFile] = platformSources({ platform: 'darwin', env: {}, file });
    expect(profile?.label).toBe('configuration profile (com.wrshealth.wrsauth)');
    const { profileSource } = await import('../../src/main/managed/sources');
    const toJson = async (target: string) => {
      expect(target).toBe(plist);
      return JSON.stringify({ serverUrl: 'https://profile.example', updates: 'auto' });
    };
    const info = await loadManagedSettings(
      [profileSource(toJson, plist), settingsFile as ManagedSource],
      log,
    );
    expect(info.values).toEqual({
      serverUrl: 'https://profile.example',
      updates: 'auto',
      supportContact: 'ext. 4410',
    });
    expect(info.sources.serverUrl).toBe('configuration profile (com.wrshealth.wrsauth)');
    expect(info.sources.supportContact).toBe(file);
  });

  it("ignores the profile's own Payload* bookkeeping keys rather than the whole profile", async () => {
    const { profileSource } = await import('../../src/main/managed/sources');
    const plist = path.join(dir, 'com.wrshealth.wrsauth.plist');
    write(plist, 'binary plist stand-in');
    const toJson = async () =>
      JSON.stringify({ PayloadUUID: 'A1B2', PayloadVersion: 1, supportContact: 'ext. 4410' });
    const info = await loadManagedSettings([profileSource(toJson, plist)], log);
    expect(info.values).toEqual({ supportContact: 'ext. 4410' });
    expect(logs).toEqual([]);
  });

  it('refuses a profile plist that a user could have written', async () => {
    const { profileSource } = await import('../../src/main/managed/sources');
    const plist = path.join(dir, 'com.wrshealth.wrsauth.plist');
    write(plist, 'x', 0o644, NOBODY);
    const info = await loadManagedSettings(
      [profileSource(async () => '{"serverUrl":"https://evil.example"}', plist)],
      log,
    );
    expect(info.values).toEqual({});
    expect(logs[0]).toContain('owned by uid 65534, not root');
  });
});

describe('Linux: /etc/wrsauth/managed-settings.json, trusted only when root-owned and not writable by others', () => {
  const linux = () => platformSources({ platform: 'linux', env: {}, file });

  it('reads /etc/wrsauth/managed-settings.json by default', () => {
    expect(platformSources({ platform: 'linux', env: {} }).map((s) => s.label)).toEqual([
      '/etc/wrsauth/managed-settings.json',
    ]);
  });

  it('uses a root-owned 0644 file', async () => {
    write(file, {
      serverUrl: 'https://auth.practice.example',
      idleLockMinutes: 5,
      allowRememberWorkstation: false,
    });
    const info = await loadManagedSettings(linux(), log);
    expect(info.values).toEqual({
      serverUrl: 'https://auth.practice.example',
      idleLockMinutes: 5,
      allowRememberWorkstation: false,
    });
    expect(logs).toEqual([]);
  });

  it('ignores a file owned by another user', async () => {
    write(file, { serverUrl: 'https://evil.example' }, 0o644, NOBODY);
    const info = await loadManagedSettings(linux(), log);
    expect(info.values).toEqual({});
    expect(logs).toEqual([`[managed] ignoring ${file}: it is owned by uid 65534, not root`]);
  });

  it('ignores a file writable by group or others', async () => {
    write(file, { serverUrl: 'https://evil.example' }, 0o666);
    expect((await loadManagedSettings(linux(), log)).values).toEqual({});
    expect(logs).toEqual([`[managed] ignoring ${file}: it is writable by group or others (mode 666)`]);
  });

  it('refuses a symbolic link, even to a good root-owned file', async () => {
    const real = path.join(dir, 'real.json');
    write(real, { serverUrl: 'https://auth.practice.example' });
    fs.symlinkSync(real, file);
    expect((await loadManagedSettings(linux(), log)).values).toEqual({});
    expect(logs).toEqual([`[managed] ignoring ${file}: it is a symbolic link`]);
  });
});

describe('a bad source is ignored with one clear reason, never a crash', () => {
  const cases: Array<[string, string, string]> = [
    ['broken JSON', '{"serverUrl": ', 'it is not valid JSON'],
    ['not an object', '["https://a.example"]', 'it is not a JSON object'],
    ['an unknown key (a typo)', '{"serverURL":"https://a.example"}', 'unknown setting serverURL'],
    ['an idle lock over an hour', '{"idleLockMinutes":90}', 'idleLockMinutes: '],
    ['an update policy that does not exist', '{"updates":"always"}', 'updates: '],
    ['a server URL with credentials', '{"serverUrl":"https://u:p@a.example"}', 'serverUrl: must be an http'],
    ['a file: server URL', '{"serverUrl":"file:///etc/passwd"}', 'serverUrl: must be an http'],
  ];
  for (const [what, content, reason] of cases) {
    it(`ignores ${what}`, async () => {
      write(file, content);
      const info = await loadManagedSettings([fileSource(file, 'linux')], log);
      expect(info.values).toEqual({});
      expect(logs).toHaveLength(1);
      expect(logs[0]).toContain(`[managed] ignoring ${file}: ${reason}`);
      expect(info.ignored).toHaveLength(1);
    });
  }

  it('does not log the values of a bad file', async () => {
    write(file, '{"serverUrl":"https://user:hunter2secret@a.example","supportContact":""}');
    await loadManagedSettings([fileSource(file, 'linux')], log);
    expect(logs.join('\n')).not.toContain('hunter2secret');
  });

  it('a bad strong source does not hide a good weaker one', async () => {
    write(file, { supportContact: 'ext. 4410' });
    const registry = fakeRegistry({ [HKLM]: regOutput(HKLM, [['idleLockMinutes', 'REG_DWORD', '0x3e8']]) });
    const info = await loadManagedSettings(
      platformSources({ platform: 'win32', env: {}, registry, file }),
      log,
    );
    expect(info.values).toEqual({ supportContact: 'ext. 4410' });
    expect(logs).toHaveLength(1);
  });

  it('a source whose reader throws is ignored too', async () => {
    const throwing: ManagedSource = {
      label: 'broken source',
      read: async () => {
        throw new Error('boom');
      },
    };
    await expect(loadManagedSettings([throwing], log)).resolves.toEqual({
      values: {},
      sources: {},
      ignored: ['ignoring broken source: it could not be read (boom)'],
    });
  });
});

describe('changes are picked up without a restart', () => {
  let store: ManagedSettingsStore | undefined;
  afterEach(() => store?.stop());

  function nextChange(target: ManagedSettingsStore) {
    return new Promise<Record<string, unknown>>((resolve) => {
      const off = target.onChange((next) => {
        off();
        resolve(next.values);
      });
    });
  }

  it('polling notices a new, changed and removed file', async () => {
    store = new ManagedSettingsStore({ sources: [fileSource(file, 'linux')], pollMs: 20, log });
    expect((await store.start()).values).toEqual({});
    let change = nextChange(store);
    write(file, { idleLockMinutes: 5 });
    expect(await change).toEqual({ idleLockMinutes: 5 });
    change = nextChange(store);
    write(file, { idleLockMinutes: 3, supportContact: 'ext. 4410' });
    expect(await change).toEqual({ idleLockMinutes: 3, supportContact: 'ext. 4410' });
    change = nextChange(store);
    fs.rmSync(file);
    expect(await change).toEqual({});
    expect(store.current.values).toEqual({});
  });

  it('a watched folder is reread at once, long before the next poll', async () => {
    store = new ManagedSettingsStore({
      sources: [fileSource(file, 'linux')],
      pollMs: 3_600_000,
      watchFolders: [dir],
      log,
    });
    await store.start();
    const change = nextChange(store);
    write(file, { updates: 'off' });
    expect(await change).toEqual({ updates: 'off' });
  });

  it('logs a bad file once, not on every poll, and again once it changes', async () => {
    write(file, '{"serverUrl": ');
    store = new ManagedSettingsStore({ sources: [fileSource(file, 'linux')], pollMs: 10, log });
    await store.start();
    for (let i = 0; i < 5; i++) await store.refresh();
    expect(logs).toHaveLength(1);
    write(file, { idleLockMinutes: 600 });
    await store.refresh();
    expect(logs).toHaveLength(2);
  });

  it('tells listeners only about real changes', async () => {
    write(file, { updates: 'manual' });
    store = new ManagedSettingsStore({ sources: [fileSource(file, 'linux')], pollMs: 3_600_000, log });
    await store.start();
    let calls = 0;
    store.onChange(() => calls++);
    await store.refresh();
    await store.refresh();
    expect(calls).toBe(0);
    write(file, { updates: 'auto' });
    await store.refresh();
    expect(calls).toBe(1);
  });
});
