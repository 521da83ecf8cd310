/** Per-contact resend cooldown, kept in the database so a fresh login or another instance cannot skip it. */
import type { Db } from '../db/database';

/** Claims the contact for `seconds`; returns false (and leaves it alone) while an earlier claim still runs. */
export async function claimCooldown(db: Db, contactKey: string, now: Date, until: Date): Promise<boolean> {
  const row = await db
    .insertInto('contact_cooldowns')
    .values({ contact_key: contactKey, next_send_at: until.toISOString() })
    .onConflict((oc) =>
      oc
        .column('contact_key')
        .doUpdateSet({ next_send_at: until.toISOString() })
        .where('contact_cooldowns.next_send_at', '<=', now.toISOString()),
    )
    .returning('next_send_at')
    .executeTakeFirst();
  return row !== undefined;
}

export async function cooldownEnd(db: Db, contactKey: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('contact_cooldowns')
    .select('next_send_at')
    .where('contact_key', '=', contactKey)
    .executeTakeFirst();
  return row?.next_send_at;
}

/** Ends the cooldown early: after a failed delivery the user may try the same contact again. */
export async function releaseCooldown(db: Db, contactKey: string, claimedUntil: Date): Promise<void> {
  await db
    .deleteFrom('contact_cooldowns')
    .where('contact_key', '=', contactKey)
    .where('next_send_at', '=', claimedUntil.toISOString())
    .execute();
}
