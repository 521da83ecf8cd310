/** Users whose end date has passed, and the claim that carries out its passing exactly once. */
import type { Db } from '../db/database';

/** Users whose end date is before `today` (YYYY-MM-DD in the practice's zone) and not yet carried out. */
export function usersPastEndDate(db: Db, today: string) {
  return db
    .selectFrom('users')
    .selectAll()
    .where('end_date', 'is not', null)
    .where('end_date', '<', today)
    .where('access_ended_at', 'is', null)
    .orderBy('id')
    .execute();
}

/**
 * Marks the end date's passing as carried out, only if it is past and not yet marked: of several instances
 * sweeping at once exactly one wins (PostgreSQL re-reads the row after the winner's commit; SQLite writes one
 * at a time). Answers the end date it claimed, or undefined.
 */
export async function claimAccountEnd(
  db: Db,
  userId: string,
  today: string,
  now: Date,
): Promise<string | undefined> {
  const row = await db
    .updateTable('users')
    .set({ access_ended_at: now.toISOString() })
    .where('id', '=', userId)
    .where('end_date', 'is not', null)
    .where('end_date', '<', today)
    .where('access_ended_at', 'is', null)
    .returning('end_date')
    .executeTakeFirst();
  return row?.end_date ?? undefined;
}

/** The practice's time zone (one practice per server); read on each request that needs it. */
export async function practiceTimeZone(db: Db, practiceId: string): Promise<string> {
  const row = await db
    .selectFrom('practices')
    .select('time_zone')
    .where('id', '=', practiceId)
    .executeTakeFirstOrThrow();
  return row.time_zone;
}
