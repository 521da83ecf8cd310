/** argon2id with OWASP parameters, behind a bounded pool that refuses at once when its queue is full. */
import fs from 'node:fs';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { ARGON2_THREAD_NICE } from '../../server/argon2-threads';
import { HasherBusyError, PasswordHasher } from '../../server/password-hasher';

const hashers: PasswordHasher[] = [];
afterEach(async () => {
  await Promise.all(hashers.splice(0).map((hasher) => hasher.close()));
});

/** A hasher that the test's end stops. */
function hasherOf(concurrency: number, queueLimit: number): PasswordHasher {
  const hasher = new PasswordHasher({ concurrency, queueLimit });
  hashers.push(hasher);
  return hasher;
}

/** A thread's nice value: field 19 of /proc/self/task/<tid>/stat (after the parenthesised name). */
function niceOf(threadId: number): number {
  const stat = fs.readFileSync(`/proc/self/task/${threadId}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

describe('PasswordHasher', () => {
  it('hashes with argon2id, m=19456 KiB, t=2, p=1, and verifies', async () => {
    const hasher = hasherOf(1, 4);
    const hash = await hasher.hash('frontDesk2026');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(hash, 'frontDesk2026')).toBe(true);
    expect(await hasher.verify(hash, 'frontdesk2026')).toBe(false);
  });

  it('answers false, not an exception, for a malformed stored hash', async () => {
    const hasher = hasherOf(1, 1);
    expect(await hasher.verify('not-a-hash', 'whatever1')).toBe(false);
  });

  it('refuses at once past concurrency + queue, and serves the rest', async () => {
    const hasher = hasherOf(2, 3);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => hasher.hash(`password${i}`)),
    );
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(3);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(HasherBusyError);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(hasher.queueDepth).toBe(0);
  });

  it('never runs more than `concurrency` hashes at once', async () => {
    const hasher = hasherOf(2, 10);
    let running = 0;
    let peak = 0;
    const work = Array.from({ length: 6 }, () =>
      // Exercise the pool's private scheduler with an observable job.
      (hasher as unknown as { run<T>(job: () => Promise<T>): Promise<T> }).run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
      }),
    );
    await Promise.all(work);
    expect(peak).toBe(2);
  });

  // Linux only: elsewhere there is no per-thread priority to lower, and the threads run at normal priority.
  it.runIf(os.platform() === 'linux')(
    'hashes on threads below the event loop priority, so a login flood cannot slow code checks',
    async () => {
      const hasher = hasherOf(2, 4);
      await Promise.all([hasher.hash('password1'), hasher.hash('password2')]);
      const threadIds = await hasher.threads.threadIds();
      expect(threadIds).toHaveLength(2);
      for (const threadId of threadIds) {
        expect(threadId).not.toBe(process.pid);
        expect(niceOf(threadId as number)).toBe(ARGON2_THREAD_NICE);
      }
      expect(os.getPriority()).toBe(0);
    },
  );

  it('starts a fresh thread after one is stopped, and the hashes still verify', async () => {
    const hasher = hasherOf(1, 1);
    const first = await hasher.hash('frontDesk2026');
    await hasher.close();
    expect(await hasher.verify(first, 'frontDesk2026')).toBe(true);
  });
});
