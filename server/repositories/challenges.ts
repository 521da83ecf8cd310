/**
 * A Challenge is the sign-in's second-factor flow object: a code flow (see code-flows) of the user signing
 * in, with nothing of its own beyond the user. This module inserts and reads it; code-flows moves it on
 * (a right proof: pending → used).
 */
import type { Db } from '../db/database';
import type { ChallengeRow } from '../db/schema';

export async function createChallenge(db: Db, challenge: ChallengeRow): Promise<void> {
  await db.insertInto('challenges').values(challenge).execute();
}

export function findChallenge(db: Db, id: string) {
  return db.selectFrom('challenges').selectAll().where('id', '=', id).executeTakeFirst();
}
