/**
 * Contact changes waiting for their code: a code flow (see code-flows) that holds the new contact, sealed.
 * This module inserts, reads and replaces them, and puts a proven contact on the users row.
 */
import type { Db } from '../db/database';
import type { ContactChangeTable, ContactSetByValue } from '../db/schema';

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
