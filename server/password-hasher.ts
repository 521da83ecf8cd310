/**
 * argon2id (OWASP: m=19456 KiB, t=2, p=1) behind a bounded pool: at most `concurrency` hashes run at once
 * and at most `queueLimit` wait. Past that the caller gets HasherBusyError at once, which the routes turn
 * into a 503, rather than letting a login flood pile up memory and latency. The hashes run on threads below
 * the event loop's priority (argon2-threads.ts).
 */
import { Argon2Threads } from './argon2-threads';

export const ARGON2_OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export class HasherBusyError extends Error {
  constructor() {
    super('password hashing queue is full');
  }
}

export interface PasswordHasherOptions {
  concurrency: number;
  queueLimit: number;
}

export class PasswordHasher {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  /** Counts every argon2 computation; tests use it to prove unknown users cost the same as known ones. */
  computations = 0;
  private dummyHash: Promise<string> | undefined;
  readonly threads: Argon2Threads;

  constructor(private readonly options: PasswordHasherOptions) {
    this.threads = new Argon2Threads(options.concurrency);
  }

  /** argon2 computations running now. */
  get active(): number {
    return this.running;
  }

  get queueDepth(): number {
    return this.waiting.length;
  }

  /** True when one more hash would be refused: callers can answer 503 before doing any other work. */
  get saturated(): boolean {
    return this.running >= this.options.concurrency && this.waiting.length >= this.options.queueLimit;
  }

  hash(password: string): Promise<string> {
    return this.run(() => this.threads.hash(password, ARGON2_OPTIONS));
  }

  /** False for a malformed stored hash too: a bad row must not turn into a 500 or a sign-in. */
  verify(storedHash: string, password: string): Promise<boolean> {
    return this.run(() => this.threads.verify(storedHash, password).catch(() => false));
  }

  /** Computes the dummy hash once at start-up, so the first unknown-user login is not slower than others. */
  async prepare(): Promise<void> {
    this.dummyHash ??= this.threads.hash(`wrsauth-dummy-${Math.random()}`, ARGON2_OPTIONS);
    await this.dummyHash;
  }

  /** Spends the same work as a real check, for a user that does not exist. Always false. */
  async verifyAgainstDummy(password: string): Promise<false> {
    await this.prepare();
    await this.verify(await (this.dummyHash as Promise<string>), password);
    return false;
  }

  /** Stops the hashing threads; a later hash starts them again. */
  close(): Promise<void> {
    return this.threads.close();
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.options.concurrency) {
      if (this.waiting.length >= this.options.queueLimit) throw new HasherBusyError();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      this.computations++;
      return await work();
    } finally {
      // Hand the slot straight to the next waiter, so `running` never dips and lets a newcomer jump the queue.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
