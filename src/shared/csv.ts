/**
 * CSV as the practice's exports write it (readiness, the audit trail, the admin CLI): RFC 4180 quoting, CRLF
 * line ends, and spreadsheet formula injection neutralised. One implementation, so every export is safe to
 * open in Excel alike.
 */

/** RFC 4180 quoting, and a leading ' before = + - @ (and tab, CR) so a spreadsheet never runs a cell as a formula. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One CSV record, with its CRLF. */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
