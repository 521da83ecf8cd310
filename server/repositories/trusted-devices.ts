/** A user's trusted workstations as the self-service list shows them; tokens never leave the table. */
import type { Insertable } from 'kysely';
import type { Db } from '../db/database';
import type { TrustedDeviceTable } from '../db/schema';
import { insertInBatches } from './batches';

/** Live (unrevoked, unexpired) workstations, newest first. */
export function listLiveTrustedDevices(db: Db, userId: string, now: Date) {
  return db
    .selectFrom('trusted_devices')
    .select(['id', 'name', 'created_at', 'last_used_at', 'expires_at'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .orderBy('id', 'desc')
    .execute();
}

/** Revokes one of this user's live workstations; false when it is not theirs or already gone. */
export async function revokeTrustedDevice(db: Db, userId: string, id: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('trusted_devices')
    .set({ revoked_at: now.toISOString() })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Revokes every live workstation of every user (the practice has one database); answers how many. */
export async function revokeAllTrustedDevices(db: Db, now: Date): Promise<number> {
  const at = now.toISOString();
  const result = await db
    .updateTable('trusted_devices')
    .set({ revoked_at: at })
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Counts one failed sign-in made with this workstation's token; the failure that reaches `threshold` revokes
 * it, and answers true. Exactly one request can reach it: later ones find the token revoked.
 */
export async function recordDeviceFailure(
  db: Db,
  id: string,
  threshold: number,
  now: Date,
): Promise<boolean> {
  const row = await db
    .updateTable('trusted_devices')
    .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) }))
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning('failed_attempts')
    .executeTakeFirst();
  if (row?.failed_attempts !== threshold) return false;
  await db
    .updateTable('trusted_devices')
    .set({ revoked_at: now.toISOString() })
    .where('id', '=', id)
    .execute();
  return true;
}

/** A right password with the token ends its run of failures. */
export async function clearDeviceFailures(db: Db, id: string): Promise<void> {
  await db
    .updateTable('trusted_devices')
    .set({ failed_attempts: 0 })
    .where('id', '=', id)
    .where('failed_attempts', '>', 0)
    .execute();
}

/** Many workstations at once (a bulk load: the bench's practices), a statement per batch. */
export function insertTrustedDevices(
  db: Db,
  devices: readonly Insertable<TrustedDeviceTable>[],
): Promise<void> {
  return insertInBatches(devices, (batch) => db.insertInto('trusted_devices').values(batch).execute());
}
