/**
 * Managed settings (IT preconfiguration): each platform's sources and their order; Windows reading Group
 * Policy's HKLM key only (reg.exe faked at its boundary, RunReg) and telling "no key" from every failure;
 * the file trust checks on real files (owner, mode, links); each setting validated on its own; and changes
 * picked up while the app runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadManagedSettings, UNKNOWN_SETTING } from '../../src/main/managed/settings';
import {
  fileSource,
  ignoredFileSource,
  type ManagedSource,
  parseRegQuery,
  platformSources,
  profileSource,
  type RunReg,
  registrySource,
  WINDOWS_FILE_IGNORED,
  watchedFolders,
} from '../../src/main/managed/sources';
import { ManagedSettingsStore } from '../../src/main/managed/store';
import { MAX_IGNORED } from '../../src/shared/managed-settings';

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

const HKLM = 'HKLM\\SOFTWARE\\Policies\\WRSAuth';
const POLICY = `Group Policy (${HKLM})`;
const NOT_FOUND = 'ERROR: The system was unable to find the specified registry key or value.';

/** `reg query` as Windows prints it, for a key holding these values. */
function regOutput(key: string, values: Array<[string, string, string]>) {
  const lines = values.map(([name, type, data]) => `    ${name}    ${type}    ${data}`);
  return ['', key.replace(/^HKLM/, 'HKEY_LOCAL_MACHINE'), ...lines, '', ''].join('\r\n');
}

/** `reg query HKLM\SOFTWARE\Policies`: the key's subkeys, one per line. */
function policiesListing(subkeys: string[]) {
  const base = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies';
  return ['', ...subkeys.map((name) => `${base}\\${name}`), ''].join('\r\n');
}

/**
 * reg.exe, faked at its boundary: each key maps to what `reg query <key>` answers. A key not in the map
 * fails as reg.exe fails for a missing key (exit status 1). Every call is recorded.
 */
function fakeRegExe(keys: Record<string, { status: number; stdout?: string; stderr?: string }>) {
  const calls: string[][] = [];
  const run: RunReg = async (args) => {
    calls.push([...args]);
    const answer = keys[args[1] ?? ''] ?? { status: 1, stderr: NOT_FOUND };
    return { status: answer.status, stdout: answer.stdout ?? '', stderr: answer.stderr ?? '' };
  };
  return { run, calls };
}

/** A Windows with no WRSAuth policy: the Policies key lists other vendors' keys only. */
const noPolicy = () =>
  fakeRegExe({ 'HKLM\\SOFTWARE\\Policies': { status: 0, stdout: policiesListing(['Microsoft']) } });

/** A Windows whose WRSAuth policy key holds these values. */
function withPolicy(values: Array<[string, string, string]>) {
  return fakeRegExe({
    [HKLM]: { status: 0, stdout: regOutput(HKLM, values) },
    'HKLM\\SOFTWARE\\Policies': { status: 0, stdout: policiesListing(['Microsoft', 'WRSAuth']) },
  });
}

