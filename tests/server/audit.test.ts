/** /api/v1/admin/audit: the trail filtered by user, event type and date, paged on the server, and as CSV. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminSession, bearer, call } from '../support/self-service';
import { login, PASSWORD, startWithUser, type TestServer } from '../support/test-server';

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

  it('exports the filtered trail as CSV', async () => {
    const response = await call(
      t,
      'GET',
      '/api/v1/admin/audit.csv?type=login_failed',
      undefined,
      bearer(admin),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = String(response.body).trimEnd().split('\r\n');
    expect(lines[0]).toBe('at,type,username,user_id,ip,user_agent,detail');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(/^2026-06-02T09:00:00\.000Z,login_failed,ckiplock,/);
    expect(lines[5]).toMatch(/^2026-06-01T12:00:00\.000Z,login_failed,/);
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
