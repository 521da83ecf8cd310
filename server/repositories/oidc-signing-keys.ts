/** oidc_signing_keys: generations of ID token signing keys, sealed; the newest signs. */
import type { Db } from '../db/database';
import type { OidcSigningKeyRow } from '../db/schema';

/** Inserts a generation unless one by that name exists (two instances starting at once insert one). */
export async function insertGenerationIfAbsent(db: Db, row: OidcSigningKeyRow): Promise<void> {
  await db
    .insertInto('oidc_signing_keys')
    .values(row)
    .onConflict((oc) => oc.column('generation').doNothing())
    .execute();
}

/** Every generation, newest first. */
export function listGenerations(db: Db): Promise<OidcSigningKeyRow[]> {
  return db
    .selectFrom('oidc_signing_keys')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('generation', 'desc')
    .execute();
}

export async function deleteGenerations(db: Db, generations: string[]): Promise<void> {
  if (generations.length === 0) return;
  await db.deleteFrom('oidc_signing_keys').where('generation', 'in', generations).execute();
}
