/** The authenticator-app factor: one row per user, pending until confirmed with a code. */
import type { Db } from '../db/database';

export function findTotpFactor(db: Db, userId: string) {
  return db.selectFrom('totp_factors').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/** Starts (or restarts) an enrollment; false when a confirmed factor is in the way. */
export async function savePendingTotp(db: Db, userId: string, sealed: string, now: Date): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    await tx
      .deleteFrom('totp_factors')
      .where('user_id', '=', userId)
      .where('confirmed_at', 'is', null)
      .execute();
    const inserted = await tx
      .insertInto('totp_factors')
      .values({
        user_id: userId,
        secret_sealed: sealed,
        created_at: now.toISOString(),
        confirmed_at: null,
        last_time_step: null,
      })
      .onConflict((oc) => oc.column('user_id').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
  });
}

/** Confirms a pending factor; its confirming code's time step counts as used. */
export async function confirmTotp(db: Db, userId: string, timeStep: number, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('totp_factors')
    .set({ confirmed_at: now.toISOString(), last_time_step: timeStep })
    .where('user_id', '=', userId)
    .where('confirmed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Takes a time step for a sign-in, only if it is newer than every step used before: one use per code. */
export async function claimTimeStep(db: Db, userId: string, timeStep: number): Promise<boolean> {
  const result = await db
    .updateTable('totp_factors')
    .set({ last_time_step: timeStep })
    .where('user_id', '=', userId)
    .where('confirmed_at', 'is not', null)
    .where((eb) => eb.or([eb('last_time_step', 'is', null), eb('last_time_step', '<', timeStep)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteTotp(db: Db, userId: string): Promise<boolean> {
  const result = await db.deleteFrom('totp_factors').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
