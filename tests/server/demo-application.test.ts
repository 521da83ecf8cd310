/**
 * `serve --demo --demo-app` registers the demo practice application (server/demo-application.ts): once, with the exact
 * URIs of http://127.0.0.1:<port>, and hands it a working client id and secret in the data dir (mode 0600).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEMO_APP_CREDENTIALS_FILE,
  DEMO_APP_NAME,
  demoApplicationPort,
  ensureDemoApplication,
} from '../../server/demo-application';
import { CLI_CONTEXT } from '../../server/services/audit-log';
import { auditEventsOf, startTestServer, type TestServer } from '../support/test-server';

let t: TestServer;
beforeEach(async () => {
  t = await startTestServer();
});
afterEach(() => t.close());

const credentialsFile = () => path.join(t.dataDir, DEMO_APP_CREDENTIALS_FILE);
const stored = () => JSON.parse(fs.readFileSync(credentialsFile(), 'utf8')) as Record<string, string>;
const demoClients = async () =>
  (await t.server.services.relyingParties.list()).filter((client) => client.name === DEMO_APP_NAME);
/** The secret the provider compares a presented one with. */
const heldSecret = async (clientId: string) =>
  (await t.server.services.relyingParties.providerMetadata(clientId))?.client_secret;

describe('the demo practice application as a client of the demo practice', () => {
  it('is registered once, confidential, with exactly the callback, post-logout and back-channel URIs; a second start changes nothing', async () => {
    const first = await ensureDemoApplication(t.server.services, t.dataDir, 4581);
    const second = await ensureDemoApplication(t.server.services, t.dataDir, 4581);

    expect([first, second]).toEqual(['registered', 'unchanged']);
    const clients = await demoClients();
    expect(clients).toHaveLength(1);
    expect(clients[0]).toMatchObject({
      type: 'confidential',
      redirectUris: ['http://127.0.0.1:4581/callback'],
      postLogoutRedirectUris: ['http://127.0.0.1:4581/'],
      backchannelLogoutUri: 'http://127.0.0.1:4581/backchannel-logout',
      disabledAt: null,
    });
    expect(await auditEventsOf(t, 'oidc_client_registered')).toHaveLength(1);
    expect(await auditEventsOf(t, 'oidc_client_secret_rotated')).toHaveLength(0);
  });

  it('writes its client id and the secret the provider holds to demo-app-client.json, readable by the owner only', async () => {
    await ensureDemoApplication(t.server.services, t.dataDir, 4581);

    const [client] = await demoClients();
    expect(stored().clientId).toBe(client?.clientId);
    expect(stored().clientSecret).toBe(await heldSecret(client?.clientId as string));
    expect(fs.statSync(credentialsFile()).mode & 0o777).toBe(0o600);
  });

  it('re-issues the secret, without a second registration, when the file is gone or its secret was rotated by hand', async () => {
    await ensureDemoApplication(t.server.services, t.dataDir, 4581);
    const [client] = await demoClients();
    const clientId = client?.clientId as string;

    fs.rmSync(credentialsFile());
    expect(await ensureDemoApplication(t.server.services, t.dataDir, 4581)).toBe('secret reissued');
    expect(stored()).toEqual({ clientId, clientSecret: await heldSecret(clientId) });

    await t.server.services.relyingParties.rotateSecret(clientId, CLI_CONTEXT);
    expect(await ensureDemoApplication(t.server.services, t.dataDir, 4581)).toBe('secret reissued');
    expect(stored()).toEqual({ clientId, clientSecret: await heldSecret(clientId) });
    expect(await demoClients()).toHaveLength(1);
  });

  it('leaves a registration the account manager disabled disabled, and registers no other', async () => {
    await ensureDemoApplication(t.server.services, t.dataDir, 4581);
    const [client] = await demoClients();
    await t.server.services.relyingParties.disable(client?.clientId as string, CLI_CONTEXT);

    expect(await ensureDemoApplication(t.server.services, t.dataDir, 4581)).toBe('disabled');
    expect(await demoClients()).toHaveLength(1);
  });

  it('follows WRSAUTH_DEMO_APP_PORT, and refuses one that is not a port', async () => {
    const port = demoApplicationPort({ WRSAUTH_DEMO_APP_PORT: '4690' });
    await ensureDemoApplication(t.server.services, t.dataDir, port);

    expect((await demoClients())[0]?.redirectUris).toEqual(['http://127.0.0.1:4690/callback']);
    expect(demoApplicationPort({})).toBe(4581);
    expect(() => demoApplicationPort({ WRSAUTH_DEMO_APP_PORT: '70000' })).toThrow(/must be a port number/);
  });
});
