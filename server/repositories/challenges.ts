/**
 * A Challenge is the sign-in's second-factor flow object: a code flow (see code-flows) of the user signing
 * in, with nothing of its own beyond the user. This module inserts and reads it; code-flows moves it on.
 */
import type { Db } from '../db/database';
import type { ChallengeRow } from '../db/schema';
import { advanceFlow } from './code-flows';

export async function createChallenge(db: Db, challenge: ChallengeRow): Promise<void> {
  await db.insertInto('challenges').values(challenge).execute();
}

export function findChallenge(db: Db, id: string) {
  return db.selectFrom('challenges').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * pending → used by a right proof (see code-flows advanceFlow): for a sent code only while the challenge still holds it;
 * factors that send nothing pass no `codeHmac`, and any code sent for the challenge stops working too.
 */
export const consumeChallenge = (db: Db, id: string, now: Date, codeHmac?: string): Promise<boolean> =>
  advanceFlow(db, 'challenges', id, { to: 'used', codeHmac, now });