const windows = (run: RunReg, settingsFile = file) =>
  platformSources({ platform: 'win32', registry: run, file: settingsFile });

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-managed-'));
  file = path.join(dir, 'managed-settings.json');
  logs = [];
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('Windows reads managed settings only from the HKLM policy key', () => {
  it('parses reg query output: strings as strings, DWORDs as numbers, other types by name only', () => {
    const output = regOutput(HKLM, [
      ['serverUrl', 'REG_SZ', 'https://auth.practice.example'],
      ['supportContact', 'REG_SZ', 'IT help desk, ext. 4410'],
      ['idleLockMinutes', 'REG_DWORD', '0x5'],
      ['allowRememberWorkstation', 'REG_DWORD', '0x0'],
      ['updateUrl', 'REG_MULTI_SZ', 'https://a.example\\0https://b.example'],
    ]);
    expect(parseRegQuery(output)).toEqual({
      serverUrl: 'https://auth.practice.example',
      supportContact: 'IT help desk, ext. 4410',
      idleLockMinutes: 5,
      allowRememberWorkstation: 0,
      updateUrl: { unsupported: 'REG_MULTI_SZ' },
    });
  });

  it('reads HKLM\\SOFTWARE\\Policies\\WRSAuth with reg.exe and never asks HKCU', async () => {
    const registry = withPolicy([
      ['serverUrl', 'REG_SZ', 'https://hklm.example'],
      ['allowRememberWorkstation', 'REG_DWORD', '0x0'],
      ['allowEmbeddedServer', 'REG_DWORD', '0x1'],
    ]);
    const info = await loadManagedSettings(windows(registry.run), log);
    expect(info.values).toEqual({
      serverUrl: 'https://hklm.example',
      allowRememberWorkstation: false,
      allowEmbeddedServer: true,
    });
    expect(info.sources).toEqual({
      serverUrl: POLICY,
      allowRememberWorkstation: POLICY,
      allowEmbeddedServer: POLICY,
    });
    expect(info.managed).toBe(true);
    expect(registry.calls).toEqual([['query', HKLM]]);
    expect(logs).toEqual([]);
  });

  it('ignores a %ProgramData% managed-settings.json, even beside a policy, and reports it for About', async () => {
    // Root-owned, mode 0644, valid: still never read on Windows, where a standard user can write it.
    write(file, { serverUrl: 'https://file.example', supportContact: 'from the file', updates: 'manual' });
    const registry = withPolicy([['idleLockMinutes', 'REG_DWORD', '0xa']]);
    const info = await loadManagedSettings(windows(registry.run), log);
    expect(info.values).toEqual({ idleLockMinutes: 10 });
    expect(info.ignored).toEqual([{ source: file, reason: WINDOWS_FILE_IGNORED }]);
    expect(logs).toEqual([`[managed] ignoring ${file}: ${WINDOWS_FILE_IGNORED}`]);
  });

  it('a %ProgramData% file alone sets nothing and does not make the computer managed', async () => {
    write(file, { serverUrl: 'https://attacker.example' }, 0o666, NOBODY);
    const info = await loadManagedSettings(windows(noPolicy().run), log);
    expect(info).toEqual({
      values: {},
      sources: {},
      managed: false,
      unreadable: [],
      ignored: [{ source: file, reason: WINDOWS_FILE_IGNORED }],
    });
  });

  it("takes no path from the user's environment: %ProgramData% is not consulted", () => {
    const saved = process.env.ProgramData;
    process.env.ProgramData = 'D:\\UserChosen';
    try {
      expect(platformSources({ platform: 'win32' }).map((source) => source.label)).toEqual([
        POLICY,
        'C:\\ProgramData\\WRSAuth\\managed-settings.json',
      ]);
      expect(watchedFolders({ platform: 'win32' })).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.ProgramData;
      else process.env.ProgramData = saved;
    }
  });

  it('the ignored file is only looked at, never opened', async () => {
    const opened: string[] = [];
    const spy = {
      lstatSync: (target: string) => {
        opened.push(target);
        return fs.lstatSync(target);
      },
    };
    write(file, { serverUrl: 'https://file.example' });
    const read = await ignoredFileSource(file, spy).read();
    expect(read).toEqual({ state: 'refused', reason: WINDOWS_FILE_IGNORED });
    expect(opened).toEqual([file]);
  });
});

