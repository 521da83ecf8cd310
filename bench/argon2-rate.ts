/**
 * Child process: the raw argon2id rate. `verify` from @node-rs/argon2 with the server's ARGON2_OPTIONS,
 * BENCH_HASH_CONCURRENCY at a time, with nothing else in the process: the ceiling for password logins.
 */
import { hash, verify } from '@node-rs/argon2';
import { ARGON2_OPTIONS } from '../server/password-hasher';
import { fail, onParentMessage, toParent } from './child-ipc';

const PASSWORD = 'bench-password-7';

async function main() {
  const concurrency = Number(process.env.BENCH_HASH_CONCURRENCY);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('BENCH_HASH_CONCURRENCY is not set');
  const stored = await hash(PASSWORD, ARGON2_OPTIONS);

  /** Keeps `concurrency` verifications in flight for `seconds`; counts those that finished. */
  async function measure(seconds: number) {
    const started = performance.now();
    const until = started + seconds * 1000;
    let hashes = 0;
    const lane = async () => {
      while (performance.now() < until) {
        if (!(await verify(stored, PASSWORD))) throw new Error('argon2 verify rejected its own hash');
        hashes++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    return { hashes, seconds: (performance.now() - started) / 1000 };
  }

  onParentMessage(async (message) => {
    if (message.type !== 'measure') return;
    await toParent({ type: 'argon2-rate', id: message.id, ...(await measure(message.seconds)) });
  });
  await measure(1); // warm-up
  await toParent({ type: 'ready', port: 0, hashConcurrency: concurrency, hashQueueLimit: 0 });
}

main().catch(fail);
