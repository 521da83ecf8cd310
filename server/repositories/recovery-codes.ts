/** Single-use recovery codes, stored only as HMACs. */
import type { Db } from '../db/database';
import { newSortableId } from '../secrets';

/**
 * Replaces every code of the user with new ones; answers how many unused codes the new ones voided. Run it
 * inside a transaction, so that the user is never left with no codes, or with old and new ones at once.
 */
export async function replaceRecoveryCodes(
  tx: Db,
  userId: string,
  sealed: string[],
  now: Date,
): Promise<number> {
  const voided = await voidRecoveryCodes(tx, userId);
  await tx
    .insertInto('recovery_codes')
    .values(
      sealed.map((code_hmac) => ({
        id: newSortableId(now),
        user_id: userId,
        code_hmac,
        created_at: now.toISOString(),
        used_at: null,
      })),
    )
    .execute();
  return voided;
}

/**
 * Deletes every code of the user, used or not, in one statement, so none can sign in afterwards and My
 * settings shows none; answers how many of them were still unused.
 */
export async function voidRecoveryCodes(db: Db, userId: string): Promise<number> {
  const deleted = await db
    .deleteFrom('recovery_codes')
    .where('user_id', '=', userId)
    .returning('used_at')
    .execute();
  return deleted.filter((row) => row.used_at === null).length;
}

/** The user's unused codes as stored (sealed, each with a random IV): the service opens them to compare. */
export function unusedRecoveryCodes(db: Db, userId: string) {
  return db
    .selectFrom('recovery_codes')
    .select(['id', 'code_hmac'])
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .orderBy('id')
    .execute();
}

/** Marks a code used, only if it was unused: of parallel uses exactly one wins. */
export async function spendRecoveryCode(db: Db, id: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('recovery_codes')
    .set({ used_at: now.toISOString() })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function recoveryCodeSummary(db: Db, userId: string) {
  const row = await db
    .selectFrom('recovery_codes')
    .select((eb) => [
      eb.fn.countAll<string | number>().filterWhere('used_at', 'is', null).as('remaining'),
      eb.fn.max('created_at').as('generated_at'),
    ])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return { remaining: Number(row?.remaining ?? 0), generatedAt: row?.generated_at ?? null };
}
