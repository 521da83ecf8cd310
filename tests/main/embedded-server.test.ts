import { type ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EMBEDDED_SERVER_KEY_ACCOUNT } from '../../src/main/embedded-server-key';
import { UnavailableVault } from '../../src/main/token-vault';
import { utilityProcess } from './fake-electron';
import { memoryVault } from './memory-vault';

vi.mock('electron', () => import('./fake-electron'));

const { serverEnvironment, startEmbeddedServer } = await import('../../src/main/embedded-server');
type EmbeddedServer = import('../../src/main/embedded-server').EmbeddedServer;

const ROOT = path.resolve(import.meta.dirname, '../..');
const fixture = (name: string) => path.join(import.meta.dirname, 'fixtures', name);

let userData: string;
const children: ChildProcess[] = [];
const started: EmbeddedServer[] = [];

type ForkOptions = { env: Record<string, string>; execArgv?: string[] };

/** Every file under `dir`, as bytes. */
function filesUnder(dir: string): Array<{ file: string; bytes: Buffer }> {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .map((file) => ({ file, bytes: fs.readFileSync(file) }));
}

/** utilityProcess.fork, played by a Node child process (same kill/exit/pid surface). */
utilityProcess.fork.mockImplementation((entry: string, args: string[], options: ForkOptions) => {
  const child = fork(entry, args, {
    env: options.env,
    execArgv: options.execArgv ?? [],
    stdio: 'ignore',
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
  };
});

beforeAll(() => {
  userData = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-userdata-'));
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.stop()));
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  fs.rmSync(userData, { recursive: true, force: true });
});

