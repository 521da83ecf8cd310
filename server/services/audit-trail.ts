/** The audit trail for the console: filtered pages, and the same filter as CSV. */

import type { Selectable } from 'kysely';
import type { AuditEventView, AuditFilter, AuditPage, AuditQuery } from '../../src/shared/api';
import type { Db } from '../db/database';
import type { AuditEventTable } from '../db/schema';
import { countAuditEvents, searchAuditEvents } from '../repositories/audit-search';
import { csvCell } from './readiness';

/** The most rows one CSV export holds, newest first. */
export const AUDIT_CSV_MAX_ROWS = 10_000;

function toView(row: Selectable<AuditEventTable>): AuditEventView {
  return {
    id: row.id,
    at: row.at,
    type: row.event_type,
    userId: row.user_id,
    username: row.username,
    ip: row.ip,
    userAgent: row.user_agent,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
  };
}

export class AuditTrail {
  constructor(private readonly db: Db) {}

  async page(query: AuditQuery): Promise<AuditPage> {
    const { limit, offset, ...filter } = query;
    const [rows, total] = await Promise.all([
      searchAuditEvents(this.db, filter, { limit, offset }),
      countAuditEvents(this.db, filter),
    ]);
    return { events: rows.map(toView), total, limit, offset };
  }

  async csv(filter: AuditFilter): Promise<string> {
    const rows = await searchAuditEvents(this.db, filter, { limit: AUDIT_CSV_MAX_ROWS, offset: 0 });
    const lines = [
      ['at', 'type', 'username', 'user_id', 'ip', 'user_agent', 'detail'],
      ...rows.map((row) => [
        row.at,
        row.event_type,
        row.username ?? '',
        row.user_id ?? '',
        row.ip ?? '',
        row.user_agent ?? '',
        row.detail,
      ]),
    ];
    return `${lines.map((line) => line.map(csvCell).join(',')).join('\r\n')}\r\n`;
  }
}
