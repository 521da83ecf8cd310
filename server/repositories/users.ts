import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { Location, User } from '../../src/shared/api';
import type { Db } from '../db/database';
import type { UserRow, UserTable } from '../db/schema';

export const LOCKOUT_THRESHOLD = 10;

export function usernameKey(username: string): string {
  return username.trim().toLowerCase();
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
  return {
    id: randomUUID(),
    practice_id: fields.practiceId,
    username: fields.username,
    username_key: usernameKey(fields.username),
    password_hash: fields.passwordHash,
    first_name: fields.firstName?.trim() ?? '',
    last_name: fields.lastName?.trim() ?? '',
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

export function toApiUser(row: UserRow): User {
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

/** The user with the practice policy that applies to their codes, in one query. */
export function findUserWithPolicy(db: Db, id: string) {
  return db
    .selectFrom('users')
    .innerJoin('practices', 'practices.id', 'users.practice_id')
    .selectAll('users')
    .select([
      'practices.code_ttl_seconds',
      'practices.remember_days',
      'practices.idle_lock_minutes',
      'practices.sms_per_hour',
      'practices.sms_countries',
      'practices.allowed_factors',
    ])
    .where('users.id', '=', id)
    .executeTakeFirst();
}

export function locationsOf(db: Db, userId: string): Promise<Location[]> {
  return db
    .selectFrom('user_locations')
    .innerJoin('locations', 'locations.id', 'user_locations.location_id')
    .select(['locations.id', 'locations.name'])
    .where('user_locations.user_id', '=', userId)
    .orderBy('locations.name')
    .execute();
}

/**
 * Counts one failed password or code, in one statement so parallel failures all count. The tenth consecutive
 * failure locks the account until `lockUntil`; failures during a lock do not extend it, and the first failure
 * after a lock has run out starts a fresh count.
 */
export async function recordFailure(db: Db, userId: string, now: Date, lockUntil: Date) {
  const at = now.toISOString();
  return db
    .updateTable('users')
    .set((eb) => {
      const lockExpired = eb.and([eb('locked_until', 'is not', null), eb('locked_until', '<=', at)]);
      const stillLocked = eb('locked_until', '>', at);
      const nextCount = eb
        .case()
        .when(lockExpired)
        .then(1)
        .when(stillLocked)
        .then(eb.ref('failed_attempts'))
        .else(eb('failed_attempts', '+', 1))
        .end();
      return {
        failed_attempts: nextCount,
        locked_until: eb
          .case()
          .when(stillLocked)
          .then(eb.ref('locked_until'))
          .when(nextCount, '>=', LOCKOUT_THRESHOLD)
          .then(lockUntil.toISOString())
          .else(null)
          .end(),
      };
    })
    .where('id', '=', userId)
    .returning(['failed_attempts', 'locked_until'])
    .executeTakeFirst();
}

export async function clearFailures(db: Db, userId: string) {
  await db
    .updateTable('users')
    .set({ failed_attempts: 0, locked_until: null })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('failed_attempts', '>', 0), eb('locked_until', 'is not', null)]))
    .execute();
}

export function isLocked(user: Pick<UserRow, 'locked_until'>, now: Date): boolean {
  return user.locked_until !== null && user.locked_until > now.toISOString();
}
