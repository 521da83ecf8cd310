/**
 * The audit trail as the console and the export search it: filters, newest first one page at a time (keyset:
 * below the cursor's time and id), or in id order batch by batch (keyset: `id > after`), never OFFSET, so the
 * millionth row costs what the first does.
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

/** Where a page of the log starts: below this event, in the log's order (time, then id). */
export interface AuditCursor {
  at: string;
  id: string;
}

/**
 * The cursor an event's id names: that event's time and id. An id no event has (one from a trail restored
 * without it) still marks a place: the time its id begins with (newSortableId), so paging goes on from there.
 */
export async function auditCursorOf(db: Db, id: string): Promise<AuditCursor> {
  const row = await db
    .selectFrom('audit_events')
    .select(['at', 'id'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (row) return row;
  return { at: new Date(Number.parseInt(id.slice(0, 9), 36)).toISOString(), id };
}

/**
 * A page, newest first by time, then id. `before` is the keyset cursor: the page starts below it through
 * audit_events_username_at_id (a user and a time range) or audit_events_at_id, walked backward from the
 * cursor and cut at the page, so page 100 reads 50 rows, not 5 000, whatever the planner guesses of the
 * range; `offset` skips matching rows after that.
 */
export function searchAuditEvents(
  db: Db,
  search: AuditSearch,
  page: { limit: number; offset: number; before?: AuditCursor },
) {
  return auditPageQuery(db, search, page).execute();
}

/** The page's query, unrun (its plan is checked in tests). */
export function auditPageQuery(
  db: Db,
  search: AuditSearch,
  page: { limit: number; offset: number; before?: AuditCursor },
) {
  const { before } = page;
  let query = filtered(db, search).selectAll();
  if (before !== undefined)
    query = query.where((eb) => eb(eb.refTuple('at', 'id'), '<', eb.tuple(before.at, before.id)));
  query = query.orderBy('at', 'desc').orderBy('id', 'desc').limit(page.limit);
  return page.offset > 0 ? query.offset(page.offset) : query;
}

/** How many events match, all of them: the export's count, fixed at its snapshot. */
export async function countAuditEvents(db: Db, search: AuditSearch): Promise<number> {
  const row = await filtered(db, search)
    .select((eb) => eb.fn.countAll<string | number>().as('total'))
    .executeTakeFirst();
  return Number(row?.total ?? 0);
}

/**
 * How many events match, counting no further than `cap` + 1: the console's page total, which must not read a
 * million rows on every visit. The count reads the index the filter uses (audit_events_username_at for a user
 * and a date range, audit_events_at for a date range alone).
 */
export async function countAuditEventsUpTo(db: Db, search: AuditSearch, cap: number): Promise<number> {
  const row = await auditCountUpToQuery(db, search, cap).executeTakeFirst();
  return Number(row?.total ?? 0);
}

/** The capped count's query, unrun (its plan is checked in tests). */
export function auditCountUpToQuery(db: Db, search: AuditSearch, cap: number) {
  return db
    .selectFrom(
      filtered(db, search)
        .select('id')
        .limit(cap + 1)
        .as('matching'),
    )
    .select((eb) => eb.fn.countAll<string | number>().as('total'));
}

/**
 * The next `limit` matching events after `afterId` (all from the start when undefined), in id order: the
 * export's batches. Filtered by `at` alone, never by the id range the console's pages add: an export must
 * hold every event its days match, as its count says, even a row whose id does not follow its time (one
 * restored or written by hand), so it trades that index walk for completeness.
 */
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
