/**
 * Random and malformed requests to every route the server serves (Fastify's onRoute hook lists them), with
 * no session, a staff session and an account manager's: never a 5xx, always an {error, message} body.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSession, staffSession } from '../support/self-service';
import { challenge, startWithUser, type TestServer } from '../support/test-server';

let t: TestServer;
let liveChallenge: string;
let staffToken: string;
let adminToken: string;
let routes: Array<{ method: string; url: string }>;
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
});
