import type { Insertable } from 'kysely';
import type { Db } from '../db/database';
import { prepared } from '../db/prepared';
import type { SessionTable, TrustedDeviceTable } from '../db/schema';

/** Every sign-in starts a session with this one statement, so it is built once (see prepared). */
const startSession = prepared((db, p: Required<Insertable<SessionTable>>) =>
  db.insertInto('sessions').values({
    id: p.id,
    token_hash: p.token_hash,
    user_id: p.user_id,
    created_at: p.created_at,
    last_seen_at: p.last_seen_at,
    expires_at: p.expires_at,
    revoked_at: p.revoked_at,
    second_factor: p.second_factor,
    amr: p.amr,
  }),
);

export async function insertSession(db: Db, session: Insertable<SessionTable>): Promise<void> {
  await startSession.run(db, {
    ...session,
    revoked_at: session.revoked_at ?? null,
    second_factor: session.second_factor ?? 0,
    amr: session.amr ?? null,
  });
}

export function findLiveSession(db: Db, tokenHash: string, now: Date) {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
}

/** The same, by the session's id: for what stands in for the token (a desktop ticket) and for liveness checks. */
export function findLiveSessionById(db: Db, id: string, now: Date) {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
}

export async function touchSession(db: Db, id: string, now: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now.toISOString() }).where('id', '=', id).execute();
}

export async function revokeSession(db: Db, id: string, now: Date): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now.toISOString() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function insertTrustedDevice(db: Db, device: Insertable<TrustedDeviceTable>): Promise<void> {
  await db.insertInto('trusted_devices').values(device).execute();
}

export function findTrustedDevice(db: Db, tokenHash: string, userId: string, now: Date) {
  return db
    .selectFrom('trusted_devices')
    .select(['id', 'name'])
    .where('token_hash', '=', tokenHash)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
}

export async function touchTrustedDevice(db: Db, id: string, now: Date): Promise<void> {
  await db
    .updateTable('trusted_devices')
    .set({ last_used_at: now.toISOString() })
    .where('id', '=', id)
    .execute();
}

/** Revokes every trusted device of a user; returns how many were live. */
export async function revokeTrustedDevices(db: Db, userId: string, now: Date): Promise<number> {
  const result = await db
    .updateTable('trusted_devices')
    .set({ revoked_at: now.toISOString() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Revokes every live session of a user (but `keepSessionId`, if given); returns how many there were. */
export async function revokeSessionsOf(
  db: Db,
  userId: string,
  now: Date,
  keepSessionId?: string,
): Promise<number> {
  let update = db
    .updateTable('sessions')
    .set({ revoked_at: now.toISOString() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (keepSessionId !== undefined) update = update.where('id', '!=', keepSessionId);
  const result = await update.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Revokes every live session (not revoked, not past its 12 hours), of one user or of everyone, but
 * `keepSessionId` if given; returns how many there were. Sessions already over are left as they are, so the
 * count says how many people were really signed out.
 */
export async function revokeLiveSessions(
  db: Db,
  now: Date,
  scope: { userId?: string; keepSessionId?: string },
): Promise<number> {
  const at = now.toISOString();
  let update = db
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', at);
  if (scope.userId !== undefined) update = update.where('user_id', '=', scope.userId);
  if (scope.keepSessionId !== undefined) update = update.where('id', '!=', scope.keepSessionId);
  const result = await update.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
