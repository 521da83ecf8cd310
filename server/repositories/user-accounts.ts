/** What the console reads and writes about the practice's users (the sign-in path uses users.ts). */
import { sql, type Updateable } from 'kysely';
import type { Db } from '../db/database';
import type { UserTable } from '../db/schema';

export function listUsersOfPractice(db: Db, practiceId: string) {
  return db
    .selectFrom('users')
    .selectAll()
    .where('practice_id', '=', practiceId)
    .orderBy('username_key')
    .execute();
}

/** `needle` as a LIKE pattern that matches it anywhere, its own % _ and \\ taken literally. */
function containing(needle: string): string {
  return `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * One page of the Users tab: the practice's users whose User ID, first or last name holds `needle` (already
 * lower-case), in username_key order after `afterKey`. The page walks users_practice_username in order and
 * stops at `limit` matches, so it never sorts or returns every match; a rare needle still reads the index
 * through (a substring match cannot seek), but only rows, never a page, leave the database.
 */
export function searchUsersOfPractice(
  db: Db,
  practiceId: string,
  page: { needle?: string; afterKey?: string; limit: number },
) {
  return searchUsersQuery(db, practiceId, page).execute();
}

/** The Users tab page's query, unrun: its plan is checked in tests/server/paging-plans.test.ts. */
export function searchUsersQuery(
  db: Db,
  practiceId: string,
  page: { needle?: string; afterKey?: string; limit: number },
) {
  let query = db.selectFrom('users').selectAll().where('practice_id', '=', practiceId);
  if (page.afterKey !== undefined) query = query.where('username_key', '>', page.afterKey);
  if (page.needle) {
    const pattern = containing(page.needle);
    query = query.where(
      (eb) =>
        sql<boolean>`(${eb.ref('username_key')} like ${pattern} escape '\\' or lower(${eb.ref('first_name')}) like ${pattern} escape '\\' or lower(${eb.ref('last_name')}) like ${pattern} escape '\\')`,
    );
  }
  return query.orderBy('username_key').limit(page.limit);
}

/** The columns the readiness list reads of a user. */
function activeUsersWithFactorsQuery(db: Db, practiceId: string) {
  return db
    .selectFrom('users')
    .leftJoin('totp_factors', 'totp_factors.user_id', 'users.id')
    .where('users.practice_id', '=', practiceId)
    .where('users.active', '=', 1);
}

/** Which factors count for the readiness view: a contact on file, a confirmed authenticator. */
export interface FactorsAllowed {
  sms: boolean;
  email: boolean;
  totp: boolean;
}

/**
 * The readiness counts: how many active users have each factor, and how many have none the practice allows.
 * Read from user_factor_counts (migration 0020, kept by triggers on write): the practice's at most 8 buckets,
 * summed here, so the cost does not grow with the number of users.
 */
export async function readinessCounts(db: Db, practiceId: string, allowed: FactorsAllowed) {
  const buckets = await readinessCountsQuery(db, practiceId).execute();
  const sum = (counted: (bucket: (typeof buckets)[number]) => boolean) =>
    buckets.filter(counted).reduce((total, bucket) => total + Number(bucket.users), 0);
  const hasAllowed = (bucket: (typeof buckets)[number]) =>
    (allowed.sms && bucket.has_phone === 1) ||
    (allowed.email && bucket.has_email === 1) ||
    (allowed.totp && bucket.has_totp === 1);
  return {
    activeUsers: sum(() => true),
    counts: {
      phone: sum((bucket) => bucket.has_phone === 1),
      email: sum((bucket) => bucket.has_email === 1),
      authenticator: sum((bucket) => bucket.has_totp === 1),
      nothing: sum((bucket) => !hasAllowed(bucket)),
    },
  };
}

/** The readiness counts' query, unrun: the practice's buckets by the table's key (its plan is checked in tests). */
export function readinessCountsQuery(db: Db, practiceId: string) {
  return db
    .selectFrom('user_factor_counts')
    .select(['has_phone', 'has_email', 'has_totp', 'users'])
    .where('practice_id', '=', practiceId);
}

/** The SQL condition "this active user has no factor the practice allows". */
function noAllowedFactor(allowed: FactorsAllowed) {
  const has = [
    allowed.sms ? sql`users.phone is not null` : undefined,
    allowed.email ? sql`users.email is not null` : undefined,
    allowed.totp ? sql`totp_factors.confirmed_at is not null` : undefined,
  ].filter((condition) => condition !== undefined);
  return has.length === 0 ? sql`1 = 1` : sql`not (${sql.join(has, sql` or `)})`;
}

/**
 * A page of the active users with no factor the practice allows, in username_key order after `afterKey`:
 * the readiness list, read from users_practice_active_username in order, stopping at `limit`.
 */
export function usersWithoutAllowedFactor(
  db: Db,
  practiceId: string,
  allowed: FactorsAllowed,
  page: { afterKey?: string; limit: number },
) {
  return usersWithoutAllowedFactorQuery(db, practiceId, allowed, page).execute();
}

/** The readiness list page's query, unrun (its plan is checked in tests). */
export function usersWithoutAllowedFactorQuery(
  db: Db,
  practiceId: string,
  allowed: FactorsAllowed,
  page: { afterKey?: string; limit: number },
) {
  let query = activeUsersWithFactorsQuery(db, practiceId)
    .select([
      'users.id',
      'users.username',
      'users.username_key',
      'users.first_name',
      'users.last_name',
      'users.role',
    ])
    .where(sql<boolean>`${noAllowedFactor(allowed)}`);
  if (page.afterKey !== undefined) query = query.where('users.username_key', '>', page.afterKey);
  return query.orderBy('users.username_key').limit(page.limit);
}

/** Of the given users (a page of them, never the whole practice), those with a confirmed authenticator app. */
export async function usersWithAuthenticator(db: Db, userIds: string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('totp_factors')
    .select('user_id')
    .where('confirmed_at', 'is not', null)
    .where('user_id', 'in', userIds)
    .execute();
  return new Set(rows.map((row) => row.user_id));
}

/** The practice's active account managers. */
export function activeAdmins(db: Db, practiceId: string) {
  return db
    .selectFrom('users')
    .selectAll()
    .where('practice_id', '=', practiceId)
    .where('role', '=', 'admin')
    .where('active', '=', 1)
    .orderBy('username_key')
    .execute();
}

/**
 * Takes the practice row's write lock for the rest of the transaction (a no-op update), so two account
 * managers demoting or deactivating each other at once are serialised and cannot both pass the last-admin
 * check. Portable: PostgreSQL locks the row, SQLite the database.
 */
export async function lockPractice(db: Db, practiceId: string): Promise<void> {
  await db
    .updateTable('practices')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('id', '=', practiceId)
    .execute();
}

export async function updateUser(
  db: Db,
  userId: string,
  change: Pick<
    Updateable<UserTable>,
    | 'first_name'
    | 'last_name'
    | 'role'
    | 'active'
    | 'updated_at'
    | 'resource_type'
    | 'start_date'
    | 'end_date'
    | 'access_ended_at'
  >,
) {
  await db.updateTable('users').set(change).where('id', '=', userId).execute();
}
