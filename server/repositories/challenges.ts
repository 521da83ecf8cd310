/**
 * A Challenge is the second-factor flow object: an id, an expiry, a state, the attempts it has left and the
 * HMAC of its latest code. Every change that guards against guessing is one conditional UPDATE, so parallel
 * requests (or several server instances) cannot get more than their share.
 */
import type { Db } from '../db/database';
import type { ChallengeRow } from '../db/schema';

export const MAX_ATTEMPTS = 5;
export const MAX_SENDS = 5;

export async function createChallenge(db: Db, challenge: ChallengeRow): Promise<void> {
  await db.insertInto('challenges').values(challenge).execute();
}

export function findChallenge(db: Db, id: string) {
  return db.selectFrom('challenges').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The tables of flows that hold a one-time code: sign-in challenges, password resets, contact changes. */
export type CodeFlowTable = 'challenges' | 'password_resets' | 'contact_changes';

/** Takes one of the flow's sends; undefined once all are used or the flow is over. */
export function takeSend(db: Db, id: string, now: Date, table: CodeFlowTable = 'challenges') {
  return db
    .updateTable(table)
    .set((eb) => ({ sends: eb('sends', '+', 1) }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('sends', '<', MAX_SENDS)
    .where('expires_at', '>', now.toISOString())
    .returning('sends')
    .executeTakeFirst();
}

/** Replaces the flow's code: earlier codes stop working. */
export async function storeCode(
  db: Db,
  id: string,
  codeHmac: string,
  codeExpiresAt: Date,
  table: CodeFlowTable = 'challenges',
): Promise<void> {
  await db
    .updateTable(table)
    .set({ code_hmac: codeHmac, code_expires_at: codeExpiresAt.toISOString() })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/** Spends one attempt; undefined when none was left. */
export function spendAttempt(db: Db, id: string, table: CodeFlowTable = 'challenges') {
  return db
    .updateTable(table)
    .set((eb) => ({ attempts_remaining: eb('attempts_remaining', '-', 1) }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('attempts_remaining', '>', 0)
    .returning('attempts_remaining')
    .executeTakeFirst();
}

/**
 * Uses the challenge up, only if it is still pending and has attempts left, and, for a sent code, still holds
 * the code that was checked. Exactly one of several parallel right answers wins. Factors that send nothing
 * (authenticator app, recovery code) pass no `codeHmac`; any code sent for the challenge stops working too.
 */
export async function consumeChallenge(db: Db, id: string, codeHmac?: string): Promise<boolean> {
  let update = db
    .updateTable('challenges')
    .set({ status: 'used', code_hmac: null })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('attempts_remaining', '>', 0);
  if (codeHmac !== undefined) update = update.where('code_hmac', '=', codeHmac);
  const row = await update.returning('id').executeTakeFirst();
  return row !== undefined;
}
