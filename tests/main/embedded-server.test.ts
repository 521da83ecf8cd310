import { type ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { utilityProcess } from './fake-electron';

vi.mock('electron', () => import('./fake-electron'));

const { serverEnvironment, startEmbeddedServer } = await import('../../src/main/embedded-server');
type EmbeddedServer = import('../../src/main/embedded-server').EmbeddedServer;

const ROOT = path.resolve(import.meta.dirname, '../..');
const fixture = (name: string) => path.join(import.meta.dirname, 'fixtures', name);

let userData: string;
const children: ChildProcess[] = [];
const started: EmbeddedServer[] = [];

type ForkOptions = { env: Record<string, string>; execArgv?: string[] };

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

  it('never passes ELECTRON_RUN_AS_NODE to the server, and overrides host, port and data dir', () => {
    const env = serverEnvironment(
      {
        ELECTRON_RUN_AS_NODE: '1',
        WRSAUTH_HOST: '0.0.0.0',
        WRSAUTH_PORT: '80',
        HOME: '/home/x',
        UNSET: undefined,
      },
      45123,
      '/users/x/WRSAuth',
    );
    expect(env).toEqual({
      HOME: '/home/x',
      WRSAUTH_HOST: '127.0.0.1',
      WRSAUTH_PORT: '45123',
      WRSAUTH_DATA_DIR: path.join('/users/x/WRSAuth', 'server'),
    });
  });

  it('fails with the exit code when the server exits before it is healthy', async () => {
    await expect(
      startEmbeddedServer({ entry: fixture('exits-early.mjs'), userData, env: {} }),
    ).rejects.toThrow('the embedded server exited with code 3 before it was ready');
  });

  it('gives up, and stops the process, when /healthz never answers 200', async () => {
    await expect(
      startEmbeddedServer({ entry: fixture('never-healthy.mjs'), userData, env: {}, readyTimeoutMs: 800 }),
    ).rejects.toThrow(/did not answer http:\/\/127\.0\.0\.1:\d+\/healthz/);
    const child = children.at(-1) as ChildProcess;
    await vi.waitFor(() => expect(child.exitCode !== null || child.signalCode !== null).toBe(true));
  });
});
