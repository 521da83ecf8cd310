/**
 * The embedded server's key in a real Secret Service (gnome-keyring), with electron faked and the real server
 * forked as Node: the key lives in the keychain and reaches the server only in its environment, so a copy of
 * the data dir alone opens no authenticator secret; an older version's key file moves into the keychain once;
 * without a keychain nothing starts and no key is written.
 */
import { type ChildProcess, execFile, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import { generate } from 'otplib';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../server/config';
import { DEV_OUTBOX_FILE } from '../../server/delivery/dev-outbox';
import { findUserById } from '../../server/repositories/users';
import { openServices } from '../../server/runtime';
import { Keyring, loadServerKey, SECRET_FILE } from '../../server/secrets';
import { CLI_CONTEXT } from '../../server/services/audit-log';
import {
  EMBEDDED_SERVER_KEY_ACCOUNT,
  embeddedServerKey,
  LEGACY_KEY_FILE,
} from '../../src/main/embedded-server-key';
import { type KeytarLike, KeytarVault, loadKeytar } from '../../src/main/token-vault';
import { utilityProcess } from '../main/fake-electron';

vi.mock('electron', () => import('../main/fake-electron'));

// These tests talk to a real Secret Service. Without a session bus they must fail loudly, not pass or skip.
if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
  throw new Error(
    "No D-Bus session bus: run the keychain tests with export XDG_DATA_HOME=$(mktemp -d) XDG_RUNTIME_DIR=$(mktemp -d); dbus-run-session -- sh -c 'echo -n test-pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null && npx vitest run tests/keychain'",
  );
}

const { startEmbeddedServer } = await import('../../src/main/embedded-server');
type EmbeddedServer = import('../../src/main/embedded-server').EmbeddedServer;

const ROOT = path.resolve(import.meta.dirname, '../..');
// A service of its own: the app's is "WRSAuth" (token-vault.test.ts), and a developer's real embedded key
// there must never be touched by a test run in their desktop session.
const SERVICE = `WRSAuth test ${randomUUID()}`;

type ForkOptions = { env: Record<string, string>; execArgv?: string[]; stdio?: 'inherit' | 'pipe' };

const children: ChildProcess[] = [];
const started: EmbeddedServer[] = [];
let keytar: KeytarLike;
let vault: KeytarVault;
let work: string;

/** utilityProcess.fork, played by a Node child process (the same kill/exit/pid/stdio surface). */
utilityProcess.fork.mockImplementation((entry: string, args: string[], options: ForkOptions) => {
  const child = fork(entry, args, {
    env: options.env,
    execArgv: options.execArgv ?? [],
    stdio: options.stdio === 'pipe' ? ['ignore', 'pipe', 'pipe', 'ipc'] : 'ignore',
    cwd: ROOT,
  });
  children.push(child);
  return {
    get pid() {
      return child.pid;
    },
    kill: () => child.kill('SIGTERM'),
    once: (_event: 'exit', listener: (code: number) => void) =>
      child.once('exit', (code) => listener(code ?? -1)),
    stdout: child.stdout,
    stderr: child.stderr,
  };
});

beforeAll(async () => {
  keytar = await loadKeytar();
  vault = new KeytarVault(keytar, SERVICE);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-embedded-key-'));
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.stop()));
  await keytar.deletePassword(SERVICE, EMBEDDED_SERVER_KEY_ACCOUNT);
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  fs.rmSync(work, { recursive: true, force: true });
});

/** A fresh userData folder; the embedded server's data dir is its `server` folder. */
function freshUserData(): { userData: string; dataDir: string } {
  const userData = fs.mkdtempSync(path.join(work, 'user-data-'));
  return { userData, dataDir: path.join(userData, 'server') };
}

/** Starts the embedded server as the app does (serve --demo), collecting what it prints. */
async function startEmbedded(userData: string) {
  let printed = '';
  const server = await startEmbeddedServer({
    entry: path.join(ROOT, 'server/main.ts'),
    execArgv: ['--import', 'tsx'],
    userData,
    vault,
    env: { PATH: process.env.PATH, WRSAUTH_LOG_LEVEL: 'warn' },
    output: (chunk) => {
      printed += chunk.toString();
    },
  });
  started.push(server);
  const [, , options] = utilityProcess.fork.mock.calls.at(-1) as [string, string[], ForkOptions];
  return { server, env: options.env, printed: () => printed };
}

