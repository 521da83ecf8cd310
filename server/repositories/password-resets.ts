/**
 * Password resets, guarded like sign-in challenges: every change that limits guessing or moves the reset on
 * is one conditional UPDATE, so parallel requests or several instances cannot get more than their share.
 */
import type { Db } from '../db/database';
import type { PasswordResetTable } from '../db/schema';
import { MAX_ATTEMPTS, spendAttempt, takeSend } from './challenges';

export async function insertReset(db: Db, reset: PasswordResetTable): Promise<void> {
  await db.insertInto('password_resets').values(reset).execute();
}

export function findReset(db: Db, id: string) {
  return db.selectFrom('password_resets').selectAll().where('id', '=', id).executeTakeFirst();
}

export const takeResetSend = async (db: Db, id: string, now: Date): Promise<boolean> =>
  (await takeSend(db, id, now, 'password_resets')) !== undefined;

/**
 * Replaces the reset's code (earlier codes stop working) with one sent to `target`, or, for a decoy's send,
 * with none (`codeHmac` and `target` null) that still expires like a real one. Only while the reset is at
 * the step the send was made for (`firstFactor` as it was then): a send that lands after a proof is dropped.
 */
export async function storeResetCode(
  db: Db,
  id: string,
  code: { codeHmac: string | null; expiresAt: Date; target: string | null },
  firstFactor: string | null,
): Promise<void> {
  await db
    .updateTable('password_resets')
    .set({
      code_hmac: code.codeHmac,
      code_expires_at: code.expiresAt.toISOString(),
      code_target: code.target,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('first_factor', firstFactor === null ? 'is' : '=', firstFactor)
    .execute();
}

export const spendResetAttempt = (db: Db, id: string) => spendAttempt(db, id, 'password_resets');

/** The proof a reset holds so far: none yet (`null`), or the factor the first code proved. */
type FirstFactor = string | null;

/** Which pending reset a proof may move on: at this step, with attempts left, still holding the checked code. */
function pendingAt(db: Db, id: string, firstFactor: FirstFactor, codeHmac: string | undefined) {
  let update = db
    .updateTable('password_resets')
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('attempts_remaining', '>', 0)
    .where('first_factor', firstFactor === null ? 'is' : '=', firstFactor);
  if (codeHmac !== undefined) update = update.where('code_hmac', '=', codeHmac);
  return update;
}

/**
 * The first code was right and a second proof is needed: the factor is kept, the code is gone, and the second
 * step gets its own attempts and sends.
 */
export async function markFirstProof(db: Db, id: string, codeHmac: string, factor: string): Promise<boolean> {
  const row = await pendingAt(db, id, null, codeHmac)
    .set({
      first_factor: factor,
      code_hmac: null,
      code_target: null,
      code_expires_at: null,
      attempts_remaining: MAX_ATTEMPTS,
      sends: 0,
    })
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * pending → verified, with every proof it needed: only while it is at the step the proof was checked for and,
 * for a sent code, still holds that code; the code is then gone.
 */
export async function markResetVerified(
  db: Db,
  id: string,
  proof: { firstFactor: FirstFactor; codeHmac?: string },
  factors: { first: string; second: string | null },
  now: Date,
): Promise<boolean> {
  const row = await pendingAt(db, id, proof.firstFactor, proof.codeHmac)
    .set({
      status: 'verified',
      code_hmac: null,
      code_target: null,
      first_factor: factors.first,
      second_factor: factors.second,
      verified_at: now.toISOString(),
    })
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** pending → refused: the first code was right, but this user must ask the account manager. */
export async function markResetRefused(
  db: Db,
  id: string,
  codeHmac: string,
  factor: string,
): Promise<boolean> {
  const row = await pendingAt(db, id, null, codeHmac)
    .set({ status: 'refused', code_hmac: null, code_target: null, first_factor: factor })
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** verified → used: exactly one new password per verified reset. */
export async function useReset(db: Db, id: string, now: Date): Promise<boolean> {
  const row = await db
    .updateTable('password_resets')
    .set({ status: 'used' })
    .where('id', '=', id)
    .where('status', '=', 'verified')
    .where('expires_at', '>', now.toISOString())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export { MAX_ATTEMPTS as MAX_RESET_ATTEMPTS };
