/** The append-only audit trail of security events. The table's triggers refuse UPDATE and DELETE. */
import type { Db } from '../db/database';
import type { NewAuditEvent } from '../db/schema';
import { insertInBatches } from './batches';

export async function insertAuditEvent(db: Db, event: NewAuditEvent): Promise<void> {
  await db.insertInto('audit_events').values(event).execute();
}

export interface AuditQuery {
  username?: string;
  limit: number;
}

/** The newest events first. */
export function listAuditEvents(db: Db, query: AuditQuery) {
  let q = db.selectFrom('audit_events').selectAll();
  if (query.username) q = q.where('username', '=', query.username);
  return q.orderBy('id', 'desc').limit(query.limit).execute();
}

/** Many events at once (a bulk load: the bench's practices), a statement per batch. */
export function insertAuditEvents(db: Db, events: readonly NewAuditEvent[]): Promise<void> {
  return insertInBatches(events, (batch) => db.insertInto('audit_events').values(batch).execute());
}
