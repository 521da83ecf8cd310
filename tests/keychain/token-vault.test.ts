import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  deviceTokenAccount,
  KEYCHAIN_SERVICE,
  type KeytarLike,
  KeytarVault,
  loadKeytar,
  openTokenVault,
  type TokenVault,
  UnavailableVault,
} from '../../src/main/token-vault';

// These tests talk to a real Secret Service. Without a session bus they must fail loudly, not pass or skip.
if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
  throw new Error(
    "No D-Bus session bus: run the keychain tests with export XDG_DATA_HOME=$(mktemp -d) XDG_RUNTIME_DIR=$(mktemp -d); dbus-run-session -- sh -c 'echo -n test-pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null && npx vitest run tests/keychain'",
  );
}

const ROOT = path.resolve(import.meta.dirname, '../..');
const ORIGIN = 'http://127.0.0.1:4580';
let keytar: KeytarLike;
let vault: TokenVault;
const used = new Set<string>();

function account(username: string, server = ORIGIN) {
  const name = deviceTokenAccount(server, username);
  used.add(name);
  return name;
}

beforeAll(async () => {
  keytar = await loadKeytar();
  vault = await openTokenVault();
});

afterEach(async () => {
  for (const name of used) await keytar.deletePassword(KEYCHAIN_SERVICE, name);
  used.clear();
});

/** The vault's status as the app's plain-Node ESM loader sees it (not vitest's), in a fresh process. */
async function probeInPlainNode(env: Record<string, string>) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'fixtures', 'probe-status.ts')],
    { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, timeout: 20_000 },
  );
  return JSON.parse(stdout) as { available: boolean; reason?: string };
}

describe('the device token in a real Secret Service (gnome-keyring)', () => {
  it("loads keytar through Node's own ESM loader (CommonJS interop) and finds the Secret Service", async () => {
    const bus = process.env.DBUS_SESSION_BUS_ADDRESS as string;
    await expect(probeInPlainNode({ DBUS_SESSION_BUS_ADDRESS: bus })).resolves.toEqual({ available: true });
  });

  it('reports the keychain as available', async () => {
    expect(vault).toBeInstanceOf(KeytarVault);
    await expect(vault.status()).resolves.toEqual({ available: true });
  });

  it('stores, reads back and deletes under service "WRSAuth", account "<origin>|<username>"', async () => {
    const name = account('ckim', 'http://127.0.0.1:4580/');
    expect(name).toBe('http://127.0.0.1:4580|ckim');
    await vault.set(name, 'device-token-ckim');
    // Read with keytar directly: the entry really is under that service and account.
    await expect(keytar.getPassword('WRSAuth', 'http://127.0.0.1:4580|ckim')).resolves.toBe(
      'device-token-ckim',
    );
    await expect(vault.get(name)).resolves.toBe('device-token-ckim');
    await expect(vault.delete(name)).resolves.toBe(true);
    await expect(vault.get(name)).resolves.toBeNull();
    await expect(keytar.getPassword('WRSAuth', name)).resolves.toBeNull();
  });

  it("keeps two users' tokens apart, and deleting one leaves the other", async () => {
    await vault.set(account('ckim'), 'token-c');
    await vault.set(account('jdoe'), 'token-j');
    await expect(vault.get(account('ckim'))).resolves.toBe('token-c');
    await expect(vault.get(account('jdoe'))).resolves.toBe('token-j');
    await vault.delete(account('ckim'));
    await expect(vault.get(account('ckim'))).resolves.toBeNull();
    await expect(vault.get(account('jdoe'))).resolves.toBe('token-j');
  });

  it("keeps the same user's tokens for two servers apart", async () => {
    await vault.set(account('ckim', 'https://a.example.org'), 'token-a');
    await vault.set(account('ckim', 'https://b.example.org'), 'token-b');
    await expect(vault.get(account('ckim', 'https://a.example.org'))).resolves.toBe('token-a');
    await expect(vault.get(account('ckim', 'https://b.example.org'))).resolves.toBe('token-b');
  });

  it('replaces a token saved again for the same user (one entry, the newest)', async () => {
    await vault.set(account('ckim'), 'old');
    await vault.set(account('CKim '), 'new');
    await expect(vault.get(account('ckim'))).resolves.toBe('new');
    await expect(vault.delete(account('ckim'))).resolves.toBe(true);
    await expect(vault.delete(account('ckim'))).resolves.toBe(false);
  });
});

describe('without a usable keychain, sign-in still works and the user is told why', () => {
  it('keytar missing: the vault is unavailable with a one-line reason, loads nothing and refuses to save', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const missing = await openTokenVault(async () => {
      throw Object.assign(
        new Error("Cannot find package 'keytar' imported from /app/out/main/index.js\n    at x"),
        {
          code: 'ERR_MODULE_NOT_FOUND',
        },
      );
    });
    expect(missing).toBeInstanceOf(UnavailableVault);
    const status = await missing.status();
    expect(status.available).toBe(false);
    expect(status.reason).toMatch(/keytar/);
    expect(status.reason).not.toContain('\n');
    await expect(missing.get(deviceTokenAccount(ORIGIN, 'ckim'))).resolves.toBeNull();
    await expect(missing.set(deviceTokenAccount(ORIGIN, 'ckim'), 't')).rejects.toThrow(
      status.reason as string,
    );
    await expect(missing.delete(deviceTokenAccount(ORIGIN, 'ckim'))).resolves.toBe(false);
  });

  it('no Secret Service on the bus: status says so in one line (real keytar, in a process of its own)', async () => {
    const status = await probeInPlainNode({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' });
    expect(status.available).toBe(false);
    expect(status.reason).toMatch(
      /^The OS keychain is not available \(is GNOME Keyring or KWallet running\?\): .+/,
    );
    expect(status.reason).not.toContain('\n');
  });

  it('no session bus at all (no DISPLAY to autolaunch one): status says so in one line', async () => {
    const status = await probeInPlainNode({});
    expect(status).toEqual({
      available: false,
      reason:
        'The OS keychain is not available (is GNOME Keyring or KWallet running?): Cannot autolaunch D-Bus without X11 $DISPLAY',
    });
  });

  it('a keychain that fails at runtime makes the vault unavailable instead of breaking sign-in', async () => {
    const failing: KeytarLike = {
      getPassword: async () => {
        throw new Error('Cannot autolaunch D-Bus without X11 $DISPLAY');
      },
      setPassword: async () => {},
      deletePassword: async () => false,
    };
    const broken = new KeytarVault(failing, KEYCHAIN_SERVICE, 'linux');
    await expect(broken.status()).resolves.toEqual({
      available: false,
      reason:
        'The OS keychain is not available (is GNOME Keyring or KWallet running?): Cannot autolaunch D-Bus without X11 $DISPLAY',
    });
    await expect(broken.get('x|y')).resolves.toBeNull();
    await expect(broken.set('x|y', 't')).rejects.toThrow('Cannot autolaunch D-Bus');
  });
});
