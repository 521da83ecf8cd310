import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  managedSettingsPath,
  parseServerUrl,
  type SelectionInputs,
  selectServer,
} from '../../src/main/server-selection';
import { apiBaseUrl } from '../../src/shared/api';

// The owner checks need real root-owned files; CI runs as root.
if (process.getuid?.() !== 0) {
  throw new Error('tests/main/server-selection.test.ts must run as root (it creates root-owned files)');
}

const NOBODY = 65534;
let dir: string;
let managed: string;
let user: string;
let logs: string[];

function write(file: string, content: unknown, mode = 0o644, uid = 0) {
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  fs.chmodSync(file, mode);
  fs.chownSync(file, uid, 0);
}

function select(overrides: Partial<SelectionInputs> = {}) {
  return selectServer({
    env: {},
    platform: 'linux',
    managedSettingsFile: managed,
    userSettingsFile: user,
    log: (line) => logs.push(line),
    ...overrides,
  });
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-selection-'));
  managed = path.join(dir, 'managed-settings.json');
  user = path.join(dir, 'settings.json');
  logs = [];
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('server selection order: the first source that is set wins', () => {
  it('1. WRSAUTH_SERVER_URL beats the managed and user settings', () => {
    write(managed, { serverUrl: 'https://managed.example.org' });
    write(user, { serverUrl: 'https://user.example.org' });
    expect(select({ env: { WRSAUTH_SERVER_URL: 'https://env.example.org/' } })).toEqual({
      source: 'environment',
      url: 'https://env.example.org',
    });
  });

  it('2. the managed settings file beats the user settings', () => {
    write(managed, { serverUrl: 'https://managed.example.org' });
    write(user, { serverUrl: 'https://user.example.org' });
    expect(select()).toEqual({ source: 'managed', url: 'https://managed.example.org' });
  });

  it('3. the user settings apply when nothing above is set', () => {
    write(user, { serverUrl: 'http://10.0.0.5:4580' });
    expect(select()).toEqual({ source: 'user', url: 'http://10.0.0.5:4580' });
  });

  it('4. the embedded server when nothing is set', () => {
    expect(select()).toEqual({ source: 'embedded' });
  });

  it('an empty WRSAUTH_SERVER_URL or settings without serverUrl count as not set, silently', () => {
    write(managed, { otherSetting: true });
    write(user, {});
    expect(select({ env: { WRSAUTH_SERVER_URL: '' } })).toEqual({ source: 'embedded' });
    expect(logs.filter((line) => line.includes('ignoring'))).toEqual([]);
  });
});

describe('the managed settings file is trusted only when only root can change it', () => {
  it('is used when root-owned with mode 0644', () => {
    write(managed, { serverUrl: 'https://managed.example.org' }, 0o644);
    expect(select().source).toBe('managed');
  });

  it('is refused when owned by another user', () => {
    write(managed, { serverUrl: 'https://attacker.example' }, 0o644, NOBODY);
    write(user, { serverUrl: 'https://user.example.org' });
    expect(select()).toEqual({ source: 'user', url: 'https://user.example.org' });
    expect(logs).toContain(
      `[server] ignoring managed settings ${managed}: it is owned by uid ${NOBODY}, not root`,
    );
  });

  it('is refused when writable by others', () => {
    write(managed, { serverUrl: 'https://attacker.example' }, 0o646);
    expect(select()).toEqual({ source: 'embedded' });
    expect(logs).toContain(
      `[server] ignoring managed settings ${managed}: it is writable by group or others (mode 646)`,
    );
  });

  it('is refused when writable by its group', () => {
    write(managed, { serverUrl: 'https://attacker.example' }, 0o664);
    expect(select()).toEqual({ source: 'embedded' });
    expect(logs.some((line) => line.includes('writable by group or others (mode 664)'))).toBe(true);
  });

  it('is refused when it is a symlink, even to a root-owned 0644 file', () => {
    const target = path.join(dir, 'real-settings.json');
    write(target, { serverUrl: 'https://attacker.example' }, 0o644);
    fs.symlinkSync(target, managed);
    expect(select()).toEqual({ source: 'embedded' });
    expect(logs).toContain(`[server] ignoring managed settings ${managed}: it is a symbolic link`);
  });

  it('is refused when it is a directory', () => {
    fs.mkdirSync(managed);
    expect(select()).toEqual({ source: 'embedded' });
    expect(logs).toContain(`[server] ignoring managed settings ${managed}: it is not a regular file`);
  });

  it('is refused when it is not valid JSON or not an object', () => {
    write(managed, '{ serverUrl: nope');
    expect(select()).toEqual({ source: 'embedded' });
    expect(logs).toContain(`[server] ignoring managed settings ${managed}: it is not valid JSON`);
    write(managed, '["https://managed.example.org"]');
    select();
    expect(logs).toContain(`[server] ignoring managed settings ${managed}: it is not a JSON object`);
  });

  it('on Windows the owner and mode are not checked (ProgramData is protected by ACLs)', () => {
    write(managed, { serverUrl: 'https://managed.example.org' }, 0o666, NOBODY);
    expect(select({ platform: 'win32' })).toEqual({ source: 'managed', url: 'https://managed.example.org' });
  });

  it('a file that passes lstat but fails the fstat of what is opened is refused', () => {
    write(managed, { serverUrl: 'https://attacker.example' }, 0o644);
    const real = fs.fstatSync;
    const swapped: NonNullable<SelectionInputs['fs']> = {
      ...fs,
      fstatSync: (fd: number) => Object.assign(real(fd), { uid: NOBODY }),
    };
    expect(select({ fs: swapped })).toEqual({ source: 'embedded' });
    expect(logs).toContain(
      `[server] ignoring managed settings ${managed}: it is owned by uid ${NOBODY}, not root`,
    );
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
    write(user, { serverUrl: 'https://user.example.org' });
    expect(select({ env: { WRSAUTH_SERVER_URL: bad } })).toEqual({
      source: 'user',
      url: 'https://user.example.org',
    });
    expect(logs).toContain(`[server] ignoring WRSAUTH_SERVER_URL: ${reason}`);
  });

  it('refuses a serverUrl that is not a string in a settings file', () => {
    write(user, { serverUrl: 4580 });
    expect(select()).toEqual({ source: 'embedded' });
    expect(logs).toContain(`[server] ignoring user settings ${user}: serverUrl is not a string`);
  });

  it('refuses a bad URL in the managed file and uses the user settings', () => {
    write(managed, { serverUrl: 'gopher://old.example' });
    write(user, { serverUrl: 'https://user.example.org' });
    expect(select()).toEqual({ source: 'user', url: 'https://user.example.org' });
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
    write(managed, { serverUrl: 'https://auth.example.org/wrsauth/' });
    const choice = select();
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

describe('managed settings paths', () => {
  it('are the documented per-platform locations', () => {
    expect(managedSettingsPath('win32', { ProgramData: 'D:\\ProgramData' })).toBe(
      'D:\\ProgramData\\WRSAuth\\managed-settings.json',
    );
    expect(managedSettingsPath('win32', {})).toBe('C:\\ProgramData\\WRSAuth\\managed-settings.json');
    expect(managedSettingsPath('darwin', {})).toBe(
      '/Library/Application Support/WRSAuth/managed-settings.json',
    );
    expect(managedSettingsPath('linux', {})).toBe('/etc/wrsauth/managed-settings.json');
  });
});

describe('server selection with managed settings read from every IT source (src/main/managed)', () => {
  it('uses the managed serverUrl and its label instead of reading the file itself', () => {
    write(managed, { serverUrl: 'https://file.example.org' });
    const choice = select({
      managed: {
        serverUrl: 'https://policy.example.org/',
        label: 'Group Policy (HKLM\\SOFTWARE\\Policies\\WRSAuth)',
      },
    });
    expect(choice).toEqual({ source: 'managed', url: 'https://policy.example.org' });
    expect(logs).toContain(
      '[server] using https://policy.example.org from Group Policy (HKLM\\SOFTWARE\\Policies\\WRSAuth)',
    );
  });

  it('falls through to the user settings when no managed source sets serverUrl', () => {
    write(managed, { serverUrl: 'https://file.example.org' });
    write(user, { serverUrl: 'https://user.example.org' });
    expect(select({ managed: { serverUrl: undefined, label: 'managed settings' } })).toEqual({
      source: 'user',
      url: 'https://user.example.org',
    });
  });
});
