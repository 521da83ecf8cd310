/**
 * A Challenge is the sign-in's second-factor flow object: a code flow (see code-flows) of the user signing
 * in, with nothing of its own beyond the user and the channel its current code went by. This module inserts,
 * reads and keeps its codes; code-flows moves it on (a right proof: pending → used).
 */
import type { Channel } from '../../src/shared/api';
import type { Db } from '../db/database';
import { prepared } from '../db/prepared';
import type { ChallengeRow } from '../db/schema';
import { storeCode } from './code-flows';
import { POLICY_COLUMNS, SIGN_IN_USER_COLUMNS } from './users';

export async function createChallenge(db: Db, challenge: ChallengeRow): Promise<void> {
  await db.insertInto('challenges').values(challenge).execute();
}

/**
 * Everything a sign-in's send or verify reads, in one query: the challenge (with where its current code went)
 * and its user with the practice's policy, as findUserWithPolicy answers them. The challenge's columns come
 * aliased, as the user's have the same names.
 */
const challengeWithUser = prepared((db, p: { id: string }) =>
  db
    .selectFrom('challenges')
    .innerJoin('users', 'users.id', 'challenges.user_id')
    .innerJoin('practices', 'practices.id', 'users.practice_id')
    .select(SIGN_IN_USER_COLUMNS)
    .select(POLICY_COLUMNS)
    .select([
      'challenges.id as challenge_id',
      'challenges.status as challenge_status',
      'challenges.attempts_remaining as challenge_attempts_remaining',
      'challenges.sends as challenge_sends',
      'challenges.code_hmac as challenge_code_hmac',
      'challenges.code_expires_at as challenge_code_expires_at',
      'challenges.code_channel as challenge_code_channel',
      'challenges.created_at as challenge_created_at',
      'challenges.expires_at as challenge_expires_at',
    ])
    // `in`, not `=`: a join compared to a bound value with `=` is planned again on every run (see prepared).
    .where('challenges.id', 'in', [p.id]),
);

export async function findChallengeWithUser(db: Db, id: string) {
  const row = await challengeWithUser.first(db, { id });
  if (!row) return undefined;
  const {
    challenge_id,
    challenge_status,
    challenge_attempts_remaining,
    challenge_sends,
    challenge_code_hmac,
    challenge_code_expires_at,
    challenge_code_channel,
    challenge_created_at,
    challenge_expires_at,
    ...user
  } = row;
  const challenge: ChallengeRow = {
    id: challenge_id,
    user_id: user.id,
    status: challenge_status,
    attempts_remaining: challenge_attempts_remaining,
    sends: challenge_sends,
    code_hmac: challenge_code_hmac,
    code_expires_at: challenge_code_expires_at,
    code_channel: challenge_code_channel,
    created_at: challenge_created_at,
    expires_at: challenge_expires_at,
  };
  return { challenge, user };
}

/** Keeps a sign-in's new code: its HMAC and where it went, together (see storeCode). */
export function storeChallengeCode(
  db: Db,
  id: string,
  code: { codeHmac: string; expiresAt: Date; channel: Channel },
): Promise<void> {
  return storeCode(db, 'challenges', id, code, { also: { code_channel: code.channel } });
}
