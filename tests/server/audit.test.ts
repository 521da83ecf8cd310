/**
 * /api/v1/admin/audit: the trail filtered by user, event type and date (days in the practice's time zone),
 * paged on the server, and as a CSV export that holds every matching event, says so, and is itself audited.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newSortableId } from '../../server/secrets';
import { adminSession, bearer, call, userIdOf } from '../support/self-service';
import {
  auditEventsAbout,
  auditEventsOf,
  login,
  PASSWORD,
  startWithUser,
  type TestServer,
} from '../support/test-server';

let t: TestServer;
let admin: string;
beforeEach(async () => {
  t = await startWithUser();
  // Three failed logins on 2026-06-01 and two on 2026-06-02, besides what setting up wrote.
  for (let i = 0; i < 3; i++) await login(t, 'ckiplock', 'wrong-password1');
  t.clock.set('2026-06-02T09:00:00.000Z');
  for (let i = 0; i < 2; i++) await login(t, 'ckiplock', 'wrong-password1');
  t.clock.advance(60);
  admin = await adminSession(t);
});
afterEach(() => t.close());

const audit = (query: string) => call(t, 'GET', `/api/v1/admin/audit?${query}`, undefined, bearer(admin));
const csvOf = (query: string) => call(t, 'GET', `/api/v1/admin/audit.csv?${query}`, undefined, bearer(admin));

describe('the audit trail in the console', () => {
  it('filters by user and event type, newest first, with the total', async () => {
    const response = await audit('username=ckiplock&type=login_failed');
    expect(response.status).toBe(200);
    expect(response.body.total).toBe(5);
    expect(response.body.events).toHaveLength(5);
    const times = response.body.events.map((e: { at: string }) => e.at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(response.body.events[0]).toMatchObject({
      type: 'login_failed',
      username: 'ckiplock',
      detail: { reason: 'wrong_password' },
    });
  });

  it('filters by date, both days included', async () => {
    expect((await audit('type=login_failed&from=2026-06-02')).body.total).toBe(2);
    expect((await audit('type=login_failed&to=2026-06-01')).body.total).toBe(3);
    expect((await audit('type=login_failed&from=2026-06-01&to=2026-06-02')).body.total).toBe(5);
  });

  it('pages on the server: limit and offset, pages that do not overlap', async () => {
    const first = await audit('type=login_failed&limit=2');
    const second = await audit('type=login_failed&limit=2&offset=2');
    const third = await audit('type=login_failed&limit=2&offset=4');
    expect([first.body.events.length, second.body.events.length, third.body.events.length]).toEqual([
      2, 2, 1,
    ]);
    const ids = [...first.body.events, ...second.body.events, ...third.body.events].map(
      (e: { id: string }) => e.id,
    );
    expect(new Set(ids).size).toBe(5);
    expect(first.body).toMatchObject({ total: 5, limit: 2, offset: 0 });
  });

  it('refuses a page size over 200 and a malformed date with 400', async () => {
    expect((await audit('limit=201')).status).toBe(400);
    expect((await audit('from=June')).status).toBe(400);
  });

  it('exports the filtered trail as CSV, oldest first, its first line stating the count, range and zone', async () => {
    const response = await csvOf('type=login_failed&from=2026-06-01&to=2026-06-02');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="wrsauth-audit-2026-06-01-to-2026-06-02.csv"',
    );
    const lines = String(response.body).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      '# WRSAuth audit export: 5 events from 2026-06-01 to 2026-06-02 (UTC); type login_failed',
    );
    expect(lines[1]).toBe('id,at,type,username,user_id,ip,user_agent,detail');
    expect(lines).toHaveLength(7);
    expect(lines[2]).toMatch(/^\w+,2026-06-01T12:00:00\.000Z,login_failed,ckiplock,/);
    expect(lines[6]).toMatch(/^\w+,2026-06-02T09:00:00\.000Z,login_failed,/);
  });

  it('records each export as audit_exported, with the filter, the zone, the row count and who', async () => {
    await csvOf('type=login_failed&username=ckiplock&from=2026-06-02');
    expect(await auditEventsAbout(t, 'audit_exported', await userIdOf(t, 'manager'))).toEqual([
      {
        username: 'manager',
        detail: {
          by: 'manager',
          from: '2026-06-02',
          to: null,
          username: 'ckiplock',
          type: 'login_failed',
          format: 'csv',
          timeZone: 'UTC',
          rows: 2,
        },
      },
    ]);
    // The export's own event is not in the export that records it, nor does it change its count.
    const again = String((await csvOf('type=audit_exported')).body);
    expect(again.split('\r\n')[0]).toBe(
      '# WRSAuth audit export: 1 event from the first event to now (UTC); type audit_exported',
    );
  });

  it('exports every matching event, past the old 10,000 cap and across many keyset batches, each once', async () => {
    const many = 10_050;
    const base = Date.parse('2026-06-03T00:00:00.000Z');
    for (let start = 0; start < many; start += 500) {
      await t.server.db
        .insertInto('audit_events')
        .values(
          Array.from({ length: Math.min(500, many - start) }, (_, i) => {
            const at = new Date(base + (start + i) * 1000);
            return {
              id: newSortableId(at),
              at: at.toISOString(),
              user_id: null,
              username: 'bulk',
              ip: null,
              user_agent: null,
              event_type: 'code_sent',
              detail: JSON.stringify({ n: start + i }),
            };
          }),
        )
        .execute();
    }
    const response = await csvOf('username=bulk');
    const lines = String(response.body).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      '# WRSAuth audit export: 10 050 events from the first event to now (UTC); user bulk',
    );
    const rows = lines.slice(2);
    expect(rows).toHaveLength(many);
    expect(new Set(rows.map((row) => row.split(',')[0])).size).toBe(many);
    const numbers = rows.map((row) => Number(/"\{""n"":(\d+)\}"$/.exec(row)?.[1]));
    expect(numbers).toEqual(Array.from({ length: many }, (_, i) => i));
    expect((await auditEventsOf(t, 'audit_exported'))[0]?.detail.rows).toBe(many);
  });

  it('reads the filter’s days in the practice’s time zone, and says which zone it used', async () => {
    // In Auckland (UTC+12 in June) 2026-06-01T12:00Z is midnight starting June 2: every failure is on June 2.
    await t.server.services.cli.setPolicy({ timeZone: 'Pacific/Auckland' });
    expect((await audit('type=login_failed&to=2026-06-01')).body).toMatchObject({
      total: 0,
      timeZone: 'Pacific/Auckland',
    });
    expect((await audit('type=login_failed&from=2026-06-02&to=2026-06-02')).body.total).toBe(5);
    const csv = String((await csvOf('type=login_failed&from=2026-06-02&to=2026-06-02')).body);
    expect(csv.split('\r\n')[0]).toBe(
      '# WRSAuth audit export: 5 events from 2026-06-02 to 2026-06-02 (Pacific/Auckland); type login_failed',
    );
  });

  it('shows a policy change made in the console, with who and why', async () => {
    await call(
      t,
      'PUT',
      '/api/v1/admin/policy',
      {
        mode: 'required',
        enforceAfter: null,
        codeTtlSeconds: 600,
        rememberDays: 30,
        idleLockMinutes: 15,
        allowedFactors: ['sms', 'email', 'totp'],
        reason: 'Board decision',
        currentPassword: PASSWORD,
      },
      bearer(admin),
    );
    const response = await audit('type=policy_changed');
    expect(response.body.events[0]).toMatchObject({
      username: 'manager',
      detail: { reason: 'Board decision', by: 'manager', policy_mode: 'required' },
    });
  });
});
