/**
 * The desktop client's ticket into a login prompt: its main process asks POST /api/v1/oidc/tickets with its
 * own Bearer session, and its practice-application window (here a cookie-keeping browser holding the
 * provider's interaction cookie) posts the ticket to /oidc-interaction/:uid/ticket. openid-client is the
 * relying party, against a real server on loopback.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../server/secrets';
import { CLI_CONTEXT } from '../../server/services/audit-log';
import { Sweeps, serverSweepJobs } from '../../server/sweeps';
import { CookieBrowser } from '../support/oidc-browser';
import { authorizationRequest } from '../support/oidc-relying-party';
import { OidcSignIns } from '../support/oidc-sign-in';
import { createUser, eventually, startTestServer, type TestServer } from '../support/test-server';

const REDIRECT = 'http://127.0.0.1:4581/callback';
const INSECURE = { execute: [oidc.allowInsecureRequests] };

let t: TestServer;
let practiceApp: oidc.Configuration;
let phoneSuffix = 40;
/** The practice application's back-channel logout endpoint: the logout tokens it verified. */
const logoutTokens: JWTPayload[] = [];
let backchannel: http.Server;

beforeAll(async () => {
  backchannel = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token') ?? '';
      const jwks = createRemoteJWKSet(new URL(practiceApp.serverMetadata().jwks_uri as string));
      jwtVerify(token, jwks, { issuer: practiceApp.serverMetadata().issuer, typ: 'logout+jwt' }).then(
        ({ payload }) => {
          logoutTokens.push(payload);
          res.writeHead(200).end();
        },
        () => res.writeHead(400).end(),
      );
    });
  });
  await new Promise<void>((resolve) => backchannel.listen(0, '127.0.0.1', resolve));
  t = await startTestServer();
  const { clientId, clientSecret } = await t.server.services.relyingParties.register(
    {
      name: 'Practice app',
      redirectUris: [REDIRECT],
      backchannelLogoutUri: `http://127.0.0.1:${(backchannel.address() as AddressInfo).port}/logout`,
    },
    CLI_CONTEXT,
  );
  practiceApp = await oidc.discovery(
    new URL(`${t.url}/oidc`),
    clientId,
    undefined,
    oidc.ClientSecretBasic(clientSecret as string),
    INSECURE,
  );
});
afterAll(async () => {
  await t.close();
  await new Promise((resolve) => backchannel.close(resolve));
});

async function newUser(username: string) {
  phoneSuffix += 1;
  await createUser(t, {
    username,
    phone: `+120255501${phoneSuffix}`,
    email: `${username}@wrshealth.com`,
    locations: ['Main Office', 'Eastside Clinic'],
  });
}

/** Password, then a texted code, as WRSAuth's screens do it: the session token (tests/support/oidc-sign-in.ts). */
const signIn = (username: string) => new OidcSignIns(t).signIn(username);

const locationId = (name: string) => new OidcSignIns(t).locationId(name);

/** The practice-application window follows the application's authorization request to the login prompt. */
async function openPrompt(window: CookieBrowser, parameters: Record<string, string> = {}) {
  const request = await authorizationRequest(practiceApp, REDIRECT, parameters);
  const { url } = await window.navigate(request.url);
  const uid = /^\/oidc-interaction\/([\w-]+)$/.exec(url.pathname)?.[1];
  if (!uid) throw new Error(`expected the login prompt, landed on ${url.pathname}`);
  return { ...request, uid };
}

/** What main asks for, with the client's session: the status and body. */
async function askTicket(token: string | undefined, interactionUid: string, location: string | null) {
  return t.post(
    '/api/v1/oidc/tickets',
    { interactionUid, locationId: location },
    token ? { authorization: `Bearer ${token}` } : {},
  );
}

async function ticketFor(token: string, interactionUid: string, location: string | null): Promise<string> {
  const answer = await askTicket(token, interactionUid, location);
  if (answer.status !== 201) throw new Error(`no ticket: ${JSON.stringify(answer.body)}`);
  return answer.body.ticket;
}

/** The window posts the ticket as a form: the status and where it is sent next. */
async function redeem(window: CookieBrowser, uid: string, ticket: string) {
  const answer = await window.fetch(`/oidc-interaction/${uid}/ticket`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ticket }).toString(),
  });
  return { status: answer.status, location: answer.headers.get('location') ?? '' };
}

const promptOf = (uid: string) => `/oidc-interaction/${uid}`;

