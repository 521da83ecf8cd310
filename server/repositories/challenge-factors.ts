/** Challenge changes for factors that send nothing (authenticator app, recovery code). */
import type { Db } from '../db/database';

/**
 * Uses the challenge up without a sent code, only if it is still pending with attempts left. Any code sent
 * for it stops working too.
 */
export async function consumeChallengeWithoutCode(db: Db, id: string): Promise<boolean> {
  const row = await db
    .updateTable('challenges')
    .set({ status: 'used', code_hmac: null })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('attempts_remaining', '>', 0)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
