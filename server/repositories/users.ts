import { randomUUID } from 'node:crypto';
import { type Insertable, sql, type Updateable } from 'kysely';
import type { Location, User } from '../../src/shared/api';
import type { Db } from '../db/database';
import { prepared } from '../db/prepared';
import type { UserRow, UserTable } from '../db/schema';
import { nameKey } from '../db/search-keys';
import { insertInBatches } from './batches';
import { findOrCreateLocation } from './practices';

export const LOCKOUT_THRESHOLD = 10;

export function usernameKey(username: string): string {
  return username.trim().toLowerCase();
}

/** A change of names with the search keys that go with them, so no writer can forget to keep them in step. */
export function withNameKeys<Change extends { first_name?: string; last_name?: string }>(
  change: Change,
): Change & { first_name_key?: string; last_name_key?: string } {
  return {
    ...change,
    ...(change.first_name !== undefined && { first_name_key: nameKey(change.first_name) }),
    ...(change.last_name !== undefined && { last_name_key: nameKey(change.last_name) }),
  };
}

/** A new, active, unlocked user's row, as the CLI's create-user and the console's Users both make it. */
export function newUserRow(fields: {
  practiceId: string;
  username: string;
  passwordHash: string;
  firstName?: string;
  lastName?: string;
  role: UserRow['role'];
  phone: string | null;
  email: string | null;
  now: Date;
}): Insertable<UserTable> & { id: string } {
  const at = fields.now.toISOString();
  const firstName = fields.firstName?.trim() ?? '';
  const lastName = fields.lastName?.trim() ?? '';
  return {
    id: randomUUID(),
    practice_id: fields.practiceId,
    username: fields.username,
    username_key: usernameKey(fields.username),
    password_hash: fields.passwordHash,
    first_name: firstName,
    first_name_key: nameKey(firstName),
    last_name: lastName,
    last_name_key: nameKey(lastName),
    role: fields.role,
    phone: fields.phone,
    email: fields.email,
    active: 1,
    failed_attempts: 0,
    locked_until: null,
    created_at: at,
    updated_at: at,
  };
}

export async function insertUser(db: Db, user: Insertable<UserTable>): Promise<void> {
  await db.insertInto('users').values(user).execute();
}

/**
 * A new user and their locations, each found or made by name, in one transaction (the CLI's create-user):
 * answers the locations. A user of the same name made meanwhile fails it on the unique User ID.
 */
export function insertUserWithLocations(
  db: Db,
  user: Insertable<UserTable> & { id: string; practice_id: string },
  locationNames: readonly string[],
  now: Date,
): Promise<Array<{ id: string; name: string }>> {
  return db.transaction().execute(async (tx) => {
    await insertUser(tx, user);
    const linked = [];
    for (const name of new Set(locationNames))
      linked.push(await findOrCreateLocation(tx, user.practice_id, name, now));
    await tx
      .insertInto('user_locations')
      .values(linked.map((l) => ({ user_id: user.id, location_id: l.id })))
      .execute();
    return linked;
  });
}

/** Whether the database has any user at all (the demo seed runs only on an empty one). */
export async function anyUserExists(db: Db): Promise<boolean> {
  return (await db.selectFrom('users').select('id').limit(1).executeTakeFirst()) !== undefined;
}

/** What My settings' profile changes about a user. */
export type ProfileChange = Pick<
  Updateable<UserTable>,
  'first_name' | 'middle_name' | 'last_name' | 'name_prefix' | 'name_suffix' | 'date_of_birth' | 'sex'
>;

export async function updateProfileFields(db: Db, userId: string, change: ProfileChange, now: Date) {
  await db
    .updateTable('users')
    .set({ ...withNameKeys(change), updated_at: now.toISOString() })
    .where('id', '=', userId)
    .execute();
}

/** Lifts the user's lock and clears their failure count (an account manager's unlock, a 2FA reset). */
export async function unlockUser(db: Db, userId: string, now: Date): Promise<void> {
  await db
    .updateTable('users')
    .set({ failed_attempts: 0, locked_until: null, updated_at: now.toISOString() })
    .where('id', '=', userId)
    .execute();
}