describe('the embedded verification server', () => {
  it('starts the real server in a utility process on a free loopback port with data under userData, then stops on quit', async () => {
    const server = await startEmbeddedServer({
      entry: path.join(ROOT, 'server/main.ts'),
      execArgv: ['--import', 'tsx'],
      userData,
      vault: memoryVault(),
      env: { PATH: process.env.PATH, WRSAUTH_LOG_LEVEL: 'warn' },
    });
    started.push(server);

    const [entry, args, options] = utilityProcess.fork.mock.calls.at(-1) as [string, string[], ForkOptions];
    expect(entry).toBe(path.join(ROOT, 'server/main.ts'));
    expect(args).toEqual(['serve', '--demo']);
    expect(options.env).toMatchObject({
      WRSAUTH_HOST: '127.0.0.1',
      WRSAUTH_DATA_DIR: path.join(userData, 'server'),
    });
    expect(server.url).toBe(`http://127.0.0.1:${options.env.WRSAUTH_PORT}`);

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(fs.existsSync(path.join(userData, 'server'))).toBe(true);

    const child = children.at(-1) as ChildProcess;
    await server.stop();
    expect(child.exitCode !== null || child.signalCode !== null).toBe(true);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('runs the demo with WRSAUTH_DEV_OUTBOX=1 (it has no provider) and its key from the vault in WRSAUTH_SECRET: never in argv, never in the data dir', async () => {
    const vault = memoryVault();
    const home = fs.mkdtempSync(path.join(userData, 'key-'));
    const server = await startEmbeddedServer({
      entry: path.join(ROOT, 'server/main.ts'),
      execArgv: ['--import', 'tsx'],
      userData: home,
      vault,
      env: { PATH: process.env.PATH, WRSAUTH_LOG_LEVEL: 'warn' },
    });
    started.push(server);
    await server.stop();

    const key = vault.tokens.get(EMBEDDED_SERVER_KEY_ACCOUNT) as string;
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    const [, args, options] = utilityProcess.fork.mock.calls.at(-1) as [string, string[], ForkOptions];
    expect(options.env.WRSAUTH_SECRET).toBe(key);
    expect(options.env.WRSAUTH_DEV_OUTBOX).toBe('1');
    expect([...args, ...(options.execArgv ?? [])].join(' ')).not.toContain(key);

    const dataDir = path.join(home, 'server');
    const files = filesUnder(dataDir);
    expect(files.map((f) => path.relative(dataDir, f.file))).toContain('wrsauth.sqlite');
    expect(fs.existsSync(path.join(dataDir, 'secret.key'))).toBe(false);
    for (const { file, bytes } of files) {
      expect(bytes.includes(key), file).toBe(false);
      expect(bytes.includes(Buffer.from(key, 'base64')), file).toBe(false);
    }

    // The next start of the app uses the same key.
    started.push(
      await startEmbeddedServer({
        entry: path.join(ROOT, 'server/main.ts'),
        execArgv: ['--import', 'tsx'],
        userData: home,
        vault,
        env: { PATH: process.env.PATH, WRSAUTH_LOG_LEVEL: 'warn' },
      }),
    );
    const [, , again] = utilityProcess.fork.mock.calls.at(-1) as [string, string[], ForkOptions];
    expect(again.env.WRSAUTH_SECRET).toBe(key);
    expect(vault.tokens.size).toBe(1);
  });

  it('never passes ELECTRON_RUN_AS_NODE to the server, and overrides host, port, data dir, key and dev outbox', () => {
    const env = serverEnvironment(
      {
        ELECTRON_RUN_AS_NODE: '1',
        WRSAUTH_HOST: '0.0.0.0',
        WRSAUTH_PORT: '80',
        WRSAUTH_SECRET: 'a-key-from-the-environment',
        WRSAUTH_DEV_OUTBOX: '0',
        HOME: '/home/x',
        UNSET: undefined,
      },
      45123,
      '/users/x/WRSAuth',
      'the-keychain-key',
    );
    expect(env).toEqual({
      HOME: '/home/x',
      WRSAUTH_HOST: '127.0.0.1',
      WRSAUTH_PORT: '45123',
      WRSAUTH_DATA_DIR: path.join('/users/x/WRSAuth', 'server'),
      WRSAUTH_SECRET: 'the-keychain-key',
      WRSAUTH_DEV_OUTBOX: '1',
    });
  });

  it('refuses to start when the keychain is unavailable, saying so in one line, and writes no key anywhere', async () => {
    const home = fs.mkdtempSync(path.join(userData, 'no-keychain-'));
    const forks = utilityProcess.fork.mock.calls.length;
    const reason =
      'The OS keychain is not available (is GNOME Keyring or KWallet running?): Cannot autolaunch D-Bus without X11 $DISPLAY';

    const starting = startEmbeddedServer({
      entry: path.join(ROOT, 'server/main.ts'),
      execArgv: ['--import', 'tsx'],
      userData: home,
      vault: new UnavailableVault(reason),
      env: { PATH: process.env.PATH },
    });

    await expect(starting).rejects.toThrow(
      `The built-in server keeps its key only in the OS keychain, never on disk, so it cannot start without one. ${reason}`,
    );
    await starting.catch((error: Error) => expect(error.message).not.toContain('\n'));
    expect(utilityProcess.fork.mock.calls.length).toBe(forks);
    expect(filesUnder(home)).toEqual([]);
  });

  it('fails with the exit code when the server exits before it is healthy', async () => {
    await expect(
      startEmbeddedServer({ entry: fixture('exits-early.mjs'), userData, vault: memoryVault(), env: {} }),
    ).rejects.toThrow('the embedded server exited with code 3 before it was ready');
  });

  it('gives up, and stops the process, when /healthz never answers 200', async () => {
    await expect(
      startEmbeddedServer({
        entry: fixture('never-healthy.mjs'),
        userData,
        vault: memoryVault(),
        env: {},
        readyTimeoutMs: 800,
      }),
    ).rejects.toThrow(/did not answer http:\/\/127\.0\.0\.1:\d+\/healthz/);
    const child = children.at(-1) as ChildProcess;
    await vi.waitFor(() => expect(child.exitCode !== null || child.signalCode !== null).toBe(true));
  });
});
