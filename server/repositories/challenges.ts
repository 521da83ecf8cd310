/**
 * A Challenge is the sign-in's second-factor flow object: a code flow (see code-flows) of the user signing
 * in, with nothing of its own beyond the user. This module inserts and reads it; code-flows moves it on
 * (a right proof: pending → used).
 */
import type { Db } from '../db/database';
import { prepared } from '../db/prepared';
import type { ChallengeRow } from '../db/schema';

export async function createChallenge(db: Db, challenge: ChallengeRow): Promise<void> {
  await db.insertInto('challenges').values(challenge).execute();
}

/** Every verify reads its challenge first: built once (see prepared). */
const challengeById = prepared((db, p: { id: string }) =>
  db.selectFrom('challenges').selectAll().where('id', '=', p.id),
);

export function findChallenge(db: Db, id: string) {
  return challengeById.first(db, { id });
}
