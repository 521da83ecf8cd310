/**
 * The bench's side of its child processes: every child runs as `node --import tsx bench/<script>.ts` with an
 * IPC channel, logs to a file, and is killed when the bench ends, however it ends.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ParentMessage } from './protocol';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(BENCH_DIR, '..');

const running = new Set<ChildProcess>();
const started = new Set<BenchChild>();
// The last resort, for any way out that skipped stopAllChildren (an uncaught error, process.exit).
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

type WithoutId<M> = M extends unknown ? Omit<M, 'id'> : never;

type Waiter = {
  accepts: (message: ChildMessage) => boolean;
  resolve: (message: ChildMessage) => void;
  reject: (error: Error) => void;
};

export interface ChildOptions {
  env: Record<string, string>;
  logFile: string;
  /** Where `--cpu-prof` writes profiles; unset means no profiling. */
  cpuProfileDir?: string;
}

export class BenchChild {
  private readonly waiters = new Set<Waiter>();
  private readonly unclaimed: ChildMessage[] = [];
  private exited: Promise<void>;
  private ended = false;
  private nextId = 1;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    private readonly logFile: string,
  ) {
    running.add(child);
    started.add(this);
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        running.delete(child);
        this.ended = true;
        this.rejectAll(new Error(`${name} exited (${signal ?? `code ${code}`})${this.logTail()}`));
        resolve();
      });
    });
    child.on('message', (raw) => this.receive(raw as ChildMessage));
  }

  static start(script: string, options: ChildOptions): BenchChild {
    const log = fs.openSync(options.logFile, 'a');
    const profiling = options.cpuProfileDir
      ? // One folder per child: the tsx loader thread writes a profile of its own beside the main thread's.
        ['--cpu-prof', `--cpu-prof-dir=${path.join(options.cpuProfileDir, path.basename(script, '.ts'))}`]
      : [];
    const child = spawn(process.execPath, [...profiling, '--import', 'tsx', path.join(BENCH_DIR, script)], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', log, log, 'ipc'],
    });
    fs.closeSync(log);
    return new BenchChild(script, child, options.logFile);
  }

  /** The next message of this type (and id, when given) from the child. */
  waitFor<T extends ChildMessage['type']>(
    type: T,
    timeoutMs: number,
    id?: number,
  ): Promise<Extract<ChildMessage, { type: T }>> {
    const accepts = (m: ChildMessage) => m.type === type && (id === undefined || ('id' in m && m.id === id));
    const index = this.unclaimed.findIndex(accepts);
    if (index >= 0) {
      const [message] = this.unclaimed.splice(index, 1);
      return Promise.resolve(message as Extract<ChildMessage, { type: T }>);
    }
    if (this.ended) return Promise.reject(new Error(`${this.name} has already exited${this.logTail()}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`${this.name} sent no "${type}" within ${timeoutMs} ms${this.logTail()}`));
      }, timeoutMs);
      const waiter: Waiter = {
        accepts,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<ChildMessage, { type: T }>);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** Sends a request that carries a fresh id, and waits for the reply with that id. */
  ask<T extends ChildMessage['type']>(request: WithoutId<ParentMessage>, replyType: T, timeoutMs: number) {
    const id = this.nextId++;
    const reply = this.waitFor(replyType, timeoutMs, id);
    this.child.send({ ...request, id });
    return reply;
  }

  /** SIGTERM (the child exits cleanly, so a CPU profile gets written), then SIGKILL after a grace period. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.ended) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private receive(message: ChildMessage) {
    if (message.type === 'failed') {
      this.rejectAll(new Error(`${this.name} failed: ${message.message}`));
      return;
    }
    for (const waiter of this.waiters) {
      if (waiter.accepts(message)) {
        this.waiters.delete(waiter);
        waiter.resolve(message);
        return;
      }
    }
    this.unclaimed.push(message);
  }

  private rejectAll(error: Error) {
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters.clear();
  }

  private logTail(): string {
    try {
      const lines = fs.readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-15);
      return lines.length && lines[0] ? `\n--- last lines of ${this.logFile} ---\n${lines.join('\n')}` : '';
    } catch {
      return '';
    }
  }
}

/** Stops every child the bench started that is still running, in parallel. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...started].map((child) => child.stop()));
}
