/**
 * Runs the real admin CLI and the real server (`node --import tsx server/main.ts ...`) over a temp data dir,
 * and opens the data dir's SQLite file directly, so tests check effects where they land.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const SQLITE_FILE = 'wrsauth.sqlite';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function makeDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-cli-test-'));
}

export function removeDataDir(dir: string | undefined): void {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

/** The test runner's environment without any WRSAuth or Twilio setting, plus the given ones. */
function childEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(WRSAUTH_|TWILIO_)/.test(key)) env[key] = value;
  }
  return { ...env, ...vars };
}

function spawnMain(args: string[], vars: Record<string, string>, input?: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: childEnv(vars),
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  child.stdin?.end(input);
  return child;
}

/**
 * One CLI run to completion. With `timeoutMs`, a run still going by then is killed (SIGKILL, so its code is
 * null): for a command that must exit, such as a `serve` that has to refuse to start. `input` is its
 * standard input (else none).
 */
export function runCli(
  args: string[],
  vars: Record<string, string>,
  timeoutMs?: number,
  input?: string,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnMain(args, vars, input);
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Runs the CLI against a data dir, with no provider and without WRSAUTH_DEV_OUTBOX: admin commands send no
 * code, so they must work without either.
 */
export function runAdmin(dataDir: string, args: string[]): Promise<CliResult> {
  return runCli(args, { WRSAUTH_DATA_DIR: dataDir });
}

/** A port nothing listens on right now, picked by the OS. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** A running `server/main.ts` process on 127.0.0.1, with everything it printed so far. */
export class ServerProcess {
  stdout = '';
  stderr = '';
  private exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => {
      this.stdout += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    this.exited = new Promise((resolve) => {
      child.on('close', (code) => {
        this.exitCode = code;
        resolve(code);
      });
    });
  }

  /**
   * Starts the server and waits until GET /healthz answers 200; else stops it and throws with its output.
   * `vars` adds settings (a database URL, a secret, providers) to the data dir, host and port. With no
   * providers, codes go to the dev outbox, which `serve` allows only under WRSAUTH_DEV_OUTBOX=1: set here
   * unless `vars` says otherwise.
   */
  static async start(
    dataDir: string,
    args: string[] = [],
    vars: Record<string, string> = {},
  ): Promise<ServerProcess> {
    const port = await freePort();
    const child = spawnMain(args, {
      WRSAUTH_DEV_OUTBOX: '1',
      ...vars,
      WRSAUTH_DATA_DIR: dataDir,
      WRSAUTH_HOST: '127.0.0.1',
      WRSAUTH_PORT: String(port),
    });
    const server = new ServerProcess(child, `http://127.0.0.1:${port}`);
    try {
      await server.waitUntilHealthy();
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  private async waitUntilHealthy(): Promise<void> {
    // A bound below vitest's hook timeout, so a server that never gets healthy is stopped, not leaked.
    const giveUpAt = Date.now() + 25_000;
    for (;;) {
      if (Date.now() > giveUpAt) {
        throw new Error(`server did not answer /healthz\nstdout: ${this.stdout}\nstderr: ${this.stderr}`);
      }
      if (this.exitCode !== undefined) {
        throw new Error(
          `server exited with ${this.exitCode} before it was healthy\nstdout: ${this.stdout}\nstderr: ${this.stderr}`,
        );
      }
      if (await this.healthy()) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** True until the process has exited. */
  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** How the process stands, for a report: "running", "exit code 1" or "killed by SIGKILL". */
  get state(): string {
    if (this.running) return 'running';
    return this.child.signalCode ? `killed by ${this.child.signalCode}` : `exit code ${this.exitCode}`;
  }

  async healthy(): Promise<boolean> {
    return fetch(`${this.url}/healthz`).then(
      (response) => response.status === 200,
      () => false,
    );
  }

  /**
   * SIGTERM, then wait for the process to exit (it flushes its log lines on the way out). SIGKILL ends it at
   * once, as a crash would.
   */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<number | null> {
    if (this.exitCode === undefined) {
      this.child.kill(signal);
      const forced = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(forced);
    }
    return this.exitCode ?? null;
  }

  /** Every output line (stdout and stderr) that parses as JSON: the server's log lines. */
  jsonLogLines(): Array<{ raw: string; entry: Record<string, unknown> }> {
    const lines: Array<{ raw: string; entry: Record<string, unknown> }> = [];
    for (const raw of `${this.stdout}\n${this.stderr}`.split('\n')) {
      try {
        const entry: unknown = JSON.parse(raw);
        if (entry && typeof entry === 'object') lines.push({ raw, entry: entry as Record<string, unknown> });
      } catch {
        // Not a log line: e.g. the demo credentials banner.
      }
    }
    return lines;
  }
}

export interface LoginAnswer {
  status: number;
  body: Record<string, unknown>;
}

export async function login(baseUrl: string, username: string, password: string): Promise<LoginAnswer> {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Runs `read` on a read-only connection to the data dir's database, then closes it. */
export function readDb<T>(dataDir: string, read: (db: SQLite.Database) => T): T {
  const db = new SQLite(path.join(dataDir, SQLITE_FILE), { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** Runs `write` on a writable connection, for setting up states the CLI cannot make (locks, devices). */
export function writeDb<T>(dataDir: string, write: (db: SQLite.Database) => T): T {
  const db = new SQLite(path.join(dataDir, SQLITE_FILE), { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  try {
    return write(db);
  } finally {
    db.close();
  }
}

/** The database file plus its WAL, as bytes: for checking a secret is not stored anywhere in them. */
export function databaseBytes(dataDir: string): Buffer {
  const files = [SQLITE_FILE, `${SQLITE_FILE}-wal`].map((name) => path.join(dataDir, name));
  return Buffer.concat(files.filter((file) => fs.existsSync(file)).map((file) => fs.readFileSync(file)));
}
