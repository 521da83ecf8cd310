/**
 * The console's Applications tab on the server (issue 16): an account manager registers, lists, disables and
 * rotates the secret of a relying party over /api/v1/admin/applications, and the running provider then
 * judges that client through openid-client. A secret is in the answer that issues it and nowhere else: not
 * in the list, the log or the audit trail. Bad input is refused with a message that names the console's field.
 * (That each change asks the account manager's password again is in console-password-again.test.ts.)
 */
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizationRequest, tokenVerdict } from '../support/oidc-relying-party';
import { bearer, call, secondFactorSession } from '../support/self-service';
import { auditEventsOf, createUser, startTestServer, type TestServer } from '../support/test-server';

const MANAGER_PASSWORD = 'managerDesk2026';
const REDIRECT = 'https://app.practice.example/oidc/callback';
const INSECURE = { execute: [oidc.allowInsecureRequests] };

let t: TestServer;
let manager: string;
beforeAll(async () => {
  t = await startTestServer();
  await createUser(t, {
    username: 'manager',
    role: 'admin',
    password: MANAGER_PASSWORD,
    phone: '+12025550177',
    email: undefined,
  });
  manager = await secondFactorSession(t, 'manager');
});
afterAll(() => t.close());

const admin = (method: string, path: string, body?: object) =>
  call(t, method, `/api/v1/admin${path}`, body, bearer(manager));

const register = (body: object) =>
  admin('POST', '/applications', { currentPassword: MANAGER_PASSWORD, ...body });
const act = (clientId: string, verb: 'disable' | 'rotate-secret') =>
  admin('POST', `/applications/${encodeURIComponent(clientId)}/${verb}`, {
    currentPassword: MANAGER_PASSWORD,
  });

async function listed() {
  const response = await admin('GET', '/applications');
  expect(response.status).toBe(200);
  return response.body.applications as Array<Record<string, unknown> & { clientId: string }>;
}

/**
 * openid-client's view of the provider as this client, with client_secret_post: a refused secret then comes
 * back in the body, where tokenVerdict reads it.
 */
const discover = (clientId: string, secret: string) =>
  oidc.discovery(new URL(`${t.url}/oidc`), clientId, undefined, oidc.ClientSecretPost(secret), INSECURE);

/** Where the provider sends a browser that brings this authorization request, if anywhere. */
async function authorize(config: oidc.Configuration, redirectUri: string) {
  const { url } = await authorizationRequest(config, redirectUri);
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, location: response.headers.get('location'), body: await response.text() };
}

/** The client and audit tables as text: what a database dump would show. */
async function storedText(): Promise<string> {
  const db = t.server.db;
  return JSON.stringify([
    await db.selectFrom('oidc_clients').selectAll().execute(),
    await db.selectFrom('audit_events').selectAll().execute(),
  ]);
}

