/**
 * The codes sent to each contact, by its keyed hash, for the per-contact limit over a sliding window. A claim
 * is written before it is counted, and each statement commits on its own: of two claims racing on several
 * instances the later one always counts the earlier, so together they can never pass the limit (at worst
 * both see too many and both give way).
 */
import type { Db } from '../db/database';

/**
 * Records one send to `contactKey` under `id` and answers the times of every send to it since `since`, this
 * one included, oldest first. Sends older than that are deleted on the way.
 */
export async function recordContactSend(
  db: Db,
  contactKey: string,
  id: string,
  now: Date,
  since: Date,
): Promise<string[]> {
  await db
    .deleteFrom('contact_sends')
    .where('contact_key', '=', contactKey)
    .where('sent_at', '<=', since.toISOString())
    .execute();
  await db
    .insertInto('contact_sends')
    .values({ id, contact_key: contactKey, sent_at: now.toISOString() })
    .execute();
  const rows = await db
    .selectFrom('contact_sends')
    .select('sent_at')
    .where('contact_key', '=', contactKey)
    .where('sent_at', '>', since.toISOString())
    .orderBy('sent_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => row.sent_at);
}

/** Takes back a send recorded by recordContactSend: it was refused, or another check refused it later. */
export async function forgetContactSend(db: Db, id: string): Promise<void> {
  await db.deleteFrom('contact_sends').where('id', '=', id).execute();
}
