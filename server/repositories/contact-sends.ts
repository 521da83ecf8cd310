/**
 * The codes sent to each contact, by its keyed hash, for the per-contact limit over a sliding window. A claim
 * is written before it is counted, and each statement commits on its own: of two claims racing on several
 * instances the later one always counts the earlier, so together they can never pass the limit (at worst
 * both see too many and both give way).
 */
import type { Db } from '../db/database';

/** A send to a contact in the window: when, and for which flow. */
export interface ContactSend {
  sent_at: string;
  purpose: string;
}

/**
 * Records one send to `contactKey` for `purpose` under `id` and answers every send to it since `since`, this
 * one included, oldest first. Sends older than that are deleted on the way.
 */
export async function recordContactSend(
  db: Db,
  send: { contactKey: string; purpose: string; id: string },
  now: Date,
  since: Date,
): Promise<ContactSend[]> {
  const { contactKey, purpose, id } = send;
  await db
    .deleteFrom('contact_sends')
    .where('contact_key', '=', contactKey)
    .where('sent_at', '<=', since.toISOString())
    .execute();
  await db
    .insertInto('contact_sends')
    .values({ id, contact_key: contactKey, purpose, sent_at: now.toISOString() })
    .execute();
  return db
    .selectFrom('contact_sends')
    .select(['sent_at', 'purpose'])
    .where('contact_key', '=', contactKey)
    .where('sent_at', '>', since.toISOString())
    .orderBy('sent_at')
    .orderBy('id')
    .execute();
}

/** Deletes the sends older than `before`: past every window, they count for nothing. Answers how many. */
export async function deleteContactSendsBefore(db: Db, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('contact_sends')
    .where('sent_at', '<=', before.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Takes back a send recorded by recordContactSend: it was refused, or another check refused it later. */
export async function forgetContactSend(db: Db, id: string): Promise<void> {
  await db.deleteFrom('contact_sends').where('id', '=', id).execute();
}
