/**
 * oidc_payloads: what oidc-provider stores, one row per model instance. Callers pass ids and payloads
 * already hashed and sealed (OidcStorage does); this module only moves rows.
 */
import type { Db } from '../db/database';
import type { OidcPayloadTable } from '../db/schema';

export type OidcPayloadRow = Pick<OidcPayloadTable, 'payload' | 'consumed_at'>;

/** Live rows only: a row past its expiry reads as absent even before the sweep deletes it. */
function live(db: Db, now: Date) {
  return db
    .selectFrom('oidc_payloads')
    .select(['payload', 'consumed_at'])
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now.toISOString())]));
}

export async function upsertPayload(db: Db, row: Omit<OidcPayloadTable, 'consumed_at'>): Promise<void> {
  await db
    .insertInto('oidc_payloads')
    .values({ ...row, consumed_at: null })
    // consumed_at stays as it was: saving a consumed code again must not make it redeemable.
    .onConflict((oc) =>
      oc.columns(['model', 'id']).doUpdateSet({
        payload: row.payload,
        grant_id: row.grant_id,
        user_code: row.user_code,
        uid: row.uid,
        expires_at: row.expires_at,
      }),
    )
    .execute();
}

export function findPayload(db: Db, model: string, id: string, now: Date) {
  return live(db, now).where('model', '=', model).where('id', '=', id).executeTakeFirst();
}

export function findPayloadBy(
  db: Db,
  model: string,
  column: 'uid' | 'user_code',
  value: string,
  now: Date,
): Promise<(OidcPayloadRow & { id: string }) | undefined> {
  return live(db, now).select('id').where('model', '=', model).where(column, '=', value).executeTakeFirst();
}

/** Marks a row consumed, once: false when it was consumed already (or is gone), so two redemptions race safely. */
export async function consumePayload(db: Db, model: string, id: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('oidc_payloads')
    .set({ consumed_at: now.toISOString() })
    .where('model', '=', model)
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function destroyPayload(db: Db, model: string, id: string): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('model', '=', model).where('id', '=', id).execute();
}

export async function destroyByGrant(db: Db, models: readonly string[], grantId: string): Promise<void> {
  await db
    .deleteFrom('oidc_payloads')
    .where('model', 'in', [...models])
    .where('grant_id', '=', grantId)
    .execute();
}

/** Deletes rows past their expiry; answers how many. */
export async function deleteExpiredPayloads(db: Db, now: Date): Promise<number> {
  const result = await db
    .deleteFrom('oidc_payloads')
    .where('expires_at', '<=', now.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
