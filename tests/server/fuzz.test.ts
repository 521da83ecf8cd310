/**
 * Random and malformed requests to every route the server serves (Fastify's onRoute hook lists them), with
 * no session, a staff session and an account manager's: never a 5xx, always an {error, message} body. And to
 * every route of the OpenID Connect provider under /oidc, which are not Fastify's (the provider lists them,
 * scripts/oidc-routes.ts), with live and forged client credentials, tokens and cookies: never a 5xx.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveOidcValues, type OidcLiveValues, oidcAnswerFault, oidcRequests } from '../../scripts/oidc-fuzz';
import { type FuzzRoute, oidcRoutes, unlistedEndpoints } from '../../scripts/oidc-routes';
import { CLI_CONTEXT } from '../../server/services/audit-log';
import { OIDC_PREFIX } from '../../server/services/oidc-provider';
import { adminSession, secondFactorSession, staffSession } from '../support/self-service';
import { challenge, startWithUser, type TestServer } from '../support/test-server';

let t: TestServer;
let liveChallenge: string;
let staffToken: string;
let adminToken: string;
let routes: Array<{ method: string; url: string }>;
let providerRoutes: FuzzRoute[];
let oidcLive: OidcLiveValues;
beforeAll(async () => {
  t = await startWithUser({
    env: {
      WRSAUTH_LOGIN_LIMIT_PER_MINUTE: '100000',
      TWILIO_STATUS_CALLBACK_URL: 'https://auth.practice.example/api/v1/webhooks/twilio/status',
    },
  });
  staffToken = await staffSession(t);
  adminToken = await adminSession(t);
  liveChallenge = await challenge(t);
  // HEAD answers as GET does; the web client's files are static and fuzzed through GET /.
  routes = t.server.app.routeInventory.filter((route) => route.method !== 'HEAD');
  providerRoutes = oidcRoutes(await t.server.services.oidc.provider(), OIDC_PREFIX);
  const redirectUri = 'http://127.0.0.1:4581/callback';
  const { clientId, clientSecret } = await t.server.services.relyingParties.register(
    { name: 'Fuzzed app', redirectUris: [redirectUri] },
    CLI_CONTEXT,
  );
  oidcLive = await liveOidcValues(t.url, { clientId, clientSecret: String(clientSecret), redirectUri }, () =>
    secondFactorSession(t, 'ckiplock'),
  );
});
afterAll(() => t.close());

const RUNS_PER_ROUTE = 8;

const pathParam = fc.oneof(
  fc.constant(() => liveChallenge),
  fc.constantFrom('nope', '%ff%fe', '%00', '..', 'a'.repeat(300), '00000000-0000-0000-0000-000000000000'),
  fc.uuid(),
);

const body = fc.oneof(
  fc.json(),
  fc.string(),
  fc
    .record(
      {
        username: fc.oneof(fc.string(), fc.integer(), fc.constant('ckiplock')),
        password: fc.oneof(fc.string(), fc.constant(null)),
        deviceToken: fc.string(),
        AccountSid: fc.string(),
        MessageSid: fc.string(),
        MessageStatus: fc.oneof(fc.constantFrom('delivered', 'undelivered'), fc.string()),
        targetId: fc.oneof(fc.constantFrom('sms', 'email', 'totp', 'bypass'), fc.string()),
        code: fc.oneof(fc.stringMatching(/^\d{6}$/), fc.string(), fc.integer()),
        rememberDevice: fc.oneof(fc.boolean(), fc.string()),
        channel: fc.oneof(fc.constantFrom('sms', 'email'), fc.string()),
        value: fc.string(),
        reason: fc.string(),
        mode: fc.oneof(fc.constantFrom('off', 'optional', 'required'), fc.string()),
        name: fc.string(),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
);

describe('fuzzing every route', () => {
  it('serves the routes it is about to fuzz: the sign-in, self-service and console ones', () => {
    const urls = routes.map((route) => route.url);
    expect(urls).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/api/v1/me/devices', '/api/v1/admin/users/:id']),
    );
    expect(routes.length).toBeGreaterThan(40);
  });

  it('never answers 5xx to random bodies, content types and sessions, on any route', async () => {
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(
          fc.array(pathParam, { minLength: 4, maxLength: 4 }),
          body,
          fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', ''),
          fc.oneof(
            fc.constant(undefined),
            fc.constant(() => `Bearer ${staffToken}`),
            fc.constant(() => `Bearer ${adminToken}`),
            fc.string().map((s) => `Bearer ${s.replace(/[^\x21-\x7e]/g, '')}`),
          ),
          async (params, payload, contentType, authorization) => {
            let index = 0;
            // `OPTIONS *` (CORS) answers any path, so it is fuzzed under the root.
            const template = route.url.startsWith('/') ? route.url : `/${route.url}`;
            const path = template.replace(/:[^/]+|\*/g, () => {
              const param = params[index++ % params.length];
              return encodeURIComponent(typeof param === 'function' ? param() : (param ?? ''));
            });
            const headers: Record<string, string> = {};
            if (contentType) headers['content-type'] = contentType;
            if (authorization)
              headers.authorization = typeof authorization === 'function' ? authorization() : authorization;
            const response = await fetch(`${t.url}${path}`, {
              method: route.method,
              headers,
              body: route.method === 'GET' ? undefined : payload,
            });
            const where = `${route.method} ${path}`;
            expect(response.status, where).toBeLessThan(500);
            if (response.status >= 400) {
              const error = (await response.json()) as { error: string; message: string };
              expect(error.error, where).toMatch(/^[a-z_]+$/);
              expect(typeof error.message, where).toBe('string');
            } else {
              await response.arrayBuffer();
            }
          },
        ),
        { numRuns: RUNS_PER_ROUTE },
      );
    }
  }, 240_000);

  it('fuzzes every endpoint the discovery document names, and the routes hanging off them', async () => {
    const discovery = (await (
      await fetch(`${t.url}${OIDC_PREFIX}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    const paths = providerRoutes.map((route) => `${route.method} ${route.path}`);

    expect(unlistedEndpoints(discovery, providerRoutes)).toEqual([]);
    // Not in discovery, yet served: the authorization's resume, logout's confirmation, the preflights.
    expect(paths).toEqual(
      expect.arrayContaining([
        'GET /oidc/auth/{uid}',
        'POST /oidc/session/end/confirm',
        'OPTIONS /oidc/token',
        'GET /oidc/.well-known/openid-configuration',
      ]),
    );
  });

  it('never answers 5xx on the provider’s routes, to random OAuth parameters, credentials, tokens and cookies', async () => {
    for (const route of providerRoutes) {
      await fc.assert(
        fc.asyncProperty(
          oidcRequests([route], () => oidcLive),
          async (request) => {
            const response = await fetch(`${t.url}${request.path}`, {
              method: request.method,
              headers: request.headers,
              body: request.body,
              redirect: 'manual',
            });
            const fault = oidcAnswerFault(
              request.method,
              response.status,
              response.headers.get('content-type') ?? '',
              await response.text(),
            );
            expect(fault, `${request.method} ${request.path.slice(0, 200)}`).toBeUndefined();
          },
        ),
        { numRuns: RUNS_PER_ROUTE },
      );
    }
    // Still serving: a fuzzed request left the provider able to answer discovery.
    expect((await fetch(`${t.url}${OIDC_PREFIX}/.well-known/openid-configuration`)).status).toBe(200);
  }, 120_000);
});
