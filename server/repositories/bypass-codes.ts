/** One-time bypass codes from guided recovery, stored only as HMACs; at most one live per user. */
import type { Db } from '../db/database';
import type { BypassCodeTable } from '../db/schema';

/**
 * Voids the user's unused codes and stores the new one. Pass the caller's transaction: the issue is audited
 * in it, and at most one code may be live.
 */
export async function replaceBypassCode(tx: Db, code: BypassCodeTable): Promise<void> {
  await voidBypassCodes(tx, code.user_id);
  await tx.insertInto('bypass_codes').values(code).execute();
}

/** Deletes the user's unused codes (a new code, a deactivation): they can no longer sign anyone in. */
export async function voidBypassCodes(db: Db, userId: string): Promise<number> {
  const result = await db
    .deleteFrom('bypass_codes')
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The user's live codes as stored (sealed): the service opens them to compare. */
export function liveBypassCodes(db: Db, userId: string, now: Date) {
  return db
    .selectFrom('bypass_codes')
    .select(['id', 'code_hmac'])
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .execute();
}

/** The users (of those given, or all) holding a live code. */
export async function usersWithLiveBypassCode(db: Db, now: Date, userIds: string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('bypass_codes')
    .select('user_id')
    .where('used_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .where('user_id', 'in', userIds)
    .execute();
  return new Set(rows.map((row) => row.user_id));
}

/** Marks a live code used: of parallel uses exactly one wins, and an expired code wins none. */
export async function spendBypassCode(db: Db, id: string, now: Date): Promise<boolean> {
  const at = now.toISOString();
  const result = await db
    .updateTable('bypass_codes')
    .set({ used_at: at })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
