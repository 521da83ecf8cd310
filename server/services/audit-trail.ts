/**
 * The audit trail for the console and the export. Dates in a filter are whole days in the practice's time
 * zone, both included. An export holds every matching event (no cap), in id order, read in keyset batches and
 * streamed, never held in memory; its count is fixed up front by a snapshot (events up to the newest id when
 * it starts), so the file says how many rows it holds and holds exactly those. Each export is itself audited.
 */
import type { Selectable } from 'kysely';
import { nextDate, startOfDayIn } from '../../src/shared/account-dates';
import {
  AUDIT_COUNT_CAP,
  type AuditEventView,
  type AuditFilter,
  type AuditPage,
  type AuditQuery,
} from '../../src/shared/api';
import { csvLine } from '../../src/shared/csv';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import type { AuditEventTable } from '../db/schema';
import {
  type AuditSearch,
  auditCursorOf,
  auditEventsAfter,
  countAuditEvents,
  countAuditEventsUpTo,
  newestAuditEventId,
  searchAuditEvents,
} from '../repositories/audit-search';
import { ensurePractice } from '../repositories/practices';
import type { AuditLog, RequestContext } from './audit-log';

/** The last calendar day a filter can name (YYYY-MM-DD has four digits of year). */
const LAST_DAY = '9999-12-31';

/**
 * Rows read per query while exporting, and written as one chunk. Small on purpose (measured, README "Audit
 * export memory"): a batch's rows are alive at every young-generation collection that runs while it is read
 * and formatted, and once enough has survived those collections V8 doubles its young generation for good;
 * with 1 000-row batches a million-row export did so (64 MiB more RSS than a short export), with 200 it does
 * not. 200 rows of CSV (about 34 KB) also stay under V8's large-object size (128 KiB), so a chunk waiting
 * for the socket is not a large object that only a full collection frees.
 */
export const AUDIT_EXPORT_BATCH = 200;

export type AuditExportFormat = 'csv' | 'jsonl';

export const AUDIT_CSV_HEADER = ['id', 'at', 'type', 'username', 'user_id', 'ip', 'user_agent', 'detail'];

/** Who exports: the account manager (console) or the operating-system user at the CLI. */
export interface AuditExporter {
  by: string;
  userId?: string;
  username?: string;
}

export interface AuditExport {
  /** How many events the export holds, fixed when it started. */
  count: number;
  /** The zone the filter's days were read in. */
  timeZone: string;
  /** "1 234 events from 2026-11-01 to 2026-11-30 (America/New_York)", and the user and type if filtered. */
  summary: string;
  /** The export's text, a header (CSV) then one record per event, batch by batch. */
  lines(): AsyncGenerator<string>;
}

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

function csvRecord(row: Selectable<AuditEventTable>): string {
  return csvLine([
    row.id,
    row.at,
    row.event_type,
    row.username ?? '',
    row.user_id ?? '',
    row.ip ?? '',
    row.user_agent ?? '',
    row.detail,
  ]);
}

const jsonlRecord = (row: Selectable<AuditEventTable>) => `${JSON.stringify(toView(row))}\n`;

/**
 * The next batch of an export as one chunk of text, with the id to continue after: the rows themselves are
 * dropped here, so nothing but the text stays alive while the chunk waits for the reader.
 */
async function exportBatch(
  db: Db,
  search: AuditSearch,
  after: string | undefined,
  record: (row: Selectable<AuditEventTable>) => string,
): Promise<{ text: string; lastId: string | undefined; full: boolean }> {
  const rows = await auditEventsAfter(db, search, after, AUDIT_EXPORT_BATCH);
  return {
    text: rows.map(record).join(''),
    lastId: rows.at(-1)?.id,
    full: rows.length === AUDIT_EXPORT_BATCH,
  };
}

