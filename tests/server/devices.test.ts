/** /api/v1/me/devices: my trusted workstations, revoke one or all; every revocation audited. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, call, staffSession } from '../support/self-service';
import { createUser, login, startWithUser, type TestServer } from '../support/test-server';

let t: TestServer;
beforeEach(async () => {
  t = await startWithUser();
});
afterEach(() => t.close());

/** Signs in ckiplock with "Remember this workstation": the session token and the workstation's token. */
async function rememberWorkstation(name: string) {
  const id = (await login(t)).body.challengeId;
  await t.send(id, 'sms');
  const response = await t.verify(id, t.lastSmsCode(), { rememberDevice: true, deviceName: name });
  t.clock.advance(31);
  return { session: response.body.sessionToken as string, device: response.body.deviceToken as string };
}

const auditTypes = async () =>
  (await t.server.db.selectFrom('audit_events').select(['event_type', 'detail']).execute()).map(
    (e) => e.event_type,
  );

describe('listing trusted workstations', () => {
  it('lists my live workstations with name, created, last used and expiry, newest first', async () => {
    const started = t.clock.now().toISOString();
    await rememberWorkstation('Front Desk 1');
    t.clock.advance(60);
    const { session } = await rememberWorkstation('Front Desk 2');
    const response = await call(t, 'GET', '/api/v1/me/devices', undefined, bearer(session));
    expect(response.status).toBe(200);
    expect(response.body.devices.map((d: { name: string }) => d.name)).toEqual([
      'Front Desk 2',
      'Front Desk 1',
    ]);
    const first = response.body.devices[1];
    expect(first).toEqual({
      id: expect.any(String),
      name: 'Front Desk 1',
      createdAt: started,
      lastUsedAt: started,
      expiresAt: new Date(new Date(started).getTime() + 30 * 86_400_000).toISOString(),
    });
    expect(JSON.stringify(response.body)).not.toMatch(/token|hash/i);
  });

  it('shows last used when a remembered workstation signs in again', async () => {
    const { device } = await rememberWorkstation('Front Desk 1');
    t.clock.advance(3600);
    const again = await login(t, 'ckiplock', undefined, { deviceToken: device });
    expect(again.body.status).toBe('authenticated');
    const list = await call(t, 'GET', '/api/v1/me/devices', undefined, bearer(again.body.sessionToken));
    expect(list.body.devices[0].lastUsedAt).toBe(t.clock.now().toISOString());
  });

  it("never lists another user's workstations", async () => {
    await rememberWorkstation('Front Desk 1');
    await createUser(t, { username: 'other', phone: '+12025550188', email: 'other@wrshealth.com' });
    const otherSession = await staffSession(t, 'other');
    const list = await call(t, 'GET', '/api/v1/me/devices', undefined, bearer(otherSession));
    expect(list.body.devices).toEqual([]);
  });
});

describe('revoking trusted workstations', () => {
  it('revokes one: its token asks for a code again, the other still works, and it is audited', async () => {
    const one = await rememberWorkstation('Front Desk 1');
    const two = await rememberWorkstation('Front Desk 2');
    const list = await call(t, 'GET', '/api/v1/me/devices', undefined, bearer(two.session));
    const target = list.body.devices.find((d: { name: string }) => d.name === 'Front Desk 1');
    const revoked = await call(
      t,
      'DELETE',
      `/api/v1/me/devices/${target.id}`,
      undefined,
      bearer(two.session),
    );
    expect(revoked.status).toBe(204);
    expect((await login(t, 'ckiplock', undefined, { deviceToken: one.device })).body.status).toBe(
      'challenge',
    );
    expect((await login(t, 'ckiplock', undefined, { deviceToken: two.device })).body.status).toBe(
      'authenticated',
    );
    expect(await auditTypes()).toContain('trusted_device_revoked');
    const after = await call(t, 'GET', '/api/v1/me/devices', undefined, bearer(two.session));
    expect(after.body.devices.map((d: { name: string }) => d.name)).toEqual(['Front Desk 2']);
  });

  it("answers 404 for another user's workstation and leaves it trusted", async () => {
    const mine = await rememberWorkstation('Front Desk 1');
    const list = await call(t, 'GET', '/api/v1/me/devices', undefined, bearer(mine.session));
    await createUser(t, { username: 'other', phone: '+12025550188', email: 'other@wrshealth.com' });
    const otherSession = await staffSession(t, 'other');
    const response = await call(
      t,
      'DELETE',
      `/api/v1/me/devices/${list.body.devices[0].id}`,
      undefined,
      bearer(otherSession),
    );
    expect(response.status).toBe(404);
    expect(response.body.error).toBe('not_found');
    expect((await login(t, 'ckiplock', undefined, { deviceToken: mine.device })).body.status).toBe(
      'authenticated',
    );
  });

  it('revokes all: every token asks for a code again, with the count, audited', async () => {
    const one = await rememberWorkstation('Front Desk 1');
    const two = await rememberWorkstation('Front Desk 2');
    const response = await call(t, 'DELETE', '/api/v1/me/devices', undefined, bearer(two.session));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ revoked: 2 });
    for (const device of [one.device, two.device]) {
      expect((await login(t, 'ckiplock', undefined, { deviceToken: device })).body.status).toBe('challenge');
    }
    expect(await auditTypes()).toContain('trusted_devices_revoked');
  });
});