async function call(base: string, method: string, pathname: string, body?: unknown, token?: string) {
  const response = await fetch(`${base}/api/v1${pathname}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token && { authorization: `Bearer ${token}` }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

/** Every file under `dir` that holds the key, as base64 text or as raw bytes. */
function filesHolding(dir: string, keyBase64: string): string[] {
  const raw = Buffer.from(keyBase64, 'base64');
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => {
      const bytes = fs.readFileSync(file);
      return bytes.includes(keyBase64) || bytes.includes(raw);
    });
}

function sealedTotp(dataDir: string): { user_id: string; secret_sealed: string } {
  const db = new SQLite(path.join(dataDir, 'wrsauth.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT user_id, secret_sealed FROM totp_factors').get() as {
      user_id: string;
      secret_sealed: string;
    };
  } finally {
    db.close();
  }
}

// Each test starts the embedded server as a child process (tsx): slow on a busy machine, so a longer guard.
describe('the embedded server key in a real Secret Service', { timeout: 90_000 }, () => {
  it('is made once in the keychain (32 random bytes), given to the server as WRSAUTH_SECRET, and the same at the next start', async () => {
    const { userData } = freshUserData();
    const first = await startEmbedded(userData);
    const key = await keytar.getPassword(SERVICE, EMBEDDED_SERVER_KEY_ACCOUNT);

    expect(Buffer.from(key ?? '', 'base64')).toHaveLength(32);
    expect(first.env.WRSAUTH_SECRET).toBe(key);
    await first.server.stop();

    const second = await startEmbedded(userData);
    expect(second.env.WRSAUTH_SECRET).toBe(key);
    await expect(keytar.getPassword(SERVICE, EMBEDDED_SERVER_KEY_ACCOUNT)).resolves.toBe(key);
  });

  it('a copy of the data dir alone cannot open an authenticator secret the embedded server sealed', async () => {
    const { userData, dataDir } = freshUserData();
    const { server, printed } = await startEmbedded(userData);
    await vi.waitFor(() => expect(printed()).toMatch(/account manager\s+User ID: admin\s+Password: \S+/));
    const password = /account manager\s+User ID: admin\s+Password: (\S+)/.exec(printed())?.[1] as string;

    // The demo account manager signs in with the code the dev outbox got, and sets up an authenticator app.
    const login = await call(server.url, 'POST', '/auth/login', { username: 'admin', password });
    expect(login.body.status).toBe('challenge');
    const challenge = login.body.challengeId;
    expect(
      (await call(server.url, 'POST', `/auth/challenges/${challenge}/send`, { targetId: 'email' })).status,
    ).toBe(200);
    const outbox = fs.readFileSync(path.join(dataDir, DEV_OUTBOX_FILE), 'utf8').trim().split('\n');
    const code = /\b(\d{6})\b/.exec(JSON.parse(outbox.at(-1) ?? '{}').text)?.[1];
    const verified = await call(server.url, 'POST', `/auth/challenges/${challenge}/verify`, { code });
    expect(verified.status).toBe(200);
    const enrolled = await call(
      server.url,
      'POST',
      '/me/totp',
      { currentPassword: password },
      verified.body.sessionToken,
    );
    expect(enrolled.status).toBe(200);
    const secret = enrolled.body.secret as string;
    await server.stop();

    const copy = path.join(work, `copy-${randomUUID()}`);
    fs.cpSync(dataDir, copy, { recursive: true });
    const { user_id: userId, secret_sealed: sealed } = sealedTotp(copy);
    const key = (await keytar.getPassword(SERVICE, EMBEDDED_SERVER_KEY_ACCOUNT)) as string;

    // The server sealed it under the keychain's key...
    expect(new Keyring(Buffer.from(key, 'base64')).open(sealed, userId)).toBe(secret);
    // ...which no file of the copy holds; a server run on the copy alone finds no key there, and refuses to
    // make one for a database that already exists.
    expect(fs.existsSync(path.join(copy, SECRET_FILE))).toBe(false);
    expect(filesHolding(copy, key)).toEqual([]);
    expect(() => loadServerKey(copy)).toThrow(/secret\.key is gone/);
  });

  it("moves an older version's key file into the keychain once, removes it, and what was sealed under it still opens", async () => {
    const { userData, dataDir } = freshUserData();
    // An older version: the server kept its key in <data dir>/secret.key and sealed an authenticator secret.
    const oldVersion = await openServices(loadConfig({ WRSAUTH_DATA_DIR: dataDir }), {
      log: pino({ level: 'silent' }),
    });
    const user = await oldVersion.services.cli.createUser({
      username: 'ckiplock',
      password: 'frontDesk2026',
    });
    const row = await findUserById(oldVersion.db, user.id);
    const { secret } = await oldVersion.services.totp.enroll(row as NonNullable<typeof row>, CLI_CONTEXT);
    await oldVersion.close();
    const keyFile = path.join(dataDir, LEGACY_KEY_FILE);
    expect(LEGACY_KEY_FILE).toBe(SECRET_FILE);
    const oldKey = fs.readFileSync(keyFile, 'utf8').trim();

    const { server, env } = await startEmbedded(userData);

    await expect(keytar.getPassword(SERVICE, EMBEDDED_SERVER_KEY_ACCOUNT)).resolves.toBe(oldKey);
    expect(env.WRSAUTH_SECRET).toBe(oldKey);
    expect(fs.existsSync(keyFile)).toBe(false);
    expect(filesHolding(dataDir, oldKey)).toEqual([]);
    // The server opens the secret sealed under the moved key: the user confirms the app with its code.
    const signedIn = await call(server.url, 'POST', '/auth/login', {
      username: 'ckiplock',
      password: 'frontDesk2026',
    });
    expect(signedIn.body.status).toBe('authenticated');
    const confirmed = await call(
      server.url,
      'POST',
      '/me/totp/confirm',
      { code: await generate({ secret }) },
      signedIn.body.sessionToken,
    );
    expect(confirmed).toMatchObject({ status: 200, body: { status: 'confirmed' } });
    await server.stop();

    // Once: the next start finds the key in the keychain, and no file comes back.
    const again = await startEmbedded(userData);
    expect(again.env.WRSAUTH_SECRET).toBe(oldKey);
    expect(fs.existsSync(keyFile)).toBe(false);
  });
});

// Each test starts the embedded server as a child process (tsx): slow on a busy machine, so a longer guard.
describe('the embedded server key when something is off', { timeout: 90_000 }, () => {
  const KEY_A = Buffer.alloc(32, 0xa1).toString('base64');
  const KEY_B = Buffer.alloc(32, 0xb2).toString('base64');

  function dataDirWithKeyFile(content: string): string {
    const { dataDir } = freshUserData();
    fs.mkdirSync(dataDir);
    fs.writeFileSync(path.join(dataDir, LEGACY_KEY_FILE), content, { mode: 0o600 });
    return dataDir;
  }

  it('finishes a move cut short: the keychain already holds the key, so the same key file is removed', async () => {
    await keytar.setPassword(SERVICE, EMBEDDED_SERVER_KEY_ACCOUNT, KEY_A);
    const dataDir = dataDirWithKeyFile(`${KEY_A}\n`);

    await expect(embeddedServerKey(vault, dataDir)).resolves.toBe(KEY_A);
    expect(fs.existsSync(path.join(dataDir, LEGACY_KEY_FILE))).toBe(false);
  });

  it('refuses in one line, changing nothing, when an old key file differs from the key in the keychain', async () => {
    await keytar.setPassword(SERVICE, EMBEDDED_SERVER_KEY_ACCOUNT, KEY_A);
    const dataDir = dataDirWithKeyFile(`${KEY_B}\n`);

    await expect(embeddedServerKey(vault, dataDir)).rejects.toThrow(
      /^The built-in server found an old key file .*secret\.key that differs from its key in the OS keychain; nothing was changed/,
    );
    expect(fs.readFileSync(path.join(dataDir, LEGACY_KEY_FILE), 'utf8')).toBe(`${KEY_B}\n`);
    await expect(keytar.getPassword(SERVICE, EMBEDDED_SERVER_KEY_ACCOUNT)).resolves.toBe(KEY_A);
  });

  it('refuses, changing nothing, a damaged key in the keychain rather than making a new one', async () => {
    await keytar.setPassword(SERVICE, EMBEDDED_SERVER_KEY_ACCOUNT, 'not a key');
    const { dataDir } = freshUserData();

    await expect(embeddedServerKey(vault, dataDir)).rejects.toThrow(/key in the OS keychain .* is damaged/);
    await expect(keytar.getPassword(SERVICE, EMBEDDED_SERVER_KEY_ACCOUNT)).resolves.toBe('not a key');
  });

  it('refuses, keeping it, a damaged old key file rather than making a new key', async () => {
    const dataDir = dataDirWithKeyFile('not a key\n');

    await expect(embeddedServerKey(vault, dataDir)).rejects.toThrow(/old key file .* is damaged/);
    expect(fs.existsSync(path.join(dataDir, LEGACY_KEY_FILE))).toBe(true);
    await expect(keytar.getPassword(SERVICE, EMBEDDED_SERVER_KEY_ACCOUNT)).resolves.toBeNull();
  });

  it('no Secret Service on the bus (real keytar, a process of its own): refuses in one line and writes no key, leaving an old key file in place', async () => {
    const dataDir = dataDirWithKeyFile(`${KEY_A}\n`);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, 'fixtures', 'embedded-key.ts'), dataDir],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus',
        },
        timeout: 20_000,
      },
    );
    const { error } = JSON.parse(stdout) as { error?: string };

    expect(error).toMatch(
      /^The built-in server keeps its key only in the OS keychain, never on disk, so it cannot start without one\. The OS keychain is not available \(is GNOME Keyring or KWallet running\?\): .+/,
    );
    expect(error).not.toContain('\n');
    expect(fs.readdirSync(dataDir)).toEqual([LEGACY_KEY_FILE]);
    expect(fs.readFileSync(path.join(dataDir, LEGACY_KEY_FILE), 'utf8')).toBe(`${KEY_A}\n`);
  });
});
