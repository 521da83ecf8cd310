/**
 * Relying parties, registered and managed with the real CLI (`server/main.ts`, a process of its own) on the
 * test server's own database while it runs, and judged by the running provider through openid-client.
 */
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_CONTEXT, operatingSystemUser } from '../../server/services/audit-log';
import { databaseBytes, runCli } from '../cli-helpers/wrsauth-process';
import { tokenVerdict } from '../support/oidc-relying-party';
import { auditEventsOf, cliEnv, startTestServer, type TestServer } from '../support/test-server';

const REDIRECT = 'https://app.practice.example/oidc/callback';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const cli = (...args: string[]) => runCli(args, cliEnv(t));

/** A client registered through the service, for tests whose subject is another verb. */
async function registered(name: string, extra: { public?: boolean } = {}) {
  return t.server.services.relyingParties.register({ name, redirectUris: [REDIRECT], ...extra }, CLI_CONTEXT);
}

async function registerJson(...args: string[]): Promise<{ clientId: string; clientSecret?: string }> {
  const result = await cli('register-client', ...args, '--json');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

/** The client as the running provider loads it; undefined when it is not served (unknown or disabled). */
async function providerClient(clientId: string) {
  return (await t.server.services.oidc.provider()).Client.find(clientId);
}

/** The token endpoint's verdict on a client's credentials (client_secret_post), with a code never issued. */
async function verdictFor(clientId: string, secret: string): Promise<string> {
  const config = await oidc.discovery(
    new URL(`${t.url}/oidc`),
    clientId,
    undefined,
    oidc.ClientSecretPost(secret),
    { execute: [oidc.allowInsecureRequests] },
  );
  return tokenVerdict(config, REDIRECT);
}

/** The client and audit tables as text, and on SQLite the whole database file with its WAL. */
async function storedText(): Promise<string> {
  const db = t.server.db;
  const tables = JSON.stringify([
    await db.selectFrom('oidc_clients').selectAll().execute(),
    await db.selectFrom('audit_events').selectAll().execute(),
  ]);
  return t.config.database.kind === 'sqlite' ? tables + databaseBytes(t.dataDir).toString('latin1') : tables;
}

// Each CLI run is a process of its own that compiles the server first: seconds on a busy machine.
describe('register-client', { timeout: 90_000 }, () => {
  it('prints the client id and the secret of a confidential client once, and the provider serves it', async () => {
    const result = await cli('register-client', '--name', 'Practice app', '--redirect-uri', REDIRECT);

    expect([result.code, result.stderr]).toEqual([0, '']);
    const clientId = /client ([0-9a-f-]{36})/.exec(result.stdout)?.[1] as string;
    const secret = /client secret: (\S+)/.exec(result.stdout)?.[1] as string;
    expect(secret).toMatch(/^[\w-]{43}$/);
    expect(result.stdout.split(secret)).toHaveLength(2);
    const client = await providerClient(clientId);
    expect(client?.redirectUris).toEqual([REDIRECT]);
    expect(client?.clientAuthMethod).toBe('client_secret_basic');
    expect(client?.grantTypes).toEqual(['authorization_code', 'refresh_token']);
    expect(await verdictFor(clientId, secret)).toBe('invalid_grant');
  });

  it('with --json prints one line {"clientId", "clientSecret"}', async () => {
    const result = await cli('register-client', '--name', 'JSON app', '--redirect-uri', REDIRECT, '--json');

    expect(result.stdout.trimEnd().split('\n')).toHaveLength(1);
    const printed = JSON.parse(result.stdout);
    expect(Object.keys(printed)).toEqual(['clientId', 'clientSecret']);
    expect(await verdictFor(printed.clientId, printed.clientSecret)).toBe('invalid_grant');
  });

  it('registers a public client with --public: no clientSecret, auth method none, no refresh tokens', async () => {
    const printed = await registerJson(
      '--name',
      'Browser app',
      '--redirect-uri',
      'http://127.0.0.1:5173/cb',
      '--public',
    );

    expect(Object.keys(printed)).toEqual(['clientId']);
    const client = await providerClient(printed.clientId);
    expect(client?.clientAuthMethod).toBe('none');
    expect(client?.grantTypes).toEqual(['authorization_code']);
  });

  it('takes several redirect URIs, a post-logout and a back-channel logout URI, and ES256 ID tokens on request', async () => {
    const printed = await registerJson(
      '--name',
      'Two callbacks',
      '--redirect-uri',
      REDIRECT,
      '--redirect-uri',
      'http://[::1]:8080/cb',
      '--post-logout-redirect-uri',
      'https://app.practice.example/signed-out',
      '--backchannel-logout-uri',
      'https://app.practice.example/backchannel-logout',
      '--id-token-alg',
      'ES256',
    );

    const client = await providerClient(printed.clientId);
    expect(client?.redirectUris).toEqual([REDIRECT, 'http://[::1]:8080/cb']);
    expect(client?.idTokenSignedResponseAlg).toBe('ES256');
    const listed = JSON.parse((await cli('list-clients', '--json')).stdout);
    expect(listed.find((c: { clientId: string }) => c.clientId === printed.clientId)).toMatchObject({
      postLogoutRedirectUris: ['https://app.practice.example/signed-out'],
      backchannelLogoutUri: 'https://app.practice.example/backchannel-logout',
      idTokenSignedResponseAlg: 'ES256',
    });
  });

  it.each([
    [
      'http on a LAN host',
      'http://app.practice.example/cb',
      /must use https; plain http is allowed only on loopback \(127\.0\.0\.1, \[::1\], localhost\)/,
    ],
    ['http on a private address', 'http://10.0.0.5/cb', /must use https/],
    ['a fragment', 'https://app.practice.example/cb#x', /must not have a #fragment/],
  ])('refuses a redirect URI with %s, in one line, registering nothing', async (_, uri, reason) => {
    const before = (await t.server.services.relyingParties.list()).length;

    const result = await cli('register-client', '--name', 'Bad', '--redirect-uri', uri);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(reason);
    expect(await t.server.services.relyingParties.list()).toHaveLength(before);
  });

  it('refuses a non-loopback http back-channel logout URI, and a missing --name or --redirect-uri', async () => {
    const backchannel = await cli(
      'register-client',
      '--name',
      'X',
      '--redirect-uri',
      REDIRECT,
      '--backchannel-logout-uri',
      'http://app.practice.example/logout',
    );
    expect([backchannel.code, backchannel.stderr]).toEqual([
      2,
      expect.stringMatching(/--backchannel-logout-uri .* must use https/),
    ]);
    expect((await cli('register-client', '--redirect-uri', REDIRECT)).stderr).toMatch(/--name is required/);
  });

  it.each([
    ['a relative URI', '/callback', /is not an absolute URL/],
    ['a custom scheme', 'javascript:alert(1)', /must be an https URL/],
    ['surrounding spaces', ` ${REDIRECT}`, /must not contain spaces/],
    ['a user name', 'https://user:pw@app.practice.example/cb', /must not carry a user name or password/],
  ])('the service refuses a redirect URI with %s', async (_, uri, reason) => {
    await expect(
      t.server.services.relyingParties.register({ name: 'Bad', redirectUris: [uri] }, CLI_CONTEXT),
    ).rejects.toThrow(reason);
    await expect(
      t.server.services.relyingParties.register({ name: 'Bad', redirectUris: [] }, CLI_CONTEXT),
    ).rejects.toThrow(/--redirect-uri is required/);
  });

  it('audits the registration with the CLI as actor, and keeps the secret nowhere in plain text', async () => {
    const { clientId, clientSecret } = await registerJson(
      '--name',
      'Audited app',
      '--redirect-uri',
      REDIRECT,
    );

    const events = await auditEventsOf(t, 'oidc_client_registered');
    expect(events.at(-1)?.detail).toMatchObject({
      clientId,
      name: 'Audited app',
      type: 'confidential',
      by: `(cli: ${operatingSystemUser()})`,
    });
    const row = await t.server.db
      .selectFrom('audit_events')
      .select('user_agent')
      .where('event_type', '=', 'oidc_client_registered')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(row.user_agent).toBe(`wrsauth-cli (cli: ${operatingSystemUser()})`);
    expect(await storedText()).not.toContain(clientSecret as string);
    expect(t.logLines.filter((line) => line.includes(clientSecret as string))).toEqual([]);
  });
});

describe('list-clients, disable-client and rotate-client-secret', { timeout: 90_000 }, () => {
  it('lists every client with its type and state, and never a secret', async () => {
    const { clientId, clientSecret } = await registered('Listed app');

    const plain = await cli('list-clients');
    const json = JSON.parse((await cli('list-clients', '--json')).stdout);

    expect(plain.stdout).toMatch(
      new RegExp(`${clientId}\\s+confidential\\s+enabled\\s+Listed app\\s+${REDIRECT}`),
    );
    expect(plain.stdout).not.toContain(clientSecret as string);
    expect(JSON.stringify(json)).not.toContain(clientSecret as string);
    expect(json.find((c: { clientId: string }) => c.clientId === clientId)).toMatchObject({
      name: 'Listed app',
      type: 'confidential',
      disabledAt: null,
    });
  });

  it('disable-client: the provider refuses the client from then on (invalid_client), audited', async () => {
    const { clientId, clientSecret } = await registered('Old app');
    expect(await verdictFor(clientId, clientSecret as string)).toBe('invalid_grant');

    const result = await cli('disable-client', '--client-id', clientId);

    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toContain(`disabled client ${clientId}`);
    expect(await providerClient(clientId)).toBeUndefined();
    expect(await verdictFor(clientId, clientSecret as string)).toBe('invalid_client');
    expect((await auditEventsOf(t, 'oidc_client_disabled')).at(-1)?.detail).toEqual({
      clientId,
      name: 'Old app',
      by: `(cli: ${operatingSystemUser()})`,
    });
    expect((await cli('disable-client', '--client-id', clientId)).stderr).toMatch(/already disabled/);
    expect((await cli('disable-client', '--client-id', 'no-such-client')).stderr).toMatch(
      /no client no-such-client/,
    );
  });

  it('rotate-client-secret prints a new secret once; the old one is refused at once, the new one accepted; audited', async () => {
    const { clientId, clientSecret: oldSecret } = await registered('Rotating app');

    const rotated = await cli('rotate-client-secret', '--client-id', clientId, '--json');

    expect([rotated.code, rotated.stderr]).toEqual([0, '']);
    const { clientSecret: newSecret } = JSON.parse(rotated.stdout);
    expect(newSecret).not.toBe(oldSecret);
    expect(await verdictFor(clientId, oldSecret as string)).toBe('invalid_client');
    expect(await verdictFor(clientId, newSecret)).toBe('invalid_grant');
    expect((await auditEventsOf(t, 'oidc_client_secret_rotated')).at(-1)?.detail).toEqual({
      clientId,
      name: 'Rotating app',
      by: `(cli: ${operatingSystemUser()})`,
    });
    expect(await storedText()).not.toContain(newSecret);
  });

  it('refuses to rotate the secret of a public client, which has none', async () => {
    const { clientId } = await registered('Public', { public: true });

    const result = await cli('rotate-client-secret', '--client-id', clientId);

    expect([result.code, result.stderr]).toEqual([
      2,
      `wrsauth: client ${clientId} is public: it has no secret to rotate\n`,
    ]);
  });
});
