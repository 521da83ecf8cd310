/**
 * A real verification server in a child process (`node --import tsx server/main.ts`) on a free loopback port
 * and a throwaway SQLite data dir, for the scripts that must watch it from outside: the crash test kills it,
 * the fuzzer checks it never dies. Providers are stripped from the environment, so codes go to the dev outbox.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../server/config';
import { DEV_OUTBOX_FILE } from '../server/delivery/dev-outbox';
import { openServices } from '../server/runtime';
import type { NewUser } from '../server/services/admin';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const HEALTH_DEADLINE_MS = 30_000;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

export class ServerProcess {
  readonly origin: string;
  private child: ChildProcess | undefined;

  private constructor(
    readonly dataDir: string,
    readonly env: NodeJS.ProcessEnv,
  ) {
    this.origin = `http://127.0.0.1:${env.WRSAUTH_PORT}`;
  }

  /** A fresh data dir and port; `extraEnv` adds server settings. Nothing runs until start(). */
  static async prepare(prefix: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `wrsauth-${prefix}-`));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      WRSAUTH_DATA_DIR: dataDir,
      WRSAUTH_HOST: '127.0.0.1',
      WRSAUTH_PORT: String(await freePort()),
      ...extraEnv,
    };
    // Configured providers would send real messages: these runs use the dev outbox only.
    for (const name of Object.keys(env)) {
      if (/^(TWILIO_|WRSAUTH_SMTP|WRSAUTH_DATABASE_URL)/.test(name)) delete env[name];
    }
    return new ServerProcess(dataDir, env);
  }

  /** Creates users through the service layer, several at a time (each costs an argon2 hash). */
  async seed(users: NewUser[]): Promise<void> {
    const opened = await openServices(loadConfig(this.env), { log: pino({ level: 'warn' }) });
    try {
      const queue = [...users];
      const worker = async () => {
        for (let user = queue.shift(); user; user = queue.shift())
          await opened.services.admin.createUser(user);
      };
      await Promise.all(Array.from({ length: os.availableParallelism() }, worker));
    } finally {
      await opened.close();
    }
  }

  /** Starts the server and waits until /healthz answers 200; its output goes to server.log in the data dir. */
  async start(): Promise<void> {
    const log = fs.openSync(path.join(this.dataDir, 'server.log'), 'a');
    this.child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'server/main.ts')], {
      cwd: REPO_ROOT,
      env: this.env,
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    const deadline = Date.now() + HEALTH_DEADLINE_MS;
    while (Date.now() < deadline) {
      if (await this.healthy()) return;
      if (!this.alive) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the server did not answer /healthz; see ${path.join(this.dataDir, 'server.log')}`);
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** How the process ended, for a report: "running", "exit code 1", "signal SIGKILL". */
  get state(): string {
    if (!this.child) return 'not started';
    if (this.alive) return 'running';
    return this.child.signalCode ? `signal ${this.child.signalCode}` : `exit code ${this.child.exitCode}`;
  }

  healthy(): Promise<boolean> {
    return fetch(`${this.origin}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
  }

  /** Ends the process with the signal and waits for it to be gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }

  /** The code last sent to this address in the dev outbox; lines cut short by a kill are skipped. */
  codeSentTo(address: string): string | undefined {
    let code: string | undefined;
    for (const line of fs.readFileSync(path.join(this.dataDir, DEV_OUTBOX_FILE), 'utf8').split('\n')) {
      try {
        const entry = JSON.parse(line) as { to?: string; text?: string };
        if (entry.to === address) code = /\b(\d{6})\b/.exec(entry.text ?? '')?.[1] ?? code;
      } catch {}
    }
    return code;
  }

  remove(): void {
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
