/** The audit trail as the console searches it: filters, newest first, one page at a time. */
import type { AuditFilter } from '../../src/shared/api';
import type { Db } from '../db/database';

function filtered(db: Db, filter: AuditFilter) {
  let query = db.selectFrom('audit_events');
  if (filter.username) query = query.where('username', '=', filter.username);
  if (filter.type) query = query.where('event_type', '=', filter.type);
  if (filter.from) query = query.where('at', '>=', `${filter.from}T00:00:00.000Z`);
  if (filter.to) query = query.where('at', '<', nextDay(filter.to));
  return query;
}

function nextDay(date: string): string {
  return new Date(new Date(`${date}T00:00:00.000Z`).getTime() + 86_400_000).toISOString();
}

export function searchAuditEvents(db: Db, filter: AuditFilter, page: { limit: number; offset: number }) {
  return filtered(db, filter)
    .selectAll()
    .orderBy('id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countAuditEvents(db: Db, filter: AuditFilter): Promise<number> {
  const row = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<string | number>().as('total'))
    .executeTakeFirst();
  return Number(row?.total ?? 0);
}