/**
 * A new password hash for the user: `temporaryUntil` for an account manager's temporary password, null for
 * one of their own. With `unlock`, their lock and failure count go too (a reset, a temporary password).
 */
export async function setPasswordHash(
  db: Db,
  userId: string,
  change: { passwordHash: string; temporaryUntil: string | null; unlock: boolean },
  now: Date,
): Promise<void> {
  await db
    .updateTable('users')
    .set({
      password_hash: change.passwordHash,
      temporary_password_until: change.temporaryUntil,
      ...(change.unlock && { failed_attempts: 0, locked_until: null }),
      updated_at: now.toISOString(),
    })
    .where('id', '=', userId)
    .execute();
}

/** A user as the API shows one: the Users tab, Readiness, the console's user detail. */
export function toApiUser(row: Pick<UserRow, 'id' | 'username' | 'first_name' | 'last_name' | 'role'>): User {
  return {
    id: row.id,
    username: row.username,
    firstName: row.first_name,
    lastName: row.last_name,
    role: row.role,
  };
}

export function findUserByUsername(db: Db, username: string) {
  return db
    .selectFrom('users')
    .selectAll()
    .where('username_key', '=', usernameKey(username))
    .executeTakeFirst();
}

export function findUserById(db: Db, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The user and the time zone their start and end dates are read in, in one query: by id (every request's
 * session check) or by User ID (sign-in, which must not grow a query before its lock check).
 */
export async function findUserWithTimeZone(db: Db, by: { id: string } | { username: string }) {
  const query = db
    .selectFrom('users')
    .innerJoin('practices', 'practices.id', 'users.practice_id')
    .selectAll('users')
    .select('practices.time_zone as practice_time_zone');
  // `in`, not `=`: a join compared to a bound value with `=` is planned again on every run (see prepared).
  const row = await ('id' in by
    ? query.where('users.id', 'in', [by.id])
    : query.where('users.username_key', 'in', [usernameKey(by.username)])
  ).executeTakeFirst();
  if (!row) return undefined;
  const { practice_time_zone: timeZone, ...user } = row;
  return { user: user as UserRow, timeZone };
}

/**
 * The user's columns a sign-in's send or verify reads: who they are, their contacts, whether and when they
 * may sign in, and their failure count. Not the password hash, the search keys or the personal details the
 * console edits: a verify reads this row under load, and every column costs.
 */
export const SIGN_IN_USER_COLUMNS = [
  'users.id',
  'users.practice_id',
  'users.username',
  'users.first_name',
  'users.last_name',
  'users.role',
  'users.phone',
  'users.email',
  'users.active',
  'users.failed_attempts',
  'users.locked_until',
  'users.temporary_password_until',
  'users.start_date',
  'users.end_date',
] as const;

/** A user as a sign-in's send or verify reads them (SIGN_IN_USER_COLUMNS). */
export type SignInUser = Pick<
  UserRow,
  (typeof SIGN_IN_USER_COLUMNS)[number] extends `users.${infer Column}` ? Column : never
>;

/** The practice's policy as read with a user (findUserWithPolicy, and a sign-in's challenge). */
export const POLICY_COLUMNS = [
  'practices.code_ttl_seconds',
  'practices.remember_days',
  'practices.idle_lock_minutes',
  'practices.sms_per_hour',
  'practices.sms_countries',
  'practices.allowed_factors',
  'practices.self_service_reset',
  'practices.time_zone',
] as const;

/** Read by every code sent: built once (see prepared). */
const userWithPolicy = prepared((db, p: { id: string }) =>
  db
    .selectFrom('users')
    .innerJoin('practices', 'practices.id', 'users.practice_id')
    .selectAll('users')
    .select(POLICY_COLUMNS)
    // `in`, not `=`: a join compared to a bound value with `=` is planned again on every run (see prepared).
    .where('users.id', 'in', [p.id]),
);

/** The user with the practice policy that applies to their codes, in one query. */
export function findUserWithPolicy(db: Db, id: string) {
  return userWithPolicy.first(db, { id });
}

/**
 * The domain most of the practice's active users' emails have ("wrshealth.com"), or undefined when none has
 * an email: a decoy password reset's email target looks like one of the practice's.
 */
export async function commonEmailDomain(db: Db): Promise<string | undefined> {
  const rows = await db
    .selectFrom('users')
    .select('email')
    .where('email', 'is not', null)
    .where('active', '=', 1)
    .limit(COMMON_DOMAIN_SAMPLE)
    .execute();
  const counts = new Map<string, number>();
  for (const { email } of rows) {
    const domain = email?.slice(email.lastIndexOf('@') + 1).toLowerCase();
    if (domain) counts.set(domain, (counts.get(domain) ?? 0) + 1);
  }
  let common: [string, number] | undefined;
  for (const entry of [...counts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!common || entry[1] > common[1]) common = entry;
  }
  return common?.[0];
}

/** Enough emails to tell a practice's usual domain; the read stays small in a large practice. */
const COMMON_DOMAIN_SAMPLE = 500;

/** Every sign-in answers with the user's locations: built once (see prepared). */
const userLocations = prepared((db, p: { userId: string }) =>
  db
    .selectFrom('user_locations')
    .innerJoin('locations', 'locations.id', 'user_locations.location_id')
    .select(['locations.id', 'locations.name'])
    // `in`, not `=`: a join compared to a bound value with `=` is planned again on every run (see prepared).
    .where('user_locations.user_id', 'in', [p.userId])
    .orderBy('locations.name'),
);

export function locationsOf(db: Db, userId: string): Promise<Location[]> {
  return userLocations.all(db, { userId });
}

/**
 * One more consecutive failure on a row with `failed_attempts` and `locked_until`, as SET expressions, so
 * parallel failures all count in one statement. The tenth locks until `lockUntil`; failures during a lock do
 * not extend it, and the first failure after a lock has run out starts a fresh count. So exactly one
 * statement per lock answers a count of LOCKOUT_THRESHOLD: the one that locked. Columns are qualified with
 * the table, as PostgreSQL's ON CONFLICT DO UPDATE needs.
 */
export function nextFailure(table: 'users' | 'login_failures', now: Date, lockUntil: Date) {
  const at = now.toISOString();
  const count = sql.ref(`${table}.failed_attempts`);
  const until = sql.ref(`${table}.locked_until`);
  const next = sql<number>`CASE WHEN ${until} IS NOT NULL AND ${until} <= ${at} THEN 1 ELSE ${count} + 1 END`;
  return {
    failed_attempts: next,
    locked_until: sql<
      string | null
    >`CASE WHEN ${until} > ${at} THEN ${until} WHEN ${next} >= ${LOCKOUT_THRESHOLD} THEN ${lockUntil.toISOString()} ELSE NULL END`,
  };
}

/** Counts one failed password or code on a user; answers the count and lock after it. */
export function recordFailure(db: Db, userId: string, now: Date, lockUntil: Date) {
  return db
    .updateTable('users')
    .set(nextFailure('users', now, lockUntil))
    .where('id', '=', userId)
    .returning(['failed_attempts', 'locked_until'])
    .executeTakeFirst();
}

/** Every sign-in clears the count, in its transaction: built once (see prepared). */
const noFailures = prepared((db, p: { userId: string }) =>
  db
    .updateTable('users')
    .set({ failed_attempts: 0, locked_until: null })
    .where('id', '=', p.userId)
    .where((eb) => eb.or([eb('failed_attempts', '>', 0), eb('locked_until', 'is not', null)])),
);

export async function clearFailures(db: Db, userId: string) {
  await noFailures.run(db, { userId });
}

export function isLocked(user: Pick<UserRow, 'locked_until'>, now: Date): boolean {
  return user.locked_until !== null && user.locked_until > now.toISOString();
}

/** Many users at once (a bulk load: the bench's practices), a statement per batch; the caller holds the transaction. */
export function insertUsers(db: Db, users: readonly Insertable<UserTable>[]): Promise<void> {
  return insertInBatches(users, (batch) => db.insertInto('users').values(batch).execute());
}