describe('a ticket completes the login prompt with the desktop sign-in', () => {
  it('sends the window back to the application with a code for the desktop sign-in, its amr and its location, though that sign-in began before the request', async () => {
    await newUser('ticket_pass');
    const token = await signIn('ticket_pass');
    const eastside = await locationId('Eastside Clinic');
    t.clock.advance(120);
    const window = new CookieBrowser(t.url);
    const request = await openPrompt(window);

    const issued = await askTicket(token, request.uid, eastside);
    const redeemed = await redeem(window, request.uid, issued.body.ticket);
    const { url: callback } = await window.navigate(new URL(redeemed.location, t.url));
    const tokens = await request.redeem(callback);

    expect(issued.status).toBe(201);
    expect(Date.parse(issued.body.expiresAt) - t.clock.now().getTime()).toBe(60_000);
    expect(redeemed.status).toBe(303);
    expect(redeemed.location).toMatch(/\/oidc\/auth\//);
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT);
    expect(tokens.claims()).toMatchObject({
      preferred_username: 'ticket_pass',
      practice_location: { id: eastside, name: 'Eastside Clinic' },
      amr: ['pwd', 'sms', 'mfa'],
    });
  });

  it("ends with the desktop client's sign-in: its sign-out logs the application out by back-channel", async () => {
    await newUser('ticket_backchannel');
    const token = await signIn('ticket_backchannel');
    const window = new CookieBrowser(t.url);
    const request = await openPrompt(window);
    const ticket = await ticketFor(token, request.uid, await locationId('Main Office'));
    const { url: callback } = await window.navigate(
      new URL((await redeem(window, request.uid, ticket)).location, t.url),
    );
    const idToken = (await request.redeem(callback)).claims();

    const signedOut = await t.post('/api/v1/auth/logout', {}, { authorization: `Bearer ${token}` });
    const told = await eventually(
      async () => logoutTokens.filter((claims) => claims.sub === idToken?.sub),
      (found) => found.length > 0,
      20_000,
    );

    expect(signedOut.status).toBe(204);
    expect(told.map((claims) => [claims.aud, claims.sid])).toEqual([
      [practiceApp.clientMetadata().client_id, idToken?.sid],
    ]);
  });

  it('keeps only the SHA-256 of a ticket, and audits its redemption as oidc_ticket_redeemed', async () => {
    await newUser('ticket_audit');
    const token = await signIn('ticket_audit');
    const window = new CookieBrowser(t.url);
    const { uid } = await openPrompt(window);
    const ticket = await ticketFor(token, uid, await locationId('Main Office'));

    const rows = await t.server.db.selectFrom('oidc_tickets').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(ticket);
    expect(rows.map((row) => row.token_hash)).toContain(hashToken(ticket));

    expect((await redeem(window, uid, ticket)).location).toMatch(/\/oidc\/auth\//);
    const audited = await t.server.db
      .selectFrom('audit_events')
      .select(['username', 'detail'])
      .where('event_type', '=', 'oidc_ticket_redeemed')
      .execute();
    expect(audited.map((row) => row.username)).toContain('ticket_audit');
    expect(JSON.stringify(audited)).not.toContain(ticket);
  });
});

describe('a ticket is single-use, short-lived and bound', () => {
  it('is good once: a ticket already spent sends the window to the prompt, which stays open', async () => {
    await newUser('ticket_once');
    const token = await signIn('ticket_once');
    const window = new CookieBrowser(t.url);
    const { uid } = await openPrompt(window);
    const ticket = await ticketFor(token, uid, await locationId('Main Office'));

    const first = await t.server.services.oidcTickets.spend(ticket, uid);
    const second = await t.server.services.oidcTickets.spend(ticket, uid);
    const redeemed = await redeem(window, uid, ticket);

    expect(first).toBeDefined();
    expect(second).toBeUndefined();
    expect(redeemed).toEqual({ status: 303, location: promptOf(uid) });
    expect((await window.fetch(`/oidc-interaction/${uid}/details`)).status).toBe(200);
  });

  it('lasts 60 seconds: an expired ticket sends the window to the prompt, and a new one still passes', async () => {
    await newUser('ticket_expiry');
    const token = await signIn('ticket_expiry');
    const window = new CookieBrowser(t.url);
    const { uid } = await openPrompt(window);
    const main = await locationId('Main Office');
    const stale = await ticketFor(token, uid, main);
    t.clock.advance(61);

    const expired = await redeem(window, uid, stale);
    const fresh = await redeem(window, uid, await ticketFor(token, uid, main));

    expect(expired).toEqual({ status: 303, location: promptOf(uid) });
    expect(fresh.location).toMatch(/\/oidc\/auth\//);
  });

  it('is bound to its interaction: posted at another prompt it does nothing, and is not spent there', async () => {
    await newUser('ticket_uid');
    const token = await signIn('ticket_uid');
    const window = new CookieBrowser(t.url);
    const own = await openPrompt(window);
    const otherWindow = new CookieBrowser(t.url);
    const other = await openPrompt(otherWindow);
    const ticket = await ticketFor(token, own.uid, await locationId('Main Office'));

    const elsewhere = await redeem(otherWindow, other.uid, ticket);
    const home = await redeem(window, own.uid, ticket);

    expect(elsewhere).toEqual({ status: 303, location: promptOf(other.uid) });
    expect(home.location).toMatch(/\/oidc\/auth\//);
  });

  it("is bound to the window holding the interaction cookie: another browser's post sends it to the prompt and spends nothing", async () => {
    await newUser('ticket_cookie');
    const token = await signIn('ticket_cookie');
    const window = new CookieBrowser(t.url);
    const { uid } = await openPrompt(window);
    const ticket = await ticketFor(token, uid, await locationId('Main Office'));

    const stranger = await redeem(new CookieBrowser(t.url), uid, ticket);
    const home = await redeem(window, uid, ticket);

    expect(stranger).toEqual({ status: 303, location: promptOf(uid) });
    expect(home.location).toMatch(/\/oidc\/auth\//);
  });

  it('is bound to its session: after the desktop client signs out the ticket sends the window to the prompt', async () => {
    await newUser('ticket_signout');
    const token = await signIn('ticket_signout');
    const window = new CookieBrowser(t.url);
    const { uid } = await openPrompt(window);
    const ticket = await ticketFor(token, uid, await locationId('Main Office'));

    const signedOut = await t.post('/api/v1/auth/logout', {}, { authorization: `Bearer ${token}` });
    const redeemed = await redeem(window, uid, ticket);

    expect(signedOut.status).toBe(204);
    expect(redeemed).toEqual({ status: 303, location: promptOf(uid) });
  });

  it('is bound to one of the user’s own locations: another is refused at issue (400)', async () => {
    await newUser('ticket_location');
    const token = await signIn('ticket_location');
    const { uid } = await openPrompt(new CookieBrowser(t.url));

    const refused = await askTicket(token, uid, 'not-a-location');

    expect([refused.status, refused.body.error]).toEqual([400, 'bad_request']);
  });

  it.each([
    ['prompt=login', { prompt: 'login' }],
    ['max_age=0', { max_age: '0' }],
  ])(
    'cannot stand for a fresh sign-in: on %s the window gets the prompt to type the password and code',
    async (_, parameters) => {
      const username = `ticket_fresh_${Object.keys(parameters)[0]}`;
      await newUser(username);
      const token = await signIn(username);
      const window = new CookieBrowser(t.url);
      const { uid } = await openPrompt(window, parameters);

      const redeemed = await redeem(
        window,
        uid,
        await ticketFor(token, uid, await locationId('Main Office')),
      );

      expect(redeemed).toEqual({ status: 303, location: promptOf(uid) });
      expect((await window.fetch(`/oidc-interaction/${uid}/details`)).status).toBe(200);
    },
  );

  it('is swept once its minute is over', async () => {
    await newUser('ticket_sweep');
    const token = await signIn('ticket_sweep');
    const { uid } = await openPrompt(new CookieBrowser(t.url));
    const ticket = await ticketFor(token, uid, await locationId('Main Office'));
    t.clock.advance(61);

    const swept = await new Sweeps(serverSweepJobs(t.server.services), pino({ level: 'silent' })).runOnce();
    const left = await t.server.db
      .selectFrom('oidc_tickets')
      .select('token_hash')
      .where('token_hash', '=', hashToken(ticket))
      .execute();

    expect(swept['oidc tickets']?.expiredTickets).toBeGreaterThanOrEqual(1);
    expect(left).toEqual([]);
  });
});

describe('a ticket is refused at issue', () => {
  it('without a session (401), and for an unknown interaction (404)', async () => {
    await newUser('ticket_nosession');
    const token = await signIn('ticket_nosession');
    const { uid } = await openPrompt(new CookieBrowser(t.url));
    const main = await locationId('Main Office');

    const anonymous = await askTicket(undefined, uid, main);
    const unknown = await askTicket(token, 'no-such-interaction', main);

    expect(anonymous.status).toBe(401);
    expect([unknown.status, unknown.body.error]).toEqual([404, 'interaction_not_found']);
  });

  it('to a temporary-password session (403 password_change_required)', async () => {
    await newUser('ticket_temporary');
    await t.server.services.cli.setTemporaryPassword('ticket_temporary', 'frontDesk2026', 'Forgotten');
    const token = await signIn('ticket_temporary');
    const { uid } = await openPrompt(new CookieBrowser(t.url));

    const refused = await askTicket(token, uid, await locationId('Main Office'));

    expect([refused.status, refused.body.error]).toEqual([403, 'password_change_required']);
  });

  it('to a password-only session when the practice requires a second factor (403 second_factor_required)', async () => {
    await newUser('ticket_pwdonly');
    await t.server.services.cli.setPolicy({ mode: 'off' });
    try {
      const passwordOnly = await signIn('ticket_pwdonly');
      await t.server.services.cli.setPolicy({ mode: 'required' });
      const { uid } = await openPrompt(new CookieBrowser(t.url));

      const refused = await askTicket(passwordOnly, uid, await locationId('Main Office'));

      expect([refused.status, refused.body.error]).toEqual([403, 'second_factor_required']);
    } finally {
      await t.server.services.cli.setPolicy({ mode: 'optional' });
    }
  });

  it('answers a malformed redemption form with 400, never a 500', async () => {
    const window = new CookieBrowser(t.url);
    const { uid } = await openPrompt(window);

    const answer = await window.fetch(`/oidc-interaction/${uid}/ticket`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'nothing=here',
    });

    expect(answer.status).toBe(400);
  });
});
