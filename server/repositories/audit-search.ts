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

/**
 * A page, newest first. `before` (an id) is the keyset cursor: the page starts below it through the primary
 * key or (username, id), so page 100 reads 50 rows, not 5 000; `offset` skips matching rows after that.
 */
export function searchAuditEvents(
  db: Db,
  search: AuditSearch,
  page: { limit: number; offset: number; before?: string },
) {
  return auditPageQuery(db, search, page).execute();
}

/**
 * The least id an event at or after `at` can have. An event's id begins with its time in base-36 milliseconds,
 * padded to 9 (newSortableId; AuditLog.record writes id and `at` from one instant), so a time range is also an
 * id range, and "events of a user in a month, newest first, below the cursor" is one backward walk of
 * audit_events_username (username, id): no sort of the month's events, however many the user has.
 */
function idFloor(at: string): string {
  // A day before 1970 (a filter "from 1900-01-01") is every event: no minus sign, which collations may skip.
  return Math.max(0, Date.parse(at)).toString(36).padStart(9, '0');
}

/** The filter with its time range also said of the id, so the planner can walk an id index in order. */
function filteredInIdOrder(db: Db, search: AuditSearch) {
  let query = filtered(db, search);
  if (search.fromAt) query = query.where('id', '>=', idFloor(search.fromAt));
  if (search.beforeAt) query = query.where('id', '<', idFloor(search.beforeAt));
  return query;
}

/** The page's query, unrun (its plan is checked in tests). */
export function auditPageQuery(
  db: Db,
  search: AuditSearch,
  page: { limit: number; offset: number; before?: string },
) {
  let query = filteredInIdOrder(db, search).selectAll();
  if (page.before !== undefined) query = query.where('id', '<', page.before);
  query = query.orderBy('id', 'desc').limit(page.limit);
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
