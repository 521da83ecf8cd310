/**
 * A full rotation of the server key in the order docs/deploy-server.md gives, on the test server's database
 * (SQLite, and PostgreSQL in the "postgres" project): enroll an authenticator app, make recovery codes,
 * register an OIDC client; a new WRSAUTH_SECRET with the old in WRSAUTH_SECRET_PREVIOUS; the real CLI's
 * `rekey` while that server runs; then a restart with the old key removed. The app's code, an unused recovery
 * code, the client's secret and the JWKS still work, and `rekey --check` counts what each key protects.
 * Removing the old key before `rekey` refuses to start, naming the count and the command.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import * as oidc from 'openid-client';
import { afterEach, describe, expect, it } from 'vitest';
import { keyIdOf } from '../../server/secrets';
import { CLI_CONTEXT } from '../../server/services/audit-log';
import { runCli } from '../cli-helpers/wrsauth-process';
import { tokenVerdict } from '../support/oidc-relying-party';
import { bearer, call, staffSession, totpCode } from '../support/self-service';
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
});
