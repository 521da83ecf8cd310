/**
 * Consecutive failed sign-ins for User IDs that no account has, keyed by the User ID's keyed hash (never the
 * text: staff do type passwords into the User ID field). They lock exactly as an account does, so a lock
 * cannot tell an attacker that an account exists.
 */
import type { Db } from '../db/database';
import { nextFailure } from './users';

/** The lock on this key, if one is in force at `now`. */
export async function lockedUntil(db: Db, accountKey: string, now: Date): Promise<string | undefined> {
  const row = await db
    .selectFrom('login_failures')
    .select('locked_until')
    .where('account_key', '=', accountKey)
    .executeTakeFirst();
  return row?.locked_until && row.locked_until > now.toISOString() ? row.locked_until : undefined;
}

/**
 * Deletes the keys whose lock has run out at `now`. Such a row counts as no row: the next failure on it
 * starts again at one (see nextFailure). Answers how many.
 */
export async function deleteEndedLocks(db: Db, now: Date): Promise<number> {
  const result = await db
    .deleteFrom('login_failures')
    .where('locked_until', 'is not', null)
    .where('locked_until', '<=', now.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Counts one failure on the key, in one statement; answers the count and lock after it. */
export function recordKeyFailure(db: Db, accountKey: string, now: Date, lockUntil: Date) {
  return db
    .insertInto('login_failures')
    .values({
      account_key: accountKey,
      failed_attempts: 1,
      locked_until: null,
      updated_at: now.toISOString(),
    })
    .onConflict((oc) =>
      oc.column('account_key').doUpdateSet({
        ...nextFailure('login_failures', now, lockUntil),
        updated_at: now.toISOString(),
      }),
    )
    .returning(['failed_attempts', 'locked_until'])
    .executeTakeFirstOrThrow();
}
