/**
 * The pieces an audit export is made of: where a practice's day begins (the filter's days are read in its
 * time zone), CSV cells a spreadsheet cannot run as formulas, and the summary line the console reads back.
 */
import { describe, expect, it } from 'vitest';
import { nextDate, startOfDayIn, todayIn } from '../../src/shared/account-dates';
import { auditExportFileName, auditExportSummary } from '../../src/shared/audit-export';
import { csvCell, csvLine } from '../../src/shared/csv';

describe('where a day begins in the practice time zone', () => {
  it.each([
    ['UTC', '2026-06-02', '2026-06-02T00:00:00.000Z'],
    // New York on daylight time (UTC-4), and on standard time (UTC-5).
    ['America/New_York', '2026-06-02', '2026-06-02T04:00:00.000Z'],
    ['America/New_York', '2026-12-01', '2026-12-01T05:00:00.000Z'],
    // The days clocks spring forward and fall back: midnight is still before the change.
    ['America/New_York', '2026-03-08', '2026-03-08T05:00:00.000Z'],
    ['America/New_York', '2026-03-09', '2026-03-09T04:00:00.000Z'],
    ['America/New_York', '2026-11-01', '2026-11-01T04:00:00.000Z'],
    ['America/New_York', '2026-11-02', '2026-11-02T05:00:00.000Z'],
    // East of Greenwich, the day begins the evening before in UTC.
    ['Pacific/Auckland', '2026-06-02', '2026-06-01T12:00:00.000Z'],
    ['Asia/Kolkata', '2026-06-02', '2026-06-01T18:30:00.000Z'],
  ])('%s: %s begins at %s', (zone, date, instant) => {
    const begins = startOfDayIn(date, zone);
    expect(begins.toISOString()).toBe(instant);
    expect(todayIn(zone, begins)).toBe(date);
    expect(todayIn(zone, new Date(begins.getTime() - 1))).not.toBe(date);
  });

  it('steps to the next day across month and year ends', () => {
    expect([nextDate('2026-01-31'), nextDate('2026-12-31'), nextDate('2028-02-28')]).toEqual([
      '2026-02-01',
      '2027-01-01',
      '2028-02-29',
    ]);
  });
});

describe('CSV cells', () => {
  it('quotes commas, quotes and line breaks as RFC 4180 says, doubling quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvLine(['a', 'b,c', ''])).toBe('a,"b,c",\r\n');
  });

  it('neutralises formula injection: a cell starting with = + - @ gets a leading apostrophe', () => {
    expect(['=HYPERLINK("x")', '+1', '-2', '@SUM(A1)'].map(csvCell)).toEqual([
      `"'=HYPERLINK(""x"")"`,
      "'+1",
      "'-2",
      "'@SUM(A1)",
    ]);
  });
});

describe('the export file says what it holds', () => {
  it('names the range in the file name', () => {
    expect(auditExportFileName({ from: '2026-11-01', to: '2026-11-30' })).toBe(
      'wrsauth-audit-2026-11-01-to-2026-11-30.csv',
    );
    expect(auditExportFileName({})).toBe('wrsauth-audit-start-to-now.csv');
  });

  it('reads the summary back from the first line, quoted or not, and nothing from a file without one', () => {
    const line = '# WRSAuth audit export: 1 234 events from 2026-11-01 to 2026-11-30 (America/New_York)';
    expect(auditExportSummary(`${line}\r\nid,at\r\n`)).toBe(
      '1 234 events from 2026-11-01 to 2026-11-30 (America/New_York)',
    );
    expect(auditExportSummary(`${csvLine([`${line}, user a`])}id,at\r\n`)).toBe(
      '1 234 events from 2026-11-01 to 2026-11-30 (America/New_York), user a',
    );
    expect(auditExportSummary('id,at\r\n')).toBeUndefined();
  });
});
