/** Fixed-window counters in the database, shared by every server instance. */
import type { Db } from '../db/database';

/** Counts one hit on `key` in the window that starts at `windowStart`; returns the hits so far in it. */
export async function hit(db: Db, key: string, windowStart: Date): Promise<number> {
  const start = windowStart.toISOString();
  const row = await db
    .insertInto('rate_limits')
    .values({ key, window_start: start, hits: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        hits: eb
          .case()
          .when('rate_limits.window_start', '=', start)
          .then(eb('rate_limits.hits', '+', 1))
          .else(1)
          .end(),
        window_start: start,
      })),
    )
    .returning('hits')
    .executeTakeFirstOrThrow();
  return row.hits;
}

/** The hits on `key` in the window that starts at `windowStart`, without counting one. */
export async function hitsSoFar(db: Db, key: string, windowStart: Date): Promise<number> {
  const row = await db
    .selectFrom('rate_limits')
    .select(['hits', 'window_start'])
    .where('key', '=', key)
    .executeTakeFirst();
  return row?.window_start === windowStart.toISOString() ? row.hits : 0;
}

/**
 * Gives back one hit counted by `hit` in the same window, when a later check refused what it was for; a hit
 * whose window has turned meanwhile is gone anyway. One conditional UPDATE.
 */
export async function unhit(db: Db, key: string, windowStart: Date): Promise<void> {
  await db
    .updateTable('rate_limits')
    .set((eb) => ({ hits: eb('hits', '-', 1) }))
    .where('key', '=', key)
    .where('window_start', '=', windowStart.toISOString())
    .where('hits', '>', 0)
    .execute();
}