describe('registering an application in the console', () => {
  it('answers 201 with the client id and the secret once, and the provider serves the client for its redirect URI', async () => {
    const response = await register({
      name: 'Practice app',
      redirectUris: [REDIRECT],
      postLogoutRedirectUris: ['https://app.practice.example/signed-out'],
      backchannelLogoutUri: 'https://app.practice.example/backchannel-logout',
    });

    expect(response.status).toBe(201);
    expect(Object.keys(response.body)).toEqual(['clientId', 'clientSecret']);
    const { clientId, clientSecret } = response.body;
    expect(clientSecret).toMatch(/^[\w-]{43}$/);
    const config = await discover(clientId, clientSecret);
    // Authenticated at the token endpoint: the code is refused, not the client.
    expect(await tokenVerdict(config, REDIRECT)).toBe('invalid_grant');
    // The authorization request for its own redirect URI goes on to WRSAuth's login prompt...
    const accepted = await authorize(config, REDIRECT);
    expect([accepted.status, accepted.location]).toEqual([
      303,
      expect.stringMatching(/^\/oidc-interaction\//),
    ]);
    // ...and one for a redirect URI it did not register gets an error page, no redirect.
    const refused = await authorize(config, 'https://app.practice.example/elsewhere');
    expect([refused.status, refused.location]).toEqual([400, null]);
  });

  it('registers a public client with no secret', async () => {
    const response = await register({
      name: 'Browser app',
      redirectUris: ['http://127.0.0.1:5173/cb'],
      public: true,
    });

    expect(response.status).toBe(201);
    expect(Object.keys(response.body)).toEqual(['clientId']);
    expect((await listed()).find((app) => app.clientId === response.body.clientId)).toMatchObject({
      name: 'Browser app',
      type: 'public',
    });
  });

  it('lists every application with its URIs, type and status, and never a secret', async () => {
    const { clientId, clientSecret } = (
      await register({
        name: 'Listed app',
        redirectUris: [REDIRECT, 'http://[::1]:8080/cb'],
        backchannelLogoutUri: 'https://app.practice.example/bc',
      })
    ).body;

    const applications = await listed();

    expect(applications.find((app) => app.clientId === clientId)).toEqual({
      clientId,
      name: 'Listed app',
      type: 'confidential',
      redirectUris: [REDIRECT, 'http://[::1]:8080/cb'],
      postLogoutRedirectUris: [],
      backchannelLogoutUri: 'https://app.practice.example/bc',
      idTokenSignedResponseAlg: 'RS256',
      createdAt: expect.any(String),
      disabledAt: null,
    });
    expect(JSON.stringify(applications)).not.toContain(clientSecret);
  });

  it('audits the registration with the acting account manager, and keeps the secret out of the log and the audit trail', async () => {
    const { clientId, clientSecret } = (await register({ name: 'Audited app', redirectUris: [REDIRECT] }))
      .body;

    const event = (await auditEventsOf(t, 'oidc_client_registered')).at(-1);
    expect(event).toEqual({
      username: 'manager',
      detail: {
        clientId,
        name: 'Audited app',
        type: 'confidential',
        redirectUris: 1,
        backchannelLogout: false,
        by: 'manager',
      },
    });
    expect(await storedText()).not.toContain(clientSecret);
    expect(t.logLines.filter((line) => line.includes(clientSecret))).toEqual([]);
  });

  it.each([
    [
      'an http redirect URI off loopback',
      { redirectUris: ['http://app.practice.example/cb'] },
      /^Redirect URI "http:\/\/app\.practice\.example\/cb" must use https; plain http is allowed only on loopback/,
    ],
    [
      'a redirect URI with a fragment',
      { redirectUris: [`${REDIRECT}#x`] },
      /^Redirect URI ".*" must not have a #fragment/,
    ],
    ['no redirect URI', { redirectUris: [] }, /^Redirect URI is required/],
    ['an empty name', { name: '   ' }, /^Name must be 1-100 characters/],
    [
      'a post-logout redirect URI that is not a URL',
      { postLogoutRedirectUris: ['/signed-out'] },
      /^Post-logout redirect URI "\/signed-out" is not an absolute URL/,
    ],
    [
      'an http back-channel logout URI off loopback',
      { backchannelLogoutUri: 'http://10.0.0.5/logout' },
      /^Back-channel logout URI "http:\/\/10\.0\.0\.5\/logout" must use https/,
    ],
  ])('refuses %s with 400 and a message naming the field; nothing is registered', async (_, bad, message) => {
    const before = (await listed()).length;

    const response = await register({ name: 'Bad app', redirectUris: [REDIRECT], ...bad });

    expect([response.status, response.body.error]).toEqual([400, 'bad_request']);
    expect(response.body.message).toMatch(message);
    expect(await listed()).toHaveLength(before);
  });
});

describe('disabling an application and rotating its secret in the console', () => {
  it('disables a client: the provider refuses it from then on, a second disable answers 409, audited with who', async () => {
    const { clientId, clientSecret } = (await register({ name: 'Old app', redirectUris: [REDIRECT] })).body;
    const config = await discover(clientId, clientSecret);

    const response = await act(clientId, 'disable');

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ clientId, name: 'Old app', disabledAt: expect.any(String) });
    expect(await tokenVerdict(config, REDIRECT)).toBe('invalid_client');
    const refused = await authorize(config, REDIRECT);
    expect([refused.status, refused.location]).toEqual([400, null]);
    expect(refused.body).toContain('invalid_client');
    expect((await auditEventsOf(t, 'oidc_client_disabled')).at(-1)).toEqual({
      username: 'manager',
      detail: { clientId, name: 'Old app', by: 'manager' },
    });
    const again = await act(clientId, 'disable');
    expect([again.status, again.body]).toEqual([
      409,
      { error: 'conflict', message: 'This application is already disabled.' },
    ]);
  });

  it('rotates a secret: the new one is shown once and works, the old one is refused at once; audited, stored nowhere', async () => {
    const { clientId, clientSecret: oldSecret } = (
      await register({ name: 'Rotating app', redirectUris: [REDIRECT] })
    ).body;

    const response = await act(clientId, 'rotate-secret');

    expect(response.status).toBe(200);
    const newSecret = response.body.clientSecret;
    expect(newSecret).toMatch(/^[\w-]{43}$/);
    expect(newSecret).not.toBe(oldSecret);
    expect(await tokenVerdict(await discover(clientId, oldSecret), REDIRECT)).toBe('invalid_client');
    expect(await tokenVerdict(await discover(clientId, newSecret), REDIRECT)).toBe('invalid_grant');
    expect((await auditEventsOf(t, 'oidc_client_secret_rotated')).at(-1)).toEqual({
      username: 'manager',
      detail: { clientId, name: 'Rotating app', by: 'manager' },
    });
    expect(JSON.stringify(await listed())).not.toContain(newSecret);
    expect(await storedText()).not.toContain(newSecret);
    expect(t.logLines.filter((line) => line.includes(newSecret))).toEqual([]);
  });

  it('refuses to rotate the secret of a public client with 409, in the console’s words', async () => {
    const { clientId } = (await register({ name: 'Public app', redirectUris: [REDIRECT], public: true }))
      .body;

    const response = await act(clientId, 'rotate-secret');

    expect([response.status, response.body]).toEqual([
      409,
      { error: 'conflict', message: 'This application is a public client: it has no secret to rotate.' },
    ]);
  });

  it('answers 404 for a client id that names no application, for both actions', async () => {
    for (const verb of ['disable', 'rotate-secret'] as const) {
      const response = await act('no-such-client', verb);
      expect([verb, response.status, response.body]).toEqual([
        verb,
        404,
        { error: 'not_found', message: 'There is no application with client ID no-such-client.' },
      ]);
    }
  });
});