describe('a registry that cannot be read is an error, not "no policy"', () => {
  it('is absent only when reg.exe lists the Policies key without WRSAuth in it', async () => {
    const registry = fakeRegExe({
      'HKLM\\SOFTWARE\\Policies': { status: 0, stdout: policiesListing(['Google', 'Microsoft']) },
    });
    const info = await loadManagedSettings([registrySource(registry.run)], log);
    expect(info).toMatchObject({ values: {}, managed: false, unreadable: [] });
    expect(registry.calls).toEqual([
      ['query', HKLM],
      ['query', 'HKLM\\SOFTWARE\\Policies'],
    ]);
  });

  it('exit status 1 for a key that is there (access denied) is unreadable, and the reason is kept', async () => {
    const registry = fakeRegExe({
      [HKLM]: { status: 1, stderr: 'ERROR: Access is denied.' },
      'HKLM\\SOFTWARE\\Policies': { status: 0, stdout: policiesListing(['Microsoft', 'WRSAuth']) },
    });
    const info = await loadManagedSettings([registrySource(registry.run)], log);
    expect(info.managed).toBe(true);
    expect(info.unreadable).toEqual([
      { source: POLICY, reason: 'reg.exe could not read it (exit status 1: ERROR: Access is denied.)' },
    ]);
    expect(logs).toEqual([
      `[managed] cannot read ${POLICY}: reg.exe could not read it (exit status 1: ERROR: Access is denied.)`,
    ]);
  });

  it('does not trust "unable to find" when the Policies key cannot be listed to confirm it', async () => {
    const registry = fakeRegExe({
      'HKLM\\SOFTWARE\\Policies': { status: 1, stderr: 'ERROR: Access is denied.' },
    });
    const info = await loadManagedSettings([registrySource(registry.run)], log);
    expect(info.unreadable).toHaveLength(1);
    expect(info.unreadable[0]?.reason).toContain('unable to find');
  });

  it('is unreadable when reg.exe cannot run or times out', async () => {
    const missing: RunReg = async () => {
      throw Object.assign(new Error('spawn C:\\Windows\\System32\\reg.exe ENOENT'), { code: 'ENOENT' });
    };
    const info = await loadManagedSettings([registrySource(missing)], log);
    expect(info.unreadable).toEqual([
      { source: POLICY, reason: 'reg.exe could not run (spawn C:\\Windows\\System32\\reg.exe ENOENT)' },
    ]);
  });

  it('an empty policy key (Group Policy removed every setting) is no policy', async () => {
    const registry = fakeRegExe({ [HKLM]: { status: 0, stdout: regOutput(HKLM, []) } });
    const info = await loadManagedSettings([registrySource(registry.run)], log);
    expect(info).toMatchObject({ managed: false, unreadable: [] });
  });
});

