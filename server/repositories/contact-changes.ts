/**
 * Contact changes waiting for their code, guarded like sign-in challenges: every change that limits guessing
 * is one conditional UPDATE, so parallel requests or several instances cannot get more than their share.
 */
import type { Db } from '../db/database';
import type { ContactChangeTable, ContactSetByValue } from '../db/schema';
import { spendAttempt, storeCode, takeSend } from './challenges';

export async function insertContactChange(db: Db, change: ContactChangeTable): Promise<void> {
  await db.insertInto('contact_changes').values(change).execute();
}

export function findContactChange(db: Db, id: string) {
  return db.selectFrom('contact_changes').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A newer change for the same channel replaces any still pending: only the latest code can apply. */
export async function replacePendingChanges(
  db: Db,
  userId: string,
  channel: ContactChangeTable['channel'],
): Promise<void> {
  await db
    .updateTable('contact_changes')
    .set({ status: 'replaced', code_hmac: null })
    .where('user_id', '=', userId)
    .where('channel', '=', channel)
    .where('status', '=', 'pending')
    .execute();
}

export const takeChangeSend = async (db: Db, id: string, now: Date): Promise<boolean> =>
  (await takeSend(db, id, now, 'contact_changes')) !== undefined;

export const storeChangeCode = (db: Db, id: string, codeHmac: string, expiresAt: Date) =>
  storeCode(db, id, codeHmac, expiresAt, 'contact_changes');

export const spendChangeAttempt = (db: Db, id: string) => spendAttempt(db, id, 'contact_changes');

/** pending → used, only while it still holds the code that was checked and has attempts left. */
export async function useContactChange(db: Db, id: string, codeHmac: string, now: Date): Promise<boolean> {
  const row = await db
    .updateTable('contact_changes')
    .set({ status: 'used', code_hmac: null })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('attempts_remaining', '>', 0)
    .where('expires_at', '>', now.toISOString())
    .where('code_hmac', '=', codeHmac)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Puts a contact on file (or removes it, with null), noting how it got there. */
export async function setContact(
  db: Db,
  userId: string,
  channel: ContactChangeTable['channel'],
  value: string | null,
  setBy: ContactSetByValue | null,
  now: Date,
): Promise<void> {
  const change =
    channel === 'sms' ? { phone: value, phone_set_by: setBy } : { email: value, email_set_by: setBy };
  await db
    .updateTable('users')
    .set({ ...change, updated_at: now.toISOString() })
    .where('id', '=', userId)
    .execute();
}
