/**
 * /api/v1/admin/policy: the console reads and replaces the practice policy, within NIST's bounds, each change
 * audited with who and why; the allowed factors decide which targets sign-in offers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminSession, bearer, call } from '../support/self-service';
import { challenge, login, PASSWORD, startWithUser, type TestServer } from '../support/test-server';

let t: TestServer;
let admin: string;
beforeEach(async () => {
  t = await startWithUser();
  admin = await adminSession(t);
});
afterEach(() => t.close());

const POLICY = {
  mode: 'optional',
  enforceAfter: '2026-09-01',
  codeTtlSeconds: 300,
  rememberDays: 14,
  idleLockMinutes: 10,
  allowedFactors: ['sms', 'email', 'totp'],
};
const put = (body: object) =>
  call(t, 'PUT', '/api/v1/admin/policy', { currentPassword: PASSWORD, ...body }, bearer(admin));

describe('reading and changing the policy', () => {
  it('answers the default policy: optional, 600 s codes, 30 days, 15 min, every factor, UTC', async () => {
    const response = await call(t, 'GET', '/api/v1/admin/policy', undefined, bearer(admin));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      mode: 'optional',
      enforceAfter: null,
      effectiveMode: 'optional',
      codeTtlSeconds: 600,
      rememberDays: 30,
      idleLockMinutes: 15,
      allowedFactors: ['sms', 'email', 'totp'],
      selfServiceReset: 'two_factors',
      timeZone: 'UTC',
      updatedAt: expect.any(String),
    });
  });

  it('replaces the policy and audits who changed it and why', async () => {
    const response = await put({ ...POLICY, reason: 'Rollout: mandatory at the end of summer' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ ...POLICY, effectiveMode: 'optional' });
    const events = await t.server.db
      .selectFrom('audit_events')
      .select(['username', 'detail'])
      .where('event_type', '=', 'policy_changed')
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]?.username).toBe('manager');
    expect(JSON.parse(events[0]?.detail ?? '{}')).toMatchObject({
      reason: 'Rollout: mandatory at the end of summer',
      by: 'manager',
      policy_mode: 'optional',
      enforce_after: '2026-09-01',
      code_ttl_seconds: 300,
    });
  });

  it('acts as required from the enforce-after date on', async () => {
    await put({ ...POLICY, enforceAfter: '2026-06-01', reason: 'Mandatory from today' });
    const response = await call(t, 'GET', '/api/v1/admin/policy', undefined, bearer(admin));
    expect(response.body.effectiveMode).toBe('required');
  });

  it('refuses a change without a reason', async () => {
    const response = await put(POLICY);
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/reason/);
  });

  it.each([
    ['a code TTL under 2 minutes', { codeTtlSeconds: 119 }],
    ['a code TTL over 10 minutes', { codeTtlSeconds: 601 }],
    ['remember-days over 90', { rememberDays: 91 }],
    ['an idle lock of 0 minutes', { idleLockMinutes: 0 }],
    ['no allowed factor', { allowedFactors: [] }],
    ['an unknown factor', { allowedFactors: ['fax'] }],
    ['a factor named twice', { allowedFactors: ['sms', 'sms'] }],
    ['an impossible date', { enforceAfter: '2026-02-30' }],
    ['an unknown mode', { mode: 'sometimes' }],
    ['an unknown self-service reset', { selfServiceReset: 'sometimes' }],
  ])('refuses %s with 400 and changes nothing', async (_label, change) => {
    const response = await put({ ...POLICY, ...change, reason: 'testing the bounds' });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('bad_request');
    const policy = await call(t, 'GET', '/api/v1/admin/policy', undefined, bearer(admin));
    expect(policy.body.codeTtlSeconds).toBe(600);
  });

  it('applies the new code TTL to the next code sent', async () => {
    await put({ ...POLICY, codeTtlSeconds: 120, reason: 'Shorter codes' });
    const sent = await t.send(await challenge(t), 'sms');
    expect(sent.body.expiresAt).toBe(new Date(t.clock.now().getTime() + 120_000).toISOString());
  });
});

describe('allowed factors', () => {
  it('offers only the allowed factors at sign-in, and refuses to send to another', async () => {
    await put({ ...POLICY, allowedFactors: ['email'], reason: 'NIST: no SMS' });
    const response = await login(t);
    expect(response.body.targets.map((x: { id: string }) => x.id)).toEqual(['email']);
    const sms = await t.send(response.body.challengeId, 'sms');
    expect(sms.status).toBe(400);
    expect(sms.body.error).toBe('invalid_target');
    expect((await t.send(response.body.challengeId, 'email')).status).toBe(200);
  });

  it('counts a user whose only contact is a factor no longer allowed as locked out in readiness', async () => {
    await t.server.db.updateTable('users').set({ email: null }).where('username', '=', 'ckiplock').execute();
    await put({ ...POLICY, allowedFactors: ['email', 'totp'], reason: 'NIST: no SMS' });
    const readiness = await call(t, 'GET', '/api/v1/admin/readiness', undefined, bearer(admin));
    expect(readiness.body.wouldBeLockedOut.map((u: { username: string }) => u.username)).toContain(
      'ckiplock',
    );
  });
});

describe('self-service password reset', () => {
  const get = () => call(t, 'GET', '/api/v1/admin/policy', undefined, bearer(admin));

  it('saves it with the policy and audits it with who and why, like the rest', async () => {
    const response = await put({
      ...POLICY,
      selfServiceReset: 'one_factor',
      reason: 'Staff without a 2nd factor',
    });
    expect(response.status).toBe(200);
    expect(response.body.selfServiceReset).toBe('one_factor');
    expect((await get()).body.selfServiceReset).toBe('one_factor');
    const [event] = await t.server.db
      .selectFrom('audit_events')
      .select('detail')
      .where('event_type', '=', 'policy_changed')
      .execute();
    expect(JSON.parse(event?.detail ?? '{}')).toMatchObject({
      self_service_reset: 'one_factor',
      reason: 'Staff without a 2nd factor',
      by: 'manager',
    });
  });

  it('keeps it when a change leaves it out, as a console older than it does', async () => {
    await put({ ...POLICY, selfServiceReset: 'off', reason: 'No self-service reset' });
    const response = await put({ ...POLICY, codeTtlSeconds: 120, reason: 'Shorter codes' });
    expect(response.body).toMatchObject({ codeTtlSeconds: 120, selfServiceReset: 'off' });
  });

  it('turns every reset into a decoy when off', async () => {
    await put({ ...POLICY, selfServiceReset: 'off', reason: 'No self-service reset' });
    const started = await t.post('/api/v1/auth/password-reset', { username: 'ckiplock' });
    expect(
      (await t.post(`/api/v1/auth/password-reset/${started.body.resetId}/send`, { targetId: 'sms' })).status,
    ).toBe(200);
    expect(t.twilio.messages).toHaveLength(0);
  });
});
