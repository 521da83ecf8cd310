/**
 * Password resets, guarded like sign-in challenges: every change that limits guessing is one conditional
 * UPDATE, so parallel requests or several instances cannot get more than their share.
 */
import type { Db } from '../db/database';
import type { PasswordResetTable } from '../db/schema';
import { MAX_ATTEMPTS, spendAttempt, storeCode, takeSend } from './challenges';

export async function insertReset(db: Db, reset: PasswordResetTable): Promise<void> {
  await db.insertInto('password_resets').values(reset).execute();
}

export function findReset(db: Db, id: string) {
  return db.selectFrom('password_resets').selectAll().where('id', '=', id).executeTakeFirst();
}

export const takeResetSend = async (db: Db, id: string, now: Date): Promise<boolean> =>
  (await takeSend(db, id, now, 'password_resets')) !== undefined;

export const storeResetCode = (db: Db, id: string, codeHmac: string, expiresAt: Date) =>
  storeCode(db, id, codeHmac, expiresAt, 'password_resets');

export const spendResetAttempt = (db: Db, id: string) => spendAttempt(db, id, 'password_resets');

/** pending → verified, only while it still holds the code that was checked; the code is then gone. */
export async function markResetVerified(db: Db, id: string, codeHmac: string, now: Date): Promise<boolean> {
  const row = await db
    .updateTable('password_resets')
    .set({ status: 'verified', code_hmac: null, verified_at: now.toISOString() })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('attempts_remaining', '>', 0)
    .where('code_hmac', '=', codeHmac)
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
