/**
 * Logout for "Login with WRSAuth": the links from WRSAuth sessions to the provider sessions they signed in
 * (oidc_sign_in_links), and the back-channel logout tokens owed to applications (oidc_logout_deliveries).
 * Claims are conditional UPDATEs, so several instances sweeping one PostgreSQL never work one row at once.
 */
import type { Db } from '../db/database';
import type { OidcLogoutDeliveryRow } from '../db/schema';

export async function linkSignIn(
  db: Db,
  link: { sessionId: string; sessionUidHash: string; userId: string },
  now: Date,
): Promise<void> {
  await db
    .insertInto('oidc_sign_in_links')
    .values({
      session_id: link.sessionId,
      session_uid_hash: link.sessionUidHash,
      user_id: link.userId,
      created_at: now.toISOString(),
      claimed_until: null,
    })
    .onConflict((oc) => oc.columns(['session_id', 'session_uid_hash']).doNothing())
    .execute();
}

export interface EndedLink {
  session_id: string;
  session_uid_hash: string;
  user_id: string;
  revoked_at: string | null;
}

/**
 * Links whose WRSAuth session is over (revoked, past its 12 hours, or gone) and that no instance is ending
 * right now. Idle time alone does not end a sign-in an application holds (see OidcLogoutService).
 */
export function endedLinks(db: Db, now: Date, limit: number): Promise<EndedLink[]> {
  const at = now.toISOString();
  return db
    .selectFrom('oidc_sign_in_links as l')
    .leftJoin('sessions as s', 's.id', 'l.session_id')
    .select(['l.session_id', 'l.session_uid_hash', 'l.user_id', 's.revoked_at'])
    .where((eb) =>
      eb.or([eb('s.id', 'is', null), eb('s.revoked_at', 'is not', null), eb('s.expires_at', '<=', at)]),
    )
    .where((eb) => eb.or([eb('l.claimed_until', 'is', null), eb('l.claimed_until', '<=', at)]))
    .orderBy('l.created_at')
    .limit(limit)
    .execute();
}

/** Takes a link for ending; false when another instance holds it. */
export async function claimLink(db: Db, link: EndedLink, now: Date, until: Date): Promise<boolean> {
  const result = await db
    .updateTable('oidc_sign_in_links')
    .set({ claimed_until: until.toISOString() })
    .where('session_id', '=', link.session_id)
    .where('session_uid_hash', '=', link.session_uid_hash)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now.toISOString())]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deleteLink(db: Db, link: Pick<EndedLink, 'session_id' | 'session_uid_hash'>) {
  await db
    .deleteFrom('oidc_sign_in_links')
    .where('session_id', '=', link.session_id)
    .where('session_uid_hash', '=', link.session_uid_hash)
    .execute();
}

/** The WRSAuth sessions a provider session was signed in by (normally one). */
export async function sessionsLinkedTo(db: Db, sessionUidHash: string): Promise<string[]> {
  const rows = await db
    .selectFrom('oidc_sign_in_links')
    .select('session_id')
    .where('session_uid_hash', '=', sessionUidHash)
    .execute();
  return rows.map((row) => row.session_id);
}

export async function insertDelivery(
  db: Db,
  delivery: Pick<OidcLogoutDeliveryRow, 'id' | 'client_id' | 'user_id' | 'sid' | 'cause'>,
  now: Date,
): Promise<void> {
  await db
    .insertInto('oidc_logout_deliveries')
    .values({
      ...delivery,
      created_at: now.toISOString(),
      attempts: 0,
      next_attempt_at: now.toISOString(),
      delivered_at: null,
      gave_up_at: null,
      last_error: null,
    })
    .execute();
}

export function dueDeliveries(db: Db, now: Date, limit: number): Promise<OidcLogoutDeliveryRow[]> {
  return db
    .selectFrom('oidc_logout_deliveries')
    .selectAll()
    .where('next_attempt_at', '<=', now.toISOString())
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
}

/** Takes a due delivery for one attempt (counted now), leased until `until`; false when another took it. */
export async function claimDelivery(
  db: Db,
  row: Pick<OidcLogoutDeliveryRow, 'id' | 'next_attempt_at' | 'attempts'>,
  until: Date,
): Promise<boolean> {
  if (row.next_attempt_at === null) return false;
  const result = await db
    .updateTable('oidc_logout_deliveries')
    .set({ next_attempt_at: until.toISOString(), attempts: row.attempts + 1 })
    .where('id', '=', row.id)
    .where('next_attempt_at', '=', row.next_attempt_at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function settleDelivery(
  db: Db,
  id: string,
  outcome: { deliveredAt: Date } | { retryAt: Date; error: string } | { gaveUpAt: Date; error: string },
): Promise<void> {
  const set =
    'deliveredAt' in outcome
      ? { delivered_at: outcome.deliveredAt.toISOString(), next_attempt_at: null, last_error: null }
      : 'retryAt' in outcome
        ? { next_attempt_at: outcome.retryAt.toISOString(), last_error: outcome.error }
        : { gave_up_at: outcome.gaveUpAt.toISOString(), next_attempt_at: null, last_error: outcome.error };
  await db.updateTable('oidc_logout_deliveries').set(set).where('id', '=', id).execute();
}

export function deliveriesFor(db: Db, userId: string): Promise<OidcLogoutDeliveryRow[]> {
  return db
    .selectFrom('oidc_logout_deliveries')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
}

/** Settled deliveries older than `before` (kept for a while to be read, not for ever). */
export async function deleteSettledDeliveries(db: Db, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('oidc_logout_deliveries')
    .where('next_attempt_at', 'is', null)
    .where('created_at', '<', before.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
