/**
 * Password resets, guarded like sign-in challenges: every change that limits guessing is one conditional
 * UPDATE, so parallel requests or several instances cannot get more than their share.
 */
import type { Db } from '../db/database';
import type { PasswordResetTable } from '../db/schema';
import { MAX_ATTEMPTS, MAX_SENDS } from './challenges';

export async function insertReset(db: Db, reset: PasswordResetTable): Promise<void> {
  await db.insertInto('password_resets').values(reset).execute();
}

export function findReset(db: Db, id: string) {
  return db.selectFrom('password_resets').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function takeResetSend(db: Db, id: string, now: Date): Promise<boolean> {
  const row = await db
    .updateTable('password_resets')
    .set((eb) => ({ sends: eb('sends', '+', 1) }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('sends', '<', MAX_SENDS)
    .where('expires_at', '>', now.toISOString())
    .returning('sends')
    .executeTakeFirst();
  return row !== undefined;
}

export async function storeResetCode(db: Db, id: string, codeHmac: string, expiresAt: Date): Promise<void> {
  await db
    .updateTable('password_resets')
    .set({ code_hmac: codeHmac, code_expires_at: expiresAt.toISOString() })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/** Spends one attempt; undefined when none was left. */
export function spendResetAttempt(db: Db, id: string) {
  return db
    .updateTable('password_resets')
    .set((eb) => ({ attempts_remaining: eb('attempts_remaining', '-', 1) }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('attempts_remaining', '>', 0)
    .returning('attempts_remaining')
    .executeTakeFirst();
}

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
