/**
 * The audit trail as the console and the export search it: filters, newest first one page at a time, or in
 * id order batch by batch (keyset: `id > after`, never OFFSET, so the millionth row costs what the first does).
 */
import type { Db } from '../db/database';

/**
 * A filter with its days already turned into instants (the service reads them in the practice's time zone):
 * events at or after `fromAt` and before `beforeAt`, up to `throughId` (an export's snapshot) if given.
 */
export interface AuditSearch {
  username?: string;
  type?: string;
  fromAt?: string;
  beforeAt?: string;
  throughId?: string;
}

function filtered(db: Db, search: AuditSearch) {
  let query = db.selectFrom('audit_events');
  if (search.username) query = query.where('username', '=', search.username);
  if (search.type) query = query.where('event_type', '=', search.type);
  if (search.fromAt) query = query.where('at', '>=', search.fromAt);
  if (search.beforeAt) query = query.where('at', '<', search.beforeAt);
  if (search.throughId) query = query.where('id', '<=', search.throughId);
  return query;
}

export function searchAuditEvents(db: Db, search: AuditSearch, page: { limit: number; offset: number }) {
  return filtered(db, search)
    .selectAll()
    .orderBy('id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countAuditEvents(db: Db, search: AuditSearch): Promise<number> {
  const row = await filtered(db, search)
    .select((eb) => eb.fn.countAll<string | number>().as('total'))
    .executeTakeFirst();
  return Number(row?.total ?? 0);
}

/** The next `limit` matching events after `afterId` (all from the start when undefined), in id order. */
export function auditEventsAfter(db: Db, search: AuditSearch, afterId: string | undefined, limit: number) {
  let query = filtered(db, search).selectAll();
  if (afterId !== undefined) query = query.where('id', '>', afterId);
  return query.orderBy('id', 'asc').limit(limit).execute();
}

/** The newest event's id: where an export's snapshot ends, so its count and its rows agree. */
export async function newestAuditEventId(db: Db): Promise<string | undefined> {
  const row = await db
    .selectFrom('audit_events')
    .select('id')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}
