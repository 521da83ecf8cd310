/** The append-only audit trail of security events. The table's triggers refuse UPDATE and DELETE. */
import type { Db } from '../db/database';
import { prepared } from '../db/prepared';
import type { NewAuditEvent } from '../db/schema';
import { insertInBatches } from './batches';

/** Every event is this one statement, so it is built once (see prepared); all its columns are given. */
const appendEvent = prepared((db, p: Required<NewAuditEvent>) =>
  db.insertInto('audit_events').values({
    id: p.id,
    at: p.at,
    user_id: p.user_id,
    username: p.username,
    ip: p.ip,
    user_agent: p.user_agent,
    event_type: p.event_type,
    detail: p.detail,
  }),
);

export async function insertAuditEvent(db: Db, event: NewAuditEvent): Promise<void> {
  await appendEvent.run(db, {
    ...event,
    user_id: event.user_id ?? null,
    username: event.username ?? null,
    ip: event.ip ?? null,
    user_agent: event.user_agent ?? null,
  });
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
