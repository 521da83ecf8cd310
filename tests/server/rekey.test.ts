/**
 * A full rotation of the server key in the order docs/deploy-server.md gives, on the test server's database
 * (SQLite, and PostgreSQL in the "postgres" project): enroll an authenticator app, make recovery codes,
 * register an OIDC client; a new WRSAUTH_SECRET with the old in WRSAUTH_SECRET_PREVIOUS; the real CLI's
 * `rekey` while that server runs; then a restart with the old key removed. The app's code, an unused recovery
 * code, the client's secret and the JWKS still work, and `rekey --check` counts what each key protects.
 * Removing the old key before `rekey` refuses to start, naming the count and the command.
 */
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import * as oidc from 'openid-client';
import { afterEach, describe, expect, it } from 'vitest';
import { Keyring, keyIdOf } from '../../server/secrets';
import { CLI_CONTEXT } from '../../server/services/audit-log';
import { sealContext as payloadContext } from '../../server/services/oidc-storage';
import { RekeyService } from '../../server/services/rekey';
import { runCli } from '../cli-helpers/wrsauth-process';
import { tokenVerdict } from '../support/oidc-relying-party';
import { bearer, call, staffSession, totpCode, userIdOf } from '../support/self-service';
import {
  auditEventsOf,
  challenge,
  cliEnv,
  createUser,
  PASSWORD,
  startTestServer,
  type TestServer,
} from '../support/test-server';

const OLD_KEY = randomBytes(32).toString('base64');
const NEW_KEY = randomBytes(32).toString('base64');
const OLD_ID = keyIdOf(Buffer.from(OLD_KEY, 'base64'));
const NEW_ID = keyIdOf(Buffer.from(NEW_KEY, 'base64'));
const REDIRECT = 'https://app.practice.example/oidc/callback';

/** Servers still running (when a test fails), and the first one, whose data dir and database the rest reuse. */
const running: TestServer[] = [];
let owner: TestServer | undefined;
let starts = 0;
afterEach(async () => {
  for (const t of running.splice(0)) await t.close({ keepData: true });
  await owner?.database?.drop();
  if (owner) fs.rmSync(owner.dataDir, { recursive: true, force: true });
  owner = undefined;
});

/** A server over the first one's data (or fresh data), its clock at the real time the CLI also reads. */
async function start(keys: { secret: string; previous?: string }, reuse?: TestServer): Promise<TestServer> {
  const t = await startTestServer({
    reuse,
    env: { WRSAUTH_SECRET: keys.secret, ...(keys.previous && { WRSAUTH_SECRET_PREVIOUS: keys.previous }) },
  });
  running.push(t);
  owner ??= t;
  // Each later than any time step the authenticator app used before, so its next code is no replay.
  starts += 1;
  t.clock.set(new Date(Date.now() + starts * 120_000).toISOString());
  return t;
}

async function stop(t: TestServer): Promise<void> {
  running.splice(running.indexOf(t), 1);
  await t.close({ keepData: true });
}

/** The CLI over the same data, with exactly these keys. */
function cli(t: TestServer, args: string[], keys: { secret: string; previous?: string }, timeoutMs?: number) {
  return runCli(
    args,
    {
      ...cliEnv(t),
      WRSAUTH_SECRET: keys.secret,
      WRSAUTH_DEV_OUTBOX: '1',
      ...(keys.previous && { WRSAUTH_SECRET_PREVIOUS: keys.previous }),
    },
    timeoutMs,
  );
}

async function jwks(t: TestServer): Promise<unknown> {
  return (await fetch(`${t.url}/oidc/jwks`)).json();
}

async function clientVerdict(t: TestServer, clientId: string, secret: string): Promise<string> {
  const config = await oidc.discovery(
    new URL(`${t.url}/oidc`),
    clientId,
    undefined,
    oidc.ClientSecretPost(secret),
    { execute: [oidc.allowInsecureRequests] },
  );
  return tokenVerdict(config, REDIRECT);
}

