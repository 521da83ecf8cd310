/** argon2id with OWASP parameters, behind a bounded pool that refuses at once when its queue is full. */
import { describe, expect, it } from 'vitest';
import { HasherBusyError, PasswordHasher } from '../../server/password-hasher';

describe('PasswordHasher', () => {
  it('hashes with argon2id, m=19456 KiB, t=2, p=1, and verifies', async () => {
    const hasher = new PasswordHasher({ concurrency: 1, queueLimit: 4 });
    const hash = await hasher.hash('frontDesk2026');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(hash, 'frontDesk2026')).toBe(true);
    expect(await hasher.verify(hash, 'frontdesk2026')).toBe(false);
  });

  it('answers false, not an exception, for a malformed stored hash', async () => {
    const hasher = new PasswordHasher({ concurrency: 1, queueLimit: 1 });
    expect(await hasher.verify('not-a-hash', 'whatever1')).toBe(false);
  });

  it('refuses at once past concurrency + queue, and serves the rest', async () => {
    const hasher = new PasswordHasher({ concurrency: 2, queueLimit: 3 });
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
    const hasher = new PasswordHasher({ concurrency: 2, queueLimit: 10 });
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
});
