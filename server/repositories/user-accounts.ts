/** What the console reads and writes about the practice's users (the sign-in path uses users.ts). */
import type { Updateable } from 'kysely';
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

/** The practice's active users with their contacts and when they confirmed an authenticator app, if they did. */
export function activeUsersWithFactors(db: Db, practiceId: string) {
  return db
    .selectFrom('users')
    .leftJoin('totp_factors', 'totp_factors.user_id', 'users.id')
    .select([
      'users.id',
      'users.username',
      'users.first_name',
      'users.last_name',
      'users.role',
      'users.phone',
      'users.email',
      'totp_factors.confirmed_at',
    ])
    .where('users.practice_id', '=', practiceId)
    .where('users.active', '=', 1)
    .orderBy('users.username')
    .execute();
}

/** Of the given users (or all), those with a confirmed authenticator app. */
export async function usersWithAuthenticator(db: Db, userId?: string): Promise<Set<string>> {
  let query = db.selectFrom('totp_factors').select('user_id').where('confirmed_at', 'is not', null);
  if (userId) query = query.where('user_id', '=', userId);
  return new Set((await query.execute()).map((row) => row.user_id));
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
