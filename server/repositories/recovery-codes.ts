/** Single-use recovery codes, stored only as HMACs. */
import type { Db } from '../db/database';
import { newSortableId } from '../secrets';

/** Replaces every code of the user with new ones, in one transaction. */
export async function replaceRecoveryCodes(db: Db, userId: string, hmacs: string[], now: Date) {
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    await tx
      .insertInto('recovery_codes')
      .values(
        hmacs.map((code_hmac) => ({
          id: newSortableId(now),
          user_id: userId,
          code_hmac,
          created_at: now.toISOString(),
          used_at: null,
        })),
      )
      .execute();
  });
}

export function findUnusedRecoveryCode(db: Db, userId: string, hmacs: string[]) {
  return db
    .selectFrom('recovery_codes')
    .select('id')
    .where('user_id', '=', userId)
    .where('code_hmac', 'in', hmacs)
    .where('used_at', 'is', null)
    .executeTakeFirst();
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
