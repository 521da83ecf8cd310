/**
 * The ID token signing keys: sealed in the database, rotated with the real CLI while the server runs, and
 * published by the running server (its JWKS) for exactly as long as the rules say, by the server's clock.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keyring } from '../../server/secrets';
import { SigningKeyService } from '../../server/services/oidc-signing-keys';
import { Sweeps, serverSweepJobs } from '../../server/sweeps';
import { runCli } from '../cli-helpers/wrsauth-process';
import { auditEventsOf, cliEnv, startTestServer, type TestServer } from '../support/test-server';

interface PublicJwk {
  kid: string;
  alg: string;
  key_ops?: string[];
  [member: string]: unknown;
}

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

async function jwks(): Promise<PublicJwk[]> {
  const response = await fetch(`${t.url}/oidc/jwks`);
  return ((await response.json()) as { keys: PublicJwk[] }).keys;
}

const kids = (keys: PublicJwk[]) => keys.map((key) => key.kid).sort();

async function generations(): Promise<string[]> {
  const rows = await t.server.db.selectFrom('oidc_signing_keys').select('generation').execute();
  return rows.map((row) => row.generation);
}

describe('the signing keys at rest', () => {
  it('are generated at first start as one generation, and stored only sealed under the server key', async () => {
    const privateKeys = await t.server.services.signingKeys.published();
    expect(privateKeys.map((key) => key.alg).sort()).toEqual(['ES256', 'RS256']);

    const rows = await t.server.db.selectFrom('oidc_signing_keys').selectAll().execute();

    expect(rows).toHaveLength(1);
    expect(rows[0]?.keys_sealed).toMatch(/^v2\.[0-9a-f]{8}\./);
    const stored = JSON.stringify(rows);
    for (const key of privateKeys) {
      expect(stored).not.toContain(key.d as string);
      expect(stored).not.toContain(key.kid as string);
    }
  });
});

describe('rotate-signing-key', { timeout: 90_000 }, () => {
  it('adds a key pair that signs from then on; the old public keys stay in the JWKS for 24 hours, then drop out', async () => {
    // The CLI stamps the new keys with the system clock; the server's clock starts there and then moves.
    t.clock.set(new Date().toISOString());
    const before = await jwks();
    expect(before).toHaveLength(2);

    const result = await runCli(['rotate-signing-key'], cliEnv(t));

    expect([result.code, result.stderr]).toEqual([0, '']);
    const after = await jwks();
    expect(after).toHaveLength(4);
    const added = after.filter((key) => !kids(before).includes(key.kid));
    expect(added.map((key) => key.alg).sort()).toEqual(['ES256', 'RS256']);
    expect(result.stdout).toContain(added[0]?.kid);
    // The new pair signs: oidc-provider never signs with a key whose key_ops leave out "sign".
    expect(added.every((key) => key.key_ops === undefined)).toBe(true);
    const retired = after.filter((key) => kids(before).includes(key.kid));
    expect(retired.map((key) => key.key_ops)).toEqual([['verify'], ['verify']]);
    expect(await auditEventsOf(t, 'oidc_signing_key_rotated')).toHaveLength(1);

    t.clock.advance(23 * 3600);
    expect(kids(await jwks())).toEqual(kids(after));

    t.clock.advance(2 * 3600);
    expect(kids(await jwks())).toEqual(kids(added));
    expect(await generations()).toHaveLength(2);
    const swept = (await new Sweeps(serverSweepJobs(t.server.services), pino({ level: 'silent' })).runOnce())
      .oidc;
    expect(swept?.retiredKeyGenerations).toBe(1);
    expect(await generations()).toHaveLength(1);
    expect(kids(await jwks())).toEqual(kids(added));
  });
});

describe('several instances starting at once', () => {
  it('create one generation of keys on an empty database, which every one of them reads back', async () => {
    const { db } = t.server;
    const { audit, clock } = t.server.services;
    await db.deleteFrom('oidc_signing_keys').execute();
    const instances = [1, 2, 3].map(
      () => new SigningKeyService(db, clock, new Keyring(t.config.secret as Buffer), audit),
    );

    await Promise.all(instances.map((instance) => instance.ensure()));

    expect(await generations()).toEqual(['initial']);
    const seen = await Promise.all(instances.map((instance) => instance.published()));
    expect(new Set(seen.map((keys) => JSON.stringify(keys.map((key) => key.kid))))).toHaveLength(1);
  });
});