describe('each managed key is validated on its own', () => {
  it('a typo in one Group Policy value drops that value only: allowRememberWorkstation=false stays', async () => {
    const registry = withPolicy([
      ['serverUrl', 'REG_SZ', 'htps//auth.practice.example'],
      ['allowRememberWorkstation', 'REG_DWORD', '0x0'],
      ['idleLockMinutes', 'REG_DWORD', '0x5'],
    ]);
    const info = await loadManagedSettings(windows(registry.run), log);
    expect(info.values).toEqual({ allowRememberWorkstation: false, idleLockMinutes: 5 });
    expect(info.ignored).toEqual([
      {
        source: POLICY,
        setting: 'serverUrl',
        reason: 'must be an http:// or https:// URL without a user, password, query or fragment',
      },
    ]);
    expect(logs).toEqual([
      `[managed] ignoring serverUrl from ${POLICY}: must be an http:// or https:// URL without a user, password, query or fragment`,
    ]);
  });

  it('a policy from a newer ADMX is dropped with a reason, and the rest applies', async () => {
    const registry = withPolicy([
      ['supportContact', 'REG_SZ', 'ext. 4410'],
      ['requireSmartCard', 'REG_DWORD', '0x1'],
    ]);
    const info = await loadManagedSettings(windows(registry.run), log);
    expect(info.values).toEqual({ supportContact: 'ext. 4410' });
    expect(info.ignored).toEqual([{ source: POLICY, setting: 'requireSmartCard', reason: UNKNOWN_SETTING }]);
    expect(logs).toEqual([`[managed] ignoring requireSmartCard from ${POLICY}: ${UNKNOWN_SETTING}`]);
  });

  it('a registry type WRSAuth does not read, or a yes/no DWORD other than 0 or 1, drops that value only', async () => {
    const registry = withPolicy([
      ['supportContact', 'REG_MULTI_SZ', 'ext. 4410\\0ext. 4411'],
      ['allowRememberWorkstation', 'REG_DWORD', '0x2'],
      ['updates', 'REG_SZ', 'off'],
    ]);
    const info = await loadManagedSettings(windows(registry.run), log);
    expect(info.values).toEqual({ updates: 'off' });
    expect(info.ignored.map((problem) => [problem.setting, problem.reason])).toEqual([
      ['supportContact', 'it is a REG_MULTI_SZ value, which WRSAuth does not read'],
      ['allowRememberWorkstation', expect.stringContaining('expected boolean')],
    ]);
  });

  it('reads registry value names without regard to case, as Windows does', async () => {
    const registry = withPolicy([['ServerUrl', 'REG_SZ', 'https://auth.practice.example']]);
    const info = await loadManagedSettings(windows(registry.run), log);
    expect(info.values).toEqual({ serverUrl: 'https://auth.practice.example' });
  });

  const cases: Array<[string, Record<string, unknown>, string, string]> = [
    ['an unknown key (a typo)', { serverURL: 'https://a.example' }, 'serverURL', UNKNOWN_SETTING],
    ['an idle lock over an hour', { idleLockMinutes: 90 }, 'idleLockMinutes', 'Too big'],
    ['an update policy that does not exist', { updates: 'always' }, 'updates', 'Invalid option'],
    ['a server URL with credentials', { serverUrl: 'https://u:p@a.example' }, 'serverUrl', 'must be an http'],
    ['a file: server URL', { serverUrl: 'file:///etc/passwd' }, 'serverUrl', 'must be an http'],
    [
      'a yes/no setting given as text',
      { allowEmbeddedServer: 'yes' },
      'allowEmbeddedServer',
      'expected boolean',
    ],
    ['a null', { supportContact: null }, 'supportContact', 'expected string'],
    [
      'a practice application over plain http on the network',
      { practiceAppUrl: 'http://practice.example/login' },
      'practiceAppUrl',
      'must be https://',
    ],
    [
      'a practice application URL with a query',
      { practiceAppUrl: 'https://practice.example/?next=x' },
      'practiceAppUrl',
      'must be an http',
    ],
    ['an empty practice application name', { practiceAppName: '  ' }, 'practiceAppName', 'Too small'],
    [
      'a practice application name over 60 characters',
      { practiceAppName: 'x'.repeat(61) },
      'practiceAppName',
      'Too big',
    ],
  ];
  for (const [what, bad, setting, reason] of cases) {
    it(`drops ${what} from a file and keeps the file's other settings`, async () => {
      write(file, { allowRememberWorkstation: false, supportContact: 'ext. 4410', ...bad });
      const info = await loadManagedSettings([fileSource(file)], log);
      const kept = { allowRememberWorkstation: false, supportContact: 'ext. 4410' };
      if (setting === 'supportContact') delete (kept as Partial<typeof kept>).supportContact;
      expect(info.values).toEqual(kept);
      expect(info.ignored).toEqual([{ source: file, setting, reason: expect.stringContaining(reason) }]);
      expect(logs).toHaveLength(1);
      expect(logs[0]?.startsWith(`[managed] ignoring ${setting} from ${file}: `)).toBe(true);
      expect(logs[0]).toContain(reason);
    });
  }

  it('takes the practice application at https, or at http on loopback only, with its short name', async () => {
    for (const practiceAppUrl of [
      'https://practice.example/login',
      'http://127.0.0.1:4581/',
      'http://localhost:4581',
      'http://[::1]:4581/',
    ]) {
      write(file, { practiceAppUrl, practiceAppName: ' Practice Charts ' });
      const info = await loadManagedSettings([fileSource(file)], log);
      expect(info.values).toEqual({ practiceAppUrl, practiceAppName: 'Practice Charts' });
      expect(info.sources.practiceAppUrl).toBe(file);
    }
    expect(logs).toEqual([]);
  });

  it('reads the practice application from Group Policy strings like serverUrl', async () => {
    const registry = withPolicy([
      ['practiceAppUrl', 'REG_SZ', 'https://practice.example/login'],
      ['practiceAppName', 'REG_SZ', 'Practice Charts'],
    ]);
    const info = await loadManagedSettings(windows(registry.run), log);
    expect(info.values).toEqual({
      practiceAppUrl: 'https://practice.example/login',
      practiceAppName: 'Practice Charts',
    });
    expect(info.sources).toEqual({ practiceAppUrl: POLICY, practiceAppName: POLICY });
  });

  it('a bad value in a strong source leaves a weaker source free to set that key', async () => {
    const plist = path.join(dir, 'com.wrshealth.wrsauth.plist');
    write(plist, 'binary plist stand-in');
    write(file, { idleLockMinutes: 5 });
    const profile = profileSource(
      async () => JSON.stringify({ idleLockMinutes: 1000, updates: 'auto' }),
      plist,
    );
    const info = await loadManagedSettings([profile, fileSource(file)], log);
    expect(info.values).toEqual({ idleLockMinutes: 5, updates: 'auto' });
    expect(info.sources.idleLockMinutes).toBe(file);
  });

  it('a whole file that is not JSON, or not an object, is ignored with its reason', async () => {
    for (const [content, reason] of [
      ['{"serverUrl": ', 'it is not valid JSON'],
      ['["https://a.example"]', 'it is not a JSON object'],
    ]) {
      write(file, content);
      const info = await loadManagedSettings([fileSource(file)], log);
      expect(info).toMatchObject({ values: {}, managed: true, ignored: [{ source: file, reason }] });
    }
  });

  it('does not log the values of a bad file', async () => {
    write(file, '{"serverUrl":"https://user:hunter2secret@a.example","supportContact":""}');
    const info = await loadManagedSettings([fileSource(file)], log);
    expect(logs).toHaveLength(2);
    expect(JSON.stringify([logs, info])).not.toContain('hunter2secret');
  });

  it(`keeps at most ${MAX_IGNORED} problems for About and logs how many more there were`, async () => {
    write(file, Object.fromEntries(Array.from({ length: MAX_IGNORED + 5 }, (_, i) => [`future${i}`, 1])));
    const info = await loadManagedSettings([fileSource(file)], log);
    expect(info.ignored).toHaveLength(MAX_IGNORED);
    expect(logs.at(-1)).toBe('[managed] ignoring 5 more settings, not listed one by one');
  });

  it('a source whose reader throws is unreadable, never taken as "nothing managed"', async () => {
    const throwing: ManagedSource = {
      label: 'broken source',
      read: async () => {
        throw new Error('boom');
      },
    };
    await expect(loadManagedSettings([throwing], log)).resolves.toEqual({
      values: {},
      sources: {},
      managed: true,
      unreadable: [{ source: 'broken source', reason: 'it could not be read (boom)' }],
      ignored: [],
    });
  });
});

