/** Desktop tickets into a login prompt (oidc_tickets): stored by SHA-256 only, spent once, swept when expired. */
import type { Db } from '../db/database';
import type { OidcTicketTable } from '../db/schema';

export async function insertOidcTicket(db: Db, ticket: OidcTicketTable): Promise<void> {
  await db.insertInto('oidc_tickets').values(ticket).execute();
}

/**
 * Spends the ticket with this hash for this interaction: of parallel redemptions exactly one wins, and an
 * expired, spent or other-interaction ticket wins none. Answers what it stood for, or undefined.
 */
export async function spendOidcTicket(db: Db, tokenHash: string, interactionUid: string, now: Date) {
  const at = now.toISOString();
  const result = await db
    .updateTable('oidc_tickets')
    .set({ used_at: at })
    .where('token_hash', '=', tokenHash)
    .where('interaction_uid', '=', interactionUid)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return undefined;
  return db
    .selectFrom('oidc_tickets')
    .select(['session_id', 'location_id'])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** Deletes tickets past their expiry, spent or not; answers how many. */
export async function deleteExpiredOidcTickets(db: Db, now: Date): Promise<number> {
  const result = await db
    .deleteFrom('oidc_tickets')
    .where('expires_at', '<=', now.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
