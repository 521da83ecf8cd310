/**
 * argon2id on worker threads of its own, below the event loop's priority. A login flood then gets only the
 * CPU the event loop leaves over: code checks and every other request answer about as fast during the
 * flood as without it, while logins still use every idle cycle. Linux lowers one thread's priority through
 * setpriority on its thread id (what `os.setPriority` calls); where that fails the threads run at normal
 * priority, as the libuv pool would.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Nice value of the hashing threads: CFS gives the event loop about 9 in 10 of a contended core. */
export const ARGON2_THREAD_NICE = 10;

const THREAD_SOURCE = `
const fs = require('node:fs');
const os = require('node:os');
const { parentPort, workerData } = require('node:worker_threads');
const argon2 = require(workerData.argon2);
let threadId = null;
try {
  threadId = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
  os.setPriority(threadId, workerData.nice);
} catch {}
parentPort.postMessage({ started: true, threadId });
parentPort.on('message', ({ id, password, storedHash, options }) => {
  try {
    const result = storedHash === undefined ? argon2.hashSync(password, options) : argon2.verifySync(storedHash, password);
    parentPort.postMessage({ id, result });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});
`;

type Job = { password: string; storedHash?: string; options?: object };
type Reply = { id: number; result?: string | boolean; error?: string };
type Pending = { resolve: (value: string | boolean) => void; reject: (error: Error) => void };

/** One worker thread, started on first use and again after it dies. */
class Argon2Thread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** The OS thread id, once the thread has started (Linux only; null elsewhere). */
  threadId: Promise<number | null> | undefined;

  constructor(private readonly argon2Path: string) {}

  get load(): number {
    return this.pending.size;
  }

  run(job: Job): Promise<string | boolean> {
    const worker = this.start();
    const id = this.nextId++;
    // Referenced only while it has work, so an idle pool never keeps a process (the CLI) alive.
    worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...job });
    });
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: { argon2: this.argon2Path, nice: ARGON2_THREAD_NICE },
    });
    worker.unref();
    this.threadId = new Promise((resolve) => {
      worker.once('message', (message: { threadId: number | null }) => resolve(message.threadId));
      worker.once('exit', () => resolve(null));
    });
    worker.on('message', (message: Reply | { started: true }) => {
      if (!('id' in message)) return;
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (this.pending.size === 0) worker.unref();
      if (message.error !== undefined) waiting?.reject(new Error(message.error));
      else if (message.result !== undefined) waiting?.resolve(message.result);
    });
    const failAll = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`the argon2 thread exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }
}

/** `size` hashing threads; each job goes to the least busy one. */
export class Argon2Threads {
  private readonly threads: Argon2Thread[];

  constructor(size: number) {
    const argon2Path = createRequire(import.meta.url).resolve('@node-rs/argon2');
    this.threads = Array.from({ length: size }, () => new Argon2Thread(argon2Path));
  }

  async hash(password: string, options: object): Promise<string> {
    return String(await this.leastBusy().run({ password, options }));
  }

  /** Rejects for a malformed stored hash, as @node-rs/argon2 does. */
  async verify(storedHash: string, password: string): Promise<boolean> {
    return (await this.leastBusy().run({ password, storedHash })) === true;
  }

  /** The OS thread ids of the threads started so far (null where the platform has none to give). */
  threadIds(): Promise<Array<number | null>> {
    return Promise.all(this.threads.flatMap((thread) => (thread.threadId ? [thread.threadId] : [])));
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.stop()));
  }

  private leastBusy(): Argon2Thread {
    return this.threads.reduce((best, thread) => (thread.load < best.load ? thread : best));
  }
}