/** The export's range, count and filter in words, as its file and the console state them. */
export function exportSummary(filter: AuditFilter, count: number, timeZone: string): string {
  // Digits grouped with spaces, not commas: the summary sits in a CSV file's first cell unquoted.
  const events = `${count.toLocaleString('en-US').replaceAll(',', ' ')} event${count === 1 ? '' : 's'}`;
  const range = `from ${filter.from ?? 'the first event'} to ${filter.to ?? 'now'} (${timeZone})`;
  const who = filter.username ? `; user ${filter.username}` : '';
  const type = filter.type ? `; type ${filter.type}` : '';
  return `${events} ${range}${who}${type}`;
}

export class AuditTrail {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  /** The practice's time zone, which the filter's days are read in. */
  async timeZone(): Promise<string> {
    const practice = await ensurePractice(this.db, this.clock.now());
    return practice.time_zone;
  }

  /** The filter with its days as instants: from the start of `from` to the start of the day after `to`. */
  private async search(filter: AuditFilter): Promise<{ search: AuditSearch; timeZone: string }> {
    const timeZone = await this.timeZone();
    return {
      timeZone,
      search: {
        username: filter.username,
        type: filter.type,
        fromAt: filter.from && startOfDayIn(filter.from, timeZone).toISOString(),
        // The last day there is (9999-12-31) has no next day to stop before: it bounds nothing.
        beforeAt:
          filter.to && filter.to < LAST_DAY
            ? startOfDayIn(nextDate(filter.to), timeZone).toISOString()
            : undefined,
      },
    };
  }

  async page(query: AuditQuery): Promise<AuditPage> {
    const { limit, offset, before, ...filter } = query;
    const { search, timeZone } = await this.search(filter);
    const cursor = before === undefined ? undefined : await auditCursorOf(this.db, before);
    const [rows, counted] = await Promise.all([
      searchAuditEvents(this.db, search, { limit, offset, before: cursor }),
      countAuditEventsUpTo(this.db, search, AUDIT_COUNT_CAP),
    ]);
    const totalCapped = counted > AUDIT_COUNT_CAP;
    const total = totalCapped ? AUDIT_COUNT_CAP : counted;
    return { events: rows.map(toView), total, totalCapped, limit, offset, timeZone };
  }

  /** The newest matching events as stored, for the CLI's look at a terminal. */
  async newest(filter: AuditFilter, limit: number) {
    const { search } = await this.search(filter);
    return searchAuditEvents(this.db, search, { limit, offset: 0 });
  }

  /**
   * Starts an export of every event matching the filter. The export is audited now, with the filter and
   * the count, before a row leaves: an export cut short is still on record.
   */
  async export(
    filter: AuditFilter,
    format: AuditExportFormat,
    exporter: AuditExporter,
    context: RequestContext,
  ): Promise<AuditExport> {
    const { search: unbounded, timeZone } = await this.search(filter);
    const throughId = await newestAuditEventId(this.db);
    const search = { ...unbounded, throughId };
    const count = throughId === undefined ? 0 : await countAuditEvents(this.db, search);
    await this.audit.record(context, {
      type: 'audit_exported',
      userId: exporter.userId,
      username: exporter.username,
      detail: {
        by: exporter.by,
        from: filter.from ?? null,
        to: filter.to ?? null,
        username: filter.username ?? null,
        type: filter.type ?? null,
        format,
        timeZone,
        rows: count,
      },
    });
    const db = this.db;
    const record = format === 'csv' ? csvRecord : jsonlRecord;
    return {
      count,
      timeZone,
      summary: exportSummary(filter, count, timeZone),
      async *lines() {
        if (format === 'csv') yield csvLine(AUDIT_CSV_HEADER);
        if (throughId === undefined) return;
        let after: string | undefined;
        for (;;) {
          const batch = await exportBatch(db, search, after, record);
          if (batch.lastId === undefined) return;
          // One chunk per batch: fewer, larger writes than one per row. The next batch is read only when
          // the reader asks for more (the route and the CLI wait for the socket or stdout to drain).
          yield batch.text;
          if (!batch.full) return;
          after = batch.lastId;
        }
      },
    };
  }
}
