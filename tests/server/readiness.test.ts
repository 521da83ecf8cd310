/** /api/v1/admin/readiness: who has which factor, and who would be locked out if the policy were required today. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminSession, bearer, call, staffSession, totpCode } from '../support/self-service';
import { createUser, PASSWORD, startWithUser, type TestServer } from '../support/test-server';

let t: TestServer;
let admin: string;
beforeEach(async () => {
  t = await startWithUser(); // ckiplock: phone and email
  admin = await adminSession(t); // manager: no contacts
  await createUser(t, { username: 'phoneonly', phone: '+12025550101', email: undefined });
  await createUser(t, { username: 'emailonly', phone: undefined, email: 'e@wrshealth.com' });
  await createUser(t, {
    username: 'nobody',
    firstName: '=HYPERLINK("x")',
    phone: undefined,
    email: undefined,
  });
  await createUser(t, { username: 'gone', phone: undefined, email: undefined });
  await t.server.db.updateTable('users').set({ active: 0 }).where('username', '=', 'gone').execute();
});
afterEach(() => t.close());

describe('readiness before the mandate', () => {
  it('counts active users by factor and lists who would be locked out if required today', async () => {
    const response = await call(t, 'GET', '/api/v1/admin/readiness', undefined, bearer(admin));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      asOf: t.clock.now().toISOString(),
      policy: { mode: 'optional', enforceAfter: null },
      activeUsers: 5,
      counts: { phone: 2, email: 2, authenticator: 0, nothing: 2 },
    });
    expect(response.body.wouldBeLockedOut.map((u: { username: string }) => u.username)).toEqual([
      'manager',
      'nobody',
    ]);
    expect(JSON.stringify(response.body)).not.toMatch(/\+1202|@wrshealth/);
  });

  it('counts a confirmed authenticator app as a factor that keeps a user out of the list', async () => {
    await t.server.db
      .updateTable('users')
      .set({ phone: '+12025550177' })
      .where('username', '=', 'nobody')
      .execute();
    const session = await staffSession(t, 'nobody');
    const { secret } = (
      await call(t, 'POST', '/api/v1/me/totp', { currentPassword: PASSWORD }, bearer(session))
    ).body;
    await call(t, 'POST', '/api/v1/me/totp/confirm', { code: await totpCode(t, secret) }, bearer(session));
    await t.server.db.updateTable('users').set({ phone: null }).where('username', '=', 'nobody').execute();
    const response = await call(t, 'GET', '/api/v1/admin/readiness', undefined, bearer(admin));
    expect(response.body.counts).toEqual({ phone: 2, email: 2, authenticator: 1, nothing: 1 });
    expect(response.body.wouldBeLockedOut.map((u: { username: string }) => u.username)).toEqual(['manager']);
  });

  it('exports the locked-out list as CSV, with formula-looking cells defused', async () => {
    const response = await call(t, 'GET', '/api/v1/admin/readiness.csv', undefined, bearer(admin));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename=".*\.csv"/);
    expect(String(response.body).split('\r\n')).toEqual([
      'username,first_name,last_name,role',
      'manager,Casey,Kiplock,admin',
      `nobody,"'=HYPERLINK(""x"")",Kiplock,staff`,
      '',
    ]);
  });
});
