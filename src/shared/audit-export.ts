/**
 * The console's audit export as a file: its name carries the range, and its first line states the range,
 * the practice's time zone and the count, so the file says what it holds wherever it goes. The server writes
 * the line; the console reads it back to show the same summary.
 */
import type { AuditFilter } from './api-admin';

/** The first line of an exported audit CSV begins so: "# WRSAuth audit export: 1 234 events from …". */
export const AUDIT_EXPORT_SUMMARY_PREFIX = '# WRSAuth audit export: ';

/** "wrsauth-audit-2026-11-01-to-2026-11-30.csv"; an open end says "start" or "now". */
export function auditExportFileName(filter: Pick<AuditFilter, 'from' | 'to'>): string {
  return `wrsauth-audit-${filter.from ?? 'start'}-to-${filter.to ?? 'now'}.csv`;
}

/** The summary an exported file states on its first line, or undefined when it has none. */
export function auditExportSummary(csv: string): string | undefined {
  const end = csv.indexOf('\r\n');
  const first = (end === -1 ? csv : csv.slice(0, end)).replace(/^"(.*)"$/, (_, inner: string) =>
    inner.replaceAll('""', '"'),
  );
  return first.startsWith(AUDIT_EXPORT_SUMMARY_PREFIX)
    ? first.slice(AUDIT_EXPORT_SUMMARY_PREFIX.length)
    : undefined;
}
