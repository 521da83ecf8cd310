/**
 * The embedded default: the bundled verification server in an Electron utility process, on a free loopback
 * port, with its data under userData. The app waits for GET /healthz to answer 200 before showing the
 * window, and stops the server on quit.
 *
 * The entry point is injected: at development time it is server/main.ts run through tsx
 * (`execArgv: ['--import', 'tsx']`); packaging decides the built entry later. Note that the server's
 * better-sqlite3 must be built for Electron's Node ABI to load in a utility process, so in development
 * `npm start` runs the server with the system's node and passes WRSAUTH_SERVER_URL instead.
 *
 * It is the desktop's demo: with no SMS or email provider its codes go to the dev outbox in its data dir
 * (WRSAUTH_DEV_OUTBOX=1). Its key comes from the OS keychain (embedded-server-key.ts) and reaches it as
 * WRSAUTH_SECRET in its environment: never in argv, where other local users can read it, nor in the data dir.
 */
import net from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { utilityProcess } from 'electron';
import { embeddedServerKey } from './embedded-server-key';
import type { TokenVault } from './token-vault';

/** What is used of Electron's UtilityProcess. */
export interface ServerProcess {
  readonly pid: number | undefined;
  kill(): boolean;
  once(event: 'exit', listener: (code: number) => void): unknown;
  /** With stdio 'pipe'. */
  readonly stdout?: NodeJS.ReadableStream | null;
  readonly stderr?: NodeJS.ReadableStream | null;
}

export type ForkServer = (
  entry: string,
  args: string[],
  options: {
    env: Record<string, string>;
    execArgv?: string[];
    serviceName?: string;
    stdio?: 'inherit' | 'pipe';
  },
) => ServerProcess;

export interface EmbeddedServerOptions {
  /** The server's entry module. */
  entry: string;
  args?: string[];
  execArgv?: string[];
  /** app.getPath('userData'); the server keeps its data in <userData>/server. */
  userData: string;
  /** The keychain vault of the workstation tokens, which also keeps the server's key. */
  vault: TokenVault;
  env?: Record<string, string | undefined>;
  fork?: ForkServer;
  readyTimeoutMs?: number;
  /** Receives the server's stdout and stderr (for the log file); without it they are inherited. */
  output?: (chunk: Buffer | string) => void;
}

export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

const defaultFork: ForkServer = (entry, args, options) => utilityProcess.fork(entry, args, options);

/** A port the OS has just given out on 127.0.0.1 (closed again so the server can take it). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** Where the embedded server keeps its database and dev outbox. */
export function serverDataDir(userData: string): string {
  return path.join(userData, 'server');
}

export function serverEnvironment(
  base: Record<string, string | undefined>,
  port: number,
  userData: string,
  serverKey: string,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    // The utility process is already Node; this flag must not leak into anything it starts.
    if (value !== undefined && key !== 'ELECTRON_RUN_AS_NODE') env[key] = value;
  }
  env.WRSAUTH_HOST = '127.0.0.1';
  env.WRSAUTH_PORT = String(port);
  env.WRSAUTH_DATA_DIR = serverDataDir(userData);
  env.WRSAUTH_SECRET = serverKey;
  env.WRSAUTH_DEV_OUTBOX = '1';
  return env;
}

export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  // First: without a keychain for the key nothing is started, and nothing is written.
  const serverKey = await embeddedServerKey(options.vault, serverDataDir(options.userData));
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const fork = options.fork ?? defaultFork;
  const child = fork(options.entry, options.args ?? ['serve', '--demo'], {
    env: serverEnvironment(options.env ?? process.env, port, options.userData, serverKey),
    execArgv: options.execArgv,
    serviceName: 'WRSAuth verification server',
    stdio: options.output ? 'pipe' : 'inherit',
  });
  if (options.output) {
    child.stdout?.on('data', options.output);
    child.stderr?.on('data', options.output);
  }

  let exitCode: number | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve();
    }),
  );

  const stop = async () => {
    if (exitCode !== undefined) return;
    child.kill();
    // The server closes its database on SIGTERM; give it a moment, then stop waiting.
    await Promise.race([exited, delay(5_000)]);
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`the embedded server exited with code ${exitCode} before it was ready`);
    }
    if (await healthy(url)) return { url, stop };
    await delay(100);
  }
  await stop();
  throw new Error(`the embedded server did not answer ${url}/healthz within the time allowed`);
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}
