/**
 * What the two verify server children (the subject and the floor) share: their database opened as `serve`
 * opens it, and answers to the bench's requests. The pending challenges for the verify load each get a fresh
 * code stored the way the service stores it, written through the challenge repository in one transaction:
 * minting tens of thousands through login + send would cost an argon2 hash each and trip the resend cooldown.
 */
import type { Clock } from '../server/clock';
import { addSeconds } from '../server/clock';
import type { ServerConfig } from '../server/config';
import { type Db, openSqlite } from '../server/db/database';
import { createChallenge, storeChallengeCode } from '../server/repositories/challenges';
import { MAX_ATTEMPTS } from '../server/repositories/code-flows';
import { generateCode, Keyring, loadServerKey, newSortableId } from '../server/secrets';
import { CHALLENGE_TTL_SECONDS } from '../server/services/auth';
import { onParentMessage, toParent } from './child-ipc';
import { startProcessMeter } from './process-meter';
import type { CodePair } from './protocol';

/** The database and key, opened as `serve` opens them: checkpoints in a worker, not inside measured commits. */
export async function openBenchDatabase(config: Pick<ServerConfig, 'dataDir' | 'secret'>) {
  // The key first, as the server loads it: a data dir that already holds a database never gets a new key.
  const key = loadServerKey(config.dataDir, config.secret);
  const db = await openSqlite(config.dataDir, { backgroundCheckpoints: true });
  return { db, key, keyring: new Keyring(key) };
}

export interface MintOptions {
  db: Db;
  keyring: Keyring;
  userId: string;
  /** The practice's code TTL: every minted code lives that long, as a sent one would. */
  codeTtlSeconds: number;
  now: Date;
}

export async function mintChallenges(options: MintOptions, count: number): Promise<CodePair[]> {
  const { db, keyring, userId, now } = options;
  const expiresAt = addSeconds(now, CHALLENGE_TTL_SECONDS);
  const codeExpiresAt = new Date(
    Math.min(addSeconds(now, options.codeTtlSeconds).getTime(), expiresAt.getTime()),
  );
  const pairs: CodePair[] = [];
  await db.transaction().execute(async (tx) => {
    for (let i = 0; i < count; i++) {
      const id = newSortableId(now);
      const code = generateCode();
      await createChallenge(tx, {
        id,
        user_id: userId,
        status: 'pending',
        attempts_remaining: MAX_ATTEMPTS,
        sends: 1,
        code_hmac: null,
        code_expires_at: null,
        code_channel: null,
        created_at: now.toISOString(),
        expires_at: expiresAt.toISOString(),
      });
      await storeChallengeCode(tx, id, {
        codeHmac: keyring.codeHmac(id, code),
        expiresAt: codeExpiresAt,
        channel: 'sms',
      });
      pairs.push([id, code]);
    }
  });
  return pairs;
}

/** Answers the bench's requests to a verify server child: fresh challenges, and how busy it was. */
export function answerBenchRequests(options: Omit<MintOptions, 'now'> & { clock: Clock }): void {
  const readMeter = startProcessMeter();
  onParentMessage(async (message) => {
    if (message.type === 'stats') await toParent(readMeter(message.id));
    if (message.type !== 'mint') return;
    const started = performance.now();
    const pairs = await mintChallenges({ ...options, now: options.clock.now() }, message.count);
    await toParent({ type: 'minted', id: message.id, pairs, ms: performance.now() - started });
  });
}
