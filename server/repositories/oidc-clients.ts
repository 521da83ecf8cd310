/** oidc_clients: the relying parties registered to sign their users in through WRSAuth. */
import type { Insertable } from 'kysely';
import type { Db } from '../db/database';
import type { OidcClientRow, OidcClientTable } from '../db/schema';

export async function insertClient(db: Db, row: Insertable<OidcClientTable>): Promise<void> {
  await db.insertInto('oidc_clients').values(row).execute();
}

export function findClient(db: Db, clientId: string): Promise<OidcClientRow | undefined> {
  return db.selectFrom('oidc_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
}

/** Enabled clients only: what the provider may load. */
export function findEnabledClient(db: Db, clientId: string): Promise<OidcClientRow | undefined> {
  return db
    .selectFrom('oidc_clients')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
}

export function listClients(db: Db): Promise<OidcClientRow[]> {
  return db.selectFrom('oidc_clients').selectAll().orderBy('created_at').orderBy('client_id').execute();
}

/** Disables an enabled client; false when there is none by that id or it is disabled already. */
export async function disableClient(db: Db, clientId: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('oidc_clients')
    .set({ disabled_at: now.toISOString(), updated_at: now.toISOString() })
    .where('client_id', '=', clientId)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Replaces a confidential client's sealed secret; false when no such confidential client exists. */
export async function replaceClientSecret(
  db: Db,
  clientId: string,
  secretSealed: string,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('oidc_clients')
    .set({ secret_sealed: secretSealed, updated_at: now.toISOString() })
    .where('client_id', '=', clientId)
    .where('token_endpoint_auth_method', '!=', 'none')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The back-channel logout URIs of enabled clients: the only places the provider may send anything. */
export async function enabledBackchannelUris(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('oidc_clients')
    .select('backchannel_logout_uri')
    .where('disabled_at', 'is', null)
    .where('backchannel_logout_uri', 'is not', null)
    .execute();
  return rows.flatMap((row) => (row.backchannel_logout_uri ? [row.backchannel_logout_uri] : []));
}
