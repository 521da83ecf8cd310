/**
 * `npm run server -- audit --format csv|jsonl`: the audit export a HIPAA auditor accepts, run as a real
 * process over a temp data dir. Every matching event, in id order across keyset batches, the days read in
 * the practice's time zone, CSV safe to open in a spreadsheet, and the export itself on the audit trail with
 * the count and the operating-system user who ran it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatingSystemUser } from '../server/services/audit-log';
import {
  type CliResult,
  makeDataDir,
  readDb,
  removeDataDir,
  runAdmin,
  writeDb,
} from './cli-helpers/wrsauth-process';

const CLI_BY = `(cli: ${operatingSystemUser()})`;
/** More than one of the export's 1000-row keyset batches. */
const BULK = 2_500;

interface AuditRow {
  id: string;
  user_agent: string | null;
  detail: string;
}

let dataDir = '';
beforeAll(async () => {
  dataDir = makeDataDir();
  // The first command creates and migrates the data dir; New York is UTC-4 until 2026-11-01, then UTC-5.
  const zone = await runAdmin(dataDir, ['set-policy', '--time-zone', 'America/New_York']);
  expect(zone.code).toBe(0);
  writeDb(dataDir, (db) => {
    const insert = db.prepare(
      `INSERT INTO audit_events (id, at, user_id, username, ip, user_agent, event_type, detail)
       VALUES (?, ?, NULL, ?, ?, ?, ?, ?)`,
    );
    const event = (id: string, at: string, username: string, type: string, detail: object, agent = 'test') =>
      insert.run(id, at, username, '127.0.0.1', agent, type, JSON.stringify(detail));
    // Around November in New York: the last instant of October 31, the first of November 1, the last of
    // November 30 (after the clocks fell back) and the first of December 1.
    event('r1', '2026-11-01T03:59:59.999Z', 'edge', 'login_failed', { edge: 'oct31' });
    event('r2', '2026-11-01T04:00:00.000Z', 'edge', 'login_failed', { edge: 'nov1' });
    event('r3', '2026-12-01T04:59:59.999Z', 'edge', 'login_failed', { edge: 'nov30' });
    event('r4', '2026-12-01T05:00:00.000Z', 'edge', 'login_failed', { edge: 'dec1' });
    // A username and user agent a spreadsheet would run as formulas, with commas and quotes to quote.
    event('r5', '2026-11-15T12:00:00.000Z', '=cmd', 'login_succeeded', { note: 'a, "b"' }, '@SUM(1+1)');
    for (let n = 0; n < BULK; n++) {
      event(`s${String(n).padStart(6, '0')}`, '2026-10-01T00:00:00.000Z', 'bulk', 'code_sent', { n });
    }
  });
});
afterAll(() => removeDataDir(dataDir));

function exportAudits(): AuditRow[] {
  return readDb(dataDir, (db) =>
    db.prepare("SELECT * FROM audit_events WHERE event_type = 'audit_exported' ORDER BY id").all(),
  ) as AuditRow[];
}

/** Exit 0 with the export on stdout and its one-line summary on stderr. */
function expectExported(result: CliResult, summary: string): void {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: `exported ${summary}\n` });
}

describe('audit --format csv', () => {
  it('holds exactly the days from --from to --to in the practice’s time zone, quoted and defused, and is audited', async () => {
    const result = await runAdmin(dataDir, [
      'audit',
      '--from',
      '2026-11-01',
      '--to',
      '2026-11-30',
      '--format',
      'csv',
    ]);
    expectExported(result, '3 events from 2026-11-01 to 2026-11-30 (America/New_York)');
    const lines = result.stdout.split('\r\n');
    expect(lines[0]).toBe('id,at,type,username,user_id,ip,user_agent,detail');
    expect(lines.slice(1, -1).map((line) => line.split(',')[0])).toEqual(['r2', 'r3', 'r5']);
    expect(lines.at(-1)).toBe('');
    expect(lines[3]).toBe(
      `r5,2026-11-15T12:00:00.000Z,login_succeeded,'=cmd,,127.0.0.1,'@SUM(1+1),"{""note"":""a, \\""b\\""""}"`,
    );
    const [exported] = exportAudits();
    expect(exported?.user_agent).toBe(`wrsauth-cli ${CLI_BY}`);
    expect(JSON.parse(exported?.detail ?? '{}')).toEqual({
      by: CLI_BY,
      from: '2026-11-01',
      to: '2026-11-30',
      username: null,
      type: null,
      format: 'csv',
      timeZone: 'America/New_York',
      rows: 3,
    });
  });
});

describe('audit --format jsonl', () => {
  it('writes every matching event across several keyset batches, in id order, one JSON object a line', async () => {
    const result = await runAdmin(dataDir, [
      'audit',
      '--username',
      'bulk',
      '--type',
      'code_sent',
      '--format',
      'jsonl',
    ]);
    expectExported(
      result,
      '2 500 events from the first event to now (America/New_York); user bulk; type code_sent',
    );
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(BULK);
    const events = lines.map(
      (line) => JSON.parse(line) as { id: string; type: string; detail: { n: number } },
    );
    expect(events.map((event) => event.detail.n)).toEqual(Array.from({ length: BULK }, (_, n) => n));
    expect(events[0]).toMatchObject({ id: 's000000', type: 'code_sent', username: 'bulk', ip: '127.0.0.1' });
    expect(JSON.parse(exportAudits().at(-1)?.detail ?? '{}')).toMatchObject({
      format: 'jsonl',
      username: 'bulk',
      type: 'code_sent',
      rows: BULK,
    });
  });
});

describe('audit refuses a bad filter with a one-line reason, exporting nothing', () => {
  it.each([
    [['--format', 'xml'], /--format must be csv or jsonl/],
    [['--format', 'csv', '--type', 'nope'], /--type "nope" is not an audit event type/],
    [['--format', 'csv', '--from', '2026-02-30'], /--from "2026-02-30" is not a real date/],
    [['--format', 'csv', '--limit', '5'], /an export is never cut/],
  ])('audit %j', async (args, reason) => {
    const before = exportAudits().length;
    const result = await runAdmin(dataDir, ['audit', ...args]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(reason);
    expect(exportAudits()).toHaveLength(before);
  });
});
