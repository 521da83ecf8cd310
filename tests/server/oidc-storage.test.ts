/**
 * oidc-provider's storage adapter on the real database (SQLite, and PostgreSQL in the "postgres" project):
 * what it stores (ids hashed, payloads sealed), consumption once only, revocation by grant, expiry and the
 * sweep, each through the adapter interface the provider itself calls.
 */
import { randomBytes } from 'node:crypto';
import { errors } from 'oidc-provider';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sweeps, serverSweepJobs } from '../../server/sweeps';
import { startTestServer, type TestServer } from '../support/test-server';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const adapter = (model: string) => t.server.services.oidcStorage.adapterFor(model);
const token = () => randomBytes(32).toString('base64url');

/** Every oidc_payloads row as text, so a test can look for a value anywhere in it. */
async function tableText(): Promise<string> {
  return JSON.stringify(await t.server.db.selectFrom('oidc_payloads').selectAll().execute());
}

async function rowCount(): Promise<number> {
  const rows = await t.server.db.selectFrom('oidc_payloads').select('id').execute();
  return rows.length;
}

describe('what the adapter stores', () => {
  it('finds a payload by its id, and keeps neither the id nor any bearer value in it in plain text', async () => {
    const code = token();
    const grantId = token();
    const sessionCookie = token();
    const payload = {
      jti: code,
      kind: 'AuthorizationCode',
      grantId,
      sessionUid: sessionCookie,
      scope: 'openid',
    };

    await adapter('AuthorizationCode').upsert(code, payload, 60);

    expect(await adapter('AuthorizationCode').find(code)).toEqual(payload);
    const stored = await tableText();
    for (const secret of [code, grantId, sessionCookie]) expect(stored).not.toContain(secret);
    expect(stored).not.toContain('openid');
  });

  it('keeps models apart: the same id under another model is not found', async () => {
    const id = token();
    await adapter('AccessToken').upsert(id, { jti: id, kind: 'AccessToken' }, 60);

    expect(await adapter('RefreshToken').find(id)).toBeUndefined();
    expect(await adapter('AccessToken').find(id)).toMatchObject({ kind: 'AccessToken' });
  });

  it('finds a session by its uid and a device code by its user code', async () => {
    const sessionId = token();
    const uid = token();
    await adapter('Session').upsert(sessionId, { jti: sessionId, uid, kind: 'Session' }, 60);
    const deviceCode = token();
    await adapter('DeviceCode').upsert(deviceCode, { jti: deviceCode, userCode: 'BCDF-GHJK' }, 60);

    expect(await adapter('Session').findByUid(uid)).toMatchObject({ jti: sessionId });
    expect(await adapter('Session').findByUid(token())).toBeUndefined();
    expect(await adapter('DeviceCode').findByUserCode('BCDF-GHJK')).toMatchObject({ jti: deviceCode });
    expect(await tableText()).not.toContain(uid);
  });

  it('replaces a payload on upsert, and destroy removes it', async () => {
    const id = token();
    await adapter('Session').upsert(id, { jti: id, uid: 'first' }, 60);
    await adapter('Session').upsert(id, { jti: id, uid: 'second' }, 60);

    expect(await adapter('Session').find(id)).toMatchObject({ uid: 'second' });
    expect(await adapter('Session').findByUid('first')).toBeUndefined();
    await adapter('Session').destroy(id);
    expect(await adapter('Session').find(id)).toBeUndefined();
  });
});

describe('consumption', () => {
  it('marks a code consumed (the provider then refuses it and revokes its grant)', async () => {
    const code = token();
    await adapter('AuthorizationCode').upsert(code, { jti: code, grantId: token() }, 60);

    await adapter('AuthorizationCode').consume(code);

    expect((await adapter('AuthorizationCode').find(code))?.consumed).toEqual(expect.any(Number));
  });

  it('lets only one of two redemptions racing for the same code consume it; the other is refused with invalid_grant and the grant is revoked', async () => {
    const grantId = token();
    const code = token();
    const accessToken = token();
    await adapter('AuthorizationCode').upsert(code, { jti: code, grantId }, 60);
    await adapter('AccessToken').upsert(accessToken, { jti: accessToken, grantId }, 60);
    await adapter('Grant').upsert(grantId, { jti: grantId, kind: 'Grant' }, 60);

    const outcomes = await Promise.allSettled([
      adapter('AuthorizationCode').consume(code),
      adapter('AuthorizationCode').consume(code),
    ]);

    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(errors.InvalidGrant);
    expect(await adapter('AccessToken').find(accessToken)).toBeUndefined();
    expect(await adapter('Grant').find(grantId)).toBeUndefined();
  });

  it('keeps a consumed code consumed when the provider saves it again', async () => {
    const code = token();
    await adapter('AuthorizationCode').upsert(code, { jti: code }, 60);
    await adapter('AuthorizationCode').consume(code);

    await adapter('AuthorizationCode').upsert(code, { jti: code }, 60);

    expect((await adapter('AuthorizationCode').find(code))?.consumed).toEqual(expect.any(Number));
  });
});

describe('revocation by grant', () => {
  it("deletes the model's rows of that grant, and nothing of another grant", async () => {
    const grantId = token();
    const otherGrant = token();
    const [mine, also, theirs] = [token(), token(), token()];
    await adapter('RefreshToken').upsert(mine, { jti: mine, grantId }, 60);
    await adapter('RefreshToken').upsert(also, { jti: also, grantId }, 60);
    await adapter('RefreshToken').upsert(theirs, { jti: theirs, grantId: otherGrant }, 60);

    await adapter('RefreshToken').revokeByGrantId(grantId);

    expect(await adapter('RefreshToken').find(mine)).toBeUndefined();
    expect(await adapter('RefreshToken').find(also)).toBeUndefined();
    expect(await adapter('RefreshToken').find(theirs)).toMatchObject({ grantId: otherGrant });
  });
});

describe('expiry', () => {
  it('ignores a row past its expiry on read, keeps one without expiry, and the sweep deletes only the expired', async () => {
    const shortLived = token();
    const longLived = token();
    const forever = token();
    await adapter('Interaction').upsert(shortLived, { jti: shortLived }, 30);
    await adapter('Interaction').upsert(longLived, { jti: longLived }, 3600);
    await adapter('ReplayDetection').upsert(forever, { jti: forever });
    const before = await rowCount();

    t.clock.advance(31);

    expect(await adapter('Interaction').find(shortLived)).toBeUndefined();
    expect(await adapter('Interaction').find(longLived)).toMatchObject({ jti: longLived });
    expect(await adapter('ReplayDetection').find(forever)).toMatchObject({ jti: forever });
    const swept = (await new Sweeps(serverSweepJobs(t.server.services), pino({ level: 'silent' })).runOnce())
      .oidc;
    expect(swept?.expiredPayloads).toBe(1);
    expect(await rowCount()).toBe(before - 1);
    expect(await adapter('Interaction').find(longLived)).toMatchObject({ jti: longLived });
  });
});
