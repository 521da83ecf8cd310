/**
 * Pending challenges for the verify load, each with a fresh code stored the way the service stores it,
 * written through the challenge repository in one transaction. Minting tens of thousands through login +
 * send would cost an argon2 hash each and trip the resend cooldown.
 */
import { addSeconds } from '../server/clock';
import type { Db } from '../server/db/database';
import { createChallenge, MAX_ATTEMPTS, storeCode } from '../server/repositories/challenges';
import { generateCode, type Keyring, newSortableId } from '../server/secrets';
import { CHALLENGE_TTL_SECONDS } from '../server/services/auth';
import type { CodePair } from './protocol';

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
        created_at: now.toISOString(),
        expires_at: expiresAt.toISOString(),
      });
      await storeCode(tx, id, keyring.codeHmac(id, code), codeExpiresAt);
      pairs.push([id, code]);
    }
  });
  return pairs;
}