describe('rotating the server key with rekey', { timeout: 240_000 }, () => {
  it('loses nothing: after rekey and without the old key, the app, a recovery code, the client secret and the JWKS still work', async () => {
    // Under the old key: an authenticator app, recovery codes, an OIDC client and the provider's signing keys.
    const first = await start({ secret: OLD_KEY });
    await createUser(first);
    const session = await staffSession(first);
    const { secret } = (
      await call(first, 'POST', '/api/v1/me/totp', { currentPassword: PASSWORD }, bearer(session))
    ).body;
    const confirmed = await call(
      first,
      'POST',
      '/api/v1/me/totp/confirm',
      { code: await totpCode(first, secret) },
      bearer(session),
    );
    expect(confirmed.status).toBe(200);
    const made = await call(
      first,
      'POST',
      '/api/v1/me/recovery-codes',
      { currentPassword: PASSWORD },
      bearer(session),
    );
    const codes = made.body.codes as string[];
    expect(codes).toHaveLength(10);
    await first.server.services.notices.settled();
    const client = await first.server.services.relyingParties.register(
      { name: 'Charts', redirectUris: [REDIRECT] },
      CLI_CONTEXT,
    );
    const keysBefore = await jwks(first);
    await stop(first);

    const before = await cli(first, ['rekey', '--check'], { secret: OLD_KEY });
    expect([before.code, before.stderr]).toEqual([0, '']);
    expect(before.stdout).toContain(
      `key ${OLD_ID} (WRSAUTH_SECRET, current): 1 authenticator secret, 10 recovery codes, 1 OIDC client secret and 1 OIDC signing key generation`,
    );

    // The old key removed before rekey: the server refuses to start, saying what would be lost and what to run.
    const tooSoon = await cli(first, [], { secret: NEW_KEY }, 60_000);
    expect(tooSoon.code).toBe(2);
    expect(tooSoon.stderr).toContain(
      `wrsauth: 1 authenticator secret, 10 recovery codes, 1 OIDC client secret and 1 OIDC signing key generation are still protected by key ${OLD_ID}, which is no longer configured: put it back in WRSAUTH_SECRET_PREVIOUS and run \`npm run server -- rekey\``,
    );
    expect(tooSoon.stderr).not.toMatch(/\n\s+at /);

    // The rotation: the new key current, the old one previous; rekey while that server runs.
    const rotated = await start({ secret: NEW_KEY, previous: OLD_KEY }, first);
    const rekeyed = await cli(first, ['rekey'], { secret: NEW_KEY, previous: OLD_KEY });
    expect([rekeyed.code, rekeyed.stderr]).toEqual([0, '']);
    expect(rekeyed.stdout).toContain(
      're-sealed 1 authenticator secret, 10 recovery codes, 1 OIDC client secret and 1 OIDC signing key generation under the current key',
    );
    expect(rekeyed.stdout).toContain(
      `key ${OLD_ID} (WRSAUTH_SECRET_PREVIOUS): nothing (it can be removed from WRSAUTH_SECRET_PREVIOUS)`,
    );
    expect((await auditEventsOf(rotated, 'server_key_rekeyed')).map((event) => event.detail)).toEqual([
      {
        keyId: NEW_ID,
        resealed:
          '1 authenticator secret, 10 recovery codes, 1 OIDC client secret and 1 OIDC signing key generation',
        unopenable: 'nothing',
      },
    ]);
    await stop(rotated);

    // The old key removed: everything made under it still works.
    const after = await start({ secret: NEW_KEY }, first);
    const byApp = await after.verify(await challenge(after), await totpCode(after, secret), {
      targetId: 'totp',
    });
    expect([byApp.status, byApp.body.status]).toEqual([200, 'authenticated']);
    const byRecoveryCode = await after.verify(await challenge(after), codes[3] as string);
    expect([byRecoveryCode.status, byRecoveryCode.body.status]).toEqual([200, 'authenticated']);
    expect(await jwks(after)).toEqual(keysBefore);
    expect(await clientVerdict(after, client.clientId, client.clientSecret as string)).toBe('invalid_grant');
    expect(await clientVerdict(after, client.clientId, `${client.clientSecret}x`)).toBe('invalid_client');

    const check = await cli(first, ['rekey', '--check'], { secret: NEW_KEY });
    expect([check.code, check.stderr]).toEqual([0, '']);
    expect(check.stdout.trim()).toBe(
      `key ${NEW_ID} (WRSAUTH_SECRET, current): 1 authenticator secret, 9 recovery codes, 1 OIDC client secret and 1 OIDC signing key generation`,
    );
  });

  it('keeps what was stored before key ids: names its key at start, and a code made as an HMAC needs that key until used, or rekey --forget gives it up', async () => {
    const oldKey = Buffer.from(OLD_KEY, 'base64');
    const first = await start({ secret: OLD_KEY });
    await createUser(first);
    const db = first.server.db;
    const userId = await userIdOf(first, 'ckiplock');
    // As an earlier version stored them: an app secret sealed as `v1.` (no key id), recovery codes as bare HMACs.
    const appSecret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const sealedNow = new Keyring(oldKey).seal(appSecret, userId);
    const v1 = `v1.${sealedNow.slice(`v2.${OLD_ID}.`.length)}`;
    const now = first.clock.now().toISOString();
    await db
      .insertInto('totp_factors')
      .values({
        user_id: userId,
        secret_sealed: v1,
        created_at: now,
        confirmed_at: now,
        last_time_step: null,
      })
      .execute();
    const legacyHmac = (code: string) =>
      createHmac('sha256', oldKey).update(`recovery\0${userId}\0${code}`).digest('base64url');
    await db
      .insertInto('recovery_codes')
      .values(
        ['ABCDEFGHJK', 'BCDEFGHJKM'].map((code, index) => ({
          id: `legacy-${index}`,
          user_id: userId,
          code_hmac: legacyHmac(code),
          created_at: now,
          used_at: null,
        })),
      )
      .execute();

    await first.server.services.rekey.recordKeyIds();

    const stored = await db.selectFrom('recovery_codes').select('code_hmac').orderBy('id').execute();
    expect(stored.map((row) => row.code_hmac)).toEqual([
      `${OLD_ID}.${legacyHmac('ABCDEFGHJK')}`,
      `${OLD_ID}.${legacyHmac('BCDEFGHJKM')}`,
    ]);
    const app = await db.selectFrom('totp_factors').select('secret_sealed').executeTakeFirstOrThrow();
    // The same ciphertext, now naming its key.
    expect(app.secret_sealed).toBe(`v2.${OLD_ID}.${v1.slice(3)}`);
    await stop(first);

    const rotated = await start({ secret: NEW_KEY, previous: OLD_KEY }, first);
    const byLegacyCode = await rotated.verify(await challenge(rotated), 'abcde-fghjk');
    expect(byLegacyCode.status).toBe(200);
    const result = await rotated.server.services.rekey.rekey(CLI_CONTEXT);
    expect(result.resealed).toContainEqual({ noun: 'authenticator secret', rows: 1 });
    expect(result.usage.find((use) => use.keyId === OLD_ID)).toEqual({
      keyId: OLD_ID,
      status: 'previous',
      counts: [{ noun: 'recovery code (made as HMACs)', rows: 1, rekeyable: false }],
    });

    // Without the old key, the unused HMAC-made code would be lost: refused, and so reported by --check.
    const withoutOld = new RekeyService(
      rotated.server.db,
      rotated.clock,
      new Keyring(Buffer.from(NEW_KEY, 'base64')),
      rotated.server.services.audit,
    );
    await expect(withoutOld.requireNeededKeys()).rejects.toThrow(
      `1 recovery code (made as HMACs) is still protected by key ${OLD_ID}, which is no longer configured`,
    );
    const check = await cli(first, ['rekey', '--check'], { secret: NEW_KEY });
    expect([check.code, check.stderr]).toEqual([0, '']);
    expect(check.stdout).toContain(
      `key ${OLD_ID} (NOT CONFIGURED): 1 recovery code (made as HMACs) (codes cannot be re-keyed: they need this key until used or replaced)`,
    );

    // The account manager accepts the loss: the code is deleted, audited, and the key may go.
    const forgotten = await cli(first, ['rekey', '--forget', OLD_ID], { secret: NEW_KEY });
    expect([forgotten.code, forgotten.stderr, forgotten.stdout.trim()]).toEqual([
      0,
      '',
      `forgot key ${OLD_ID}: deleted 1 recovery code`,
    ]);
    await expect(withoutOld.requireNeededKeys()).resolves.toBeUndefined();
    expect((await auditEventsOf(rotated, 'server_key_forgotten')).map((event) => event.detail)).toEqual([
      { keyId: OLD_ID, deleted: '1 recovery code' },
    ]);
    await stop(rotated);

    const after = await start({ secret: NEW_KEY }, first);
    const byApp = await after.verify(await challenge(after), await totpCode(after, appSecret), {
      targetId: 'totp',
    });
    expect(byApp.status).toBe(200);
    expect((await after.verify(await challenge(after), 'BCDEF-GHJKM')).status).toBe(400);
  });

  it('rekey --forget deletes only the codes made as HMACs while the key is still configured; rekey re-seals the rest, each to its own context', async () => {
    const oldKey = Buffer.from(OLD_KEY, 'base64');
    const first = await start({ secret: OLD_KEY });
    await createUser(first);
    const db = first.server.db;
    const userId = await userIdOf(first, 'ckiplock');
    const now = first.clock.now().toISOString();
    const sealed = new Keyring(oldKey).seal('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', userId);
    await db
      .insertInto('totp_factors')
      .values({
        user_id: userId,
        secret_sealed: sealed,
        created_at: now,
        confirmed_at: now,
        last_time_step: null,
      })
      .execute();
    const hmac = createHmac('sha256', oldKey).update(`recovery\0${userId}\0ABCDEFGHJK`).digest('base64url');
    await db
      .insertInto('recovery_codes')
      .values({
        id: 'legacy',
        user_id: userId,
        code_hmac: `${OLD_ID}.${hmac}`,
        created_at: now,
        used_at: null,
      })
      .execute();
    // A new email waiting for its code, and a provider session: sealed to their own contexts.
    await db
      .insertInto('contact_changes')
      .values({
        id: 'change-1',
        user_id: userId,
        channel: 'email',
        value_sealed: new Keyring(oldKey).seal('casey.new@wrshealth.com', 'change-1'),
        masked: 'c•••@wrshealth.com',
        method: 'self',
        requested_by: userId,
        status: 'pending',
        attempts_remaining: 5,
        sends: 0,
        code_hmac: null,
        code_expires_at: null,
        created_at: now,
        expires_at: '2099-01-01T00:00:00.000Z',
      })
      .execute();
    await db
      .insertInto('oidc_payloads')
      .values({
        model: 'Session',
        id: 'session-hash',
        payload: new Keyring(oldKey).seal('{"kind":"Session"}', payloadContext('Session', 'session-hash')),
        grant_id: null,
        user_code: null,
        uid: null,
        expires_at: null,
        consumed_at: null,
      })
      .execute();
    await stop(first);
    const rotated = await start({ secret: NEW_KEY, previous: OLD_KEY }, first);
    const rekey = rotated.server.services.rekey;

    expect(await rekey.forget(OLD_ID, CLI_CONTEXT)).toEqual({
      deleted: [{ noun: 'recovery code', rows: 1 }],
      kept: [
        '1 authenticator secret: run `npm run server -- rekey` to re-seal them',
        '1 pending contact change: run `npm run server -- rekey` to re-seal them',
        '1 OIDC signing key generation: run `npm run server -- rekey` to re-seal them',
        '1 OIDC session or token: run `npm run server -- rekey` to re-seal them',
      ],
    });
    const app = await rotated.server.db.selectFrom('totp_factors').select('secret_sealed').execute();
    expect(app).toEqual([{ secret_sealed: sealed }]);
    await expect(rekey.forget(NEW_ID, CLI_CONTEXT)).rejects.toThrow('is WRSAUTH_SECRET, the current key');
    await expect(rekey.forget('../etc', CLI_CONTEXT)).rejects.toThrow('--forget takes a key id');

    // What was kept is re-sealed, each to its own context: the new key alone opens it.
    expect((await rekey.rekey(CLI_CONTEXT)).resealed).toEqual([
      { noun: 'authenticator secret', rows: 1 },
      { noun: 'pending contact change', rows: 1 },
      { noun: 'OIDC signing key generation', rows: 1 },
      { noun: 'OIDC session or token', rows: 1 },
    ]);
    const newOnly = new Keyring(Buffer.from(NEW_KEY, 'base64'));
    const read = rotated.server.db;
    const change = await read.selectFrom('contact_changes').select('value_sealed').executeTakeFirstOrThrow();
    expect(newOnly.open(change.value_sealed, 'change-1')).toBe('casey.new@wrshealth.com');
    const session = await read.selectFrom('oidc_payloads').select('payload').executeTakeFirstOrThrow();
    expect(newOnly.open(session.payload, payloadContext('Session', 'session-hash'))).toBe(
      '{"kind":"Session"}',
    );
    const resealed = await read.selectFrom('totp_factors').select('secret_sealed').executeTakeFirstOrThrow();
    expect(newOnly.open(resealed.secret_sealed, userId)).toBe('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
  });
});
