/**
 * A real verification server in a child process over a throwaway SQLite data dir, for the scripts that
 * watch it from outside: the crash test kills and restarts it, the fuzzer checks it never dies. The process
 * itself is the tests' ServerProcess (no provider settings and WRSAUTH_DEV_OUTBOX=1, so codes go to the dev
 * outbox); this adds the data dir, seeding through the service layer, and reading codes from the dev outbox.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../server/config';
import { DEV_OUTBOX_FILE } from '../server/delivery/dev-outbox';
import { openServices } from '../server/runtime';
import type { Services } from '../server/services';
import type { NewUser } from '../server/services/cli-operations';
import { ServerProcess } from '../tests/cli-helpers/wrsauth-process';

export class ScratchServer {
  private process: ServerProcess | undefined;

  private constructor(
    readonly dataDir: string,
    /** Server settings on top of the data dir, host and port. */
    readonly vars: Record<string, string>,
  ) {}

  static prepare(prefix: string, vars: Record<string, string> = {}): ScratchServer {
    // No providers: the codes the scripts read come from the dev outbox, which `serve` must be told to allow.
    return new ScratchServer(fs.mkdtempSync(path.join(os.tmpdir(), `wrsauth-${prefix}-`)), {
      WRSAUTH_DEV_OUTBOX: '1',
      ...vars,
    });
  }

  /** The settings the server process runs with, for opening the same database in this process. */
  get env(): Record<string, string> {
    return { ...this.vars, WRSAUTH_DATA_DIR: this.dataDir };
  }

  /** Where the running server listens; each start picks a fresh loopback port. */
  get origin(): string {
    if (!this.process) throw new Error('the server is not started');
    return this.process.url;
  }

  get running(): boolean {
    return this.process?.running ?? false;
  }

  get state(): string {
    return this.process?.state ?? 'not started';
  }

  healthy(): Promise<boolean> {
    return this.process?.healthy() ?? Promise.resolve(false);
  }

  /** Creates users through the service layer, several at a time (each costs an argon2 hash). */
  async seed(users: NewUser[]): Promise<void> {
    await this.withServices(async (services) => {
      const queue = [...users];
      const worker = async () => {
        for (let user = queue.shift(); user; user = queue.shift()) await services.cli.createUser(user);
      };
      await Promise.all(Array.from({ length: os.availableParallelism() }, worker));
    });
  }

  /**
   * Runs `work` on this data dir's services in this process, as the admin CLI does, before the server starts
   * or while it runs (registering a client, reading what the provider serves).
   */
  async withServices<T>(work: (services: Services) => Promise<T>): Promise<T> {
    const opened = await openServices(loadConfig(this.env), { log: pino({ level: 'warn' }) });
    try {
      return await work(opened.services);
    } finally {
      await opened.close();
    }
  }

  /** Starts the server and waits until /healthz answers 200. */
  async start(): Promise<void> {
    this.process = await ServerProcess.start(this.dataDir, [], this.vars);
  }

  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    await this.process?.stop(signal);
  }

  /** POSTs JSON to the running server; answers the status and the parsed body. */
  async post(pathname: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${this.origin}${pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
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