describe('macOS: configuration profile over the file', () => {
  it('takes the profile domain first and the Application Support file for the rest', async () => {
    const plist = path.join(dir, 'com.wrshealth.wrsauth.plist');
    write(plist, 'binary plist stand-in');
    write(file, { serverUrl: 'https://file.example', supportContact: 'ext. 4410' });
    const [profile, settingsFile] = platformSources({ platform: 'darwin', file });
    expect(profile?.label).toBe('configuration profile (com.wrshealth.wrsauth)');
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

  it("ignores the profile's own Payload* bookkeeping keys rather than reporting them", async () => {
    const plist = path.join(dir, 'com.wrshealth.wrsauth.plist');
    write(plist, 'binary plist stand-in');
    const toJson = async () =>
      JSON.stringify({ PayloadUUID: 'A1B2', PayloadVersion: 1, supportContact: 'ext. 4410' });
    const info = await loadManagedSettings([profileSource(toJson, plist)], log);
    expect(info.values).toEqual({ supportContact: 'ext. 4410' });
    expect(logs).toEqual([]);
  });

  it('refuses a profile plist that a user could have written', async () => {
    const plist = path.join(dir, 'com.wrshealth.wrsauth.plist');
    write(plist, 'x', 0o644, NOBODY);
    const info = await loadManagedSettings(
      [profileSource(async () => '{"serverUrl":"https://evil.example"}', plist)],
      log,
    );
    expect(info.values).toEqual({});
    expect(logs[0]).toContain('owned by uid 65534, not root');
  });

  it('a profile plutil cannot read is unreadable, not "no profile"', async () => {
    const plist = path.join(dir, 'com.wrshealth.wrsauth.plist');
    write(plist, 'x');
    const failing = async () => {
      throw new Error('plutil: exit 1');
    };
    const info = await loadManagedSettings([profileSource(failing, plist)], log);
    expect(info.unreadable).toEqual([
      { source: 'configuration profile (com.wrshealth.wrsauth)', reason: 'plutil could not read it' },
    ]);
  });
});

describe('Linux: /etc/wrsauth/managed-settings.json, trusted only when root-owned and not writable by others', () => {
  const linux = () => platformSources({ platform: 'linux', file });

  it('reads /etc/wrsauth/managed-settings.json by default', () => {
    expect(platformSources({ platform: 'linux' }).map((s) => s.label)).toEqual([
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

  it('ignores a file owned by another user, but the computer still counts as managed', async () => {
    write(file, { serverUrl: 'https://evil.example' }, 0o644, NOBODY);
    const info = await loadManagedSettings(linux(), log);
    expect(info.values).toEqual({});
    expect(info.managed).toBe(true);
    expect(logs).toEqual([`[managed] ignoring ${file}: it is owned by uid 65534, not root`]);
  });

  it('ignores a file writable by group or others', async () => {
    for (const mode of [0o666, 0o664]) {
      logs = [];
      write(file, { serverUrl: 'https://evil.example' }, mode);
      expect((await loadManagedSettings(linux(), log)).values).toEqual({});
      expect(logs).toEqual([
        `[managed] ignoring ${file}: it is writable by group or others (mode ${mode.toString(8)})`,
      ]);
    }
  });

  it('refuses a symbolic link, even to a good root-owned file', async () => {
    const real = path.join(dir, 'real.json');
    write(real, { serverUrl: 'https://auth.practice.example' });
    fs.symlinkSync(real, file);
    expect((await loadManagedSettings(linux(), log)).values).toEqual({});
    expect(logs).toEqual([`[managed] ignoring ${file}: it is a symbolic link`]);
  });

  it('refuses a directory in its place', async () => {
    fs.mkdirSync(file);
    expect((await loadManagedSettings(linux(), log)).values).toEqual({});
    expect(logs).toEqual([`[managed] ignoring ${file}: it is not a regular file`]);
  });

  it('refuses a file that passes lstat but fails the fstat of what is opened', async () => {
    write(file, { serverUrl: 'https://attacker.example' });
    const swapped = { ...fs, fstatSync: (fd: number) => Object.assign(fs.fstatSync(fd), { uid: NOBODY }) };
    expect((await loadManagedSettings([fileSource(file, swapped)], log)).values).toEqual({});
    expect(logs).toEqual([`[managed] ignoring ${file}: it is owned by uid ${NOBODY}, not root`]);
  });

  it('a file that is there but cannot be read is unreadable', async () => {
    const denied = {
      ...fs,
      lstatSync: () => {
        throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      },
    };
    const info = await loadManagedSettings([fileSource(file, denied)], log);
    expect(info.unreadable).toEqual([{ source: file, reason: 'it cannot be read (EACCES)' }]);
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
    store = new ManagedSettingsStore({ sources: [fileSource(file)], pollMs: 20, log });
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
      sources: [fileSource(file)],
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
    store = new ManagedSettingsStore({ sources: [fileSource(file)], pollMs: 10, log });
    await store.start();
    for (let i = 0; i < 5; i++) await store.refresh();
    expect(logs).toHaveLength(1);
    write(file, { idleLockMinutes: 600 });
    await store.refresh();
    expect(logs).toHaveLength(2);
  });

  it('tells listeners only about real changes', async () => {
    write(file, { updates: 'manual' });
    store = new ManagedSettingsStore({ sources: [fileSource(file)], pollMs: 3_600_000, log });
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
