/** A user's trusted workstations as the self-service list shows them; tokens never leave the table. */
import type { Db } from '../db/database';

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
