/**
 * A Challenge is the sign-in's second-factor flow object: a code flow (see code-flows) of the user signing
 * in, with nothing of its own beyond the user. This module inserts and reads it; code-flows moves it on
 * (a right proof: pending → used).
 */
import type { Db } from '../db/database';
import { prepared } from '../db/prepared';
import type { ChallengeRow } from '../db/schema';
import { POLICY_COLUMNS, SIGN_IN_USER_COLUMNS } from './users';

export async function createChallenge(db: Db, challenge: ChallengeRow): Promise<void> {
  await db.insertInto('challenges').values(challenge).execute();
}

/**
 * Everything a sign-in's send or verify reads, in one query: the challenge, its user with the practice's
 * policy (as findUserWithPolicy answers it), and the channel of the last message sent for it. The
 * challenge's columns come aliased, as the user's have the same names.
 */
const challengeWithUser = prepared((db, p: { id: string }) =>
  db
    .selectFrom('challenges')
    .innerJoin('users', 'users.id', 'challenges.user_id')
    .innerJoin('practices', 'practices.id', 'users.practice_id')
    .select(SIGN_IN_USER_COLUMNS)
    .select(POLICY_COLUMNS)
    .select((eb) => [
      'challenges.id as challenge_id',
      'challenges.status as challenge_status',
      'challenges.attempts_remaining as challenge_attempts_remaining',
      'challenges.sends as challenge_sends',
      'challenges.code_hmac as challenge_code_hmac',
      'challenges.code_expires_at as challenge_code_expires_at',
      'challenges.created_at as challenge_created_at',
      'challenges.expires_at as challenge_expires_at',
      eb
        .selectFrom('outbox')
        .select('outbox.channel')
        .whereRef('outbox.challenge_id', '=', 'challenges.id')
        .orderBy('outbox.id', 'desc')
        .limit(1)
        .as('last_channel'),
    ])
    .where('challenges.id', '=', p.id),
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
    challenge_created_at,
    challenge_expires_at,
    last_channel,
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
    created_at: challenge_created_at,
    expires_at: challenge_expires_at,
  };
  return { challenge, user, lastChannel: last_channel ?? undefined };
}
