/** Random and malformed requests to every route: never a 5xx, always an {error, message} body. */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { challenge, createUser, startTestServer, type TestServer } from '../support/test-server';

let t: TestServer;
let liveChallenge: string;
beforeAll(async () => {
  t = await startTestServer({
    env: {
      WRSAUTH_LOGIN_LIMIT_PER_MINUTE: '100000',
      TWILIO_STATUS_CALLBACK_URL: 'https://auth.practice.example/api/v1/webhooks/twilio/status',
    },
  });
  await createUser(t);
  liveChallenge = await challenge(t);
});
afterAll(() => t.close());

const routes = () => [
  ['POST', '/api/v1/auth/login'],
  ['POST', `/api/v1/auth/challenges/${liveChallenge}/send`],
  ['POST', `/api/v1/auth/challenges/${liveChallenge}/verify`],
  ['GET', `/api/v1/auth/challenges/${liveChallenge}/delivery`],
  ['POST', '/api/v1/webhooks/twilio/status?outbox=x'],
  ['POST', '/api/v1/webhooks/twilio/status'],
  ['POST', '/api/v1/auth/password-reset'],
  ['POST', '/api/v1/auth/password-reset/nope/send'],
  ['POST', '/api/v1/auth/password-reset/nope/verify'],
  ['POST', '/api/v1/auth/password-reset/nope/password'],
  ['POST', '/api/v1/auth/challenges/%ff%fe/verify'],
  ['POST', '/api/v1/auth/logout'],
  ['GET', '/api/v1/me'],
  ['GET', '/healthz'],
];

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
        targetId: fc.oneof(fc.constantFrom('sms', 'email'), fc.string()),
        code: fc.oneof(fc.stringMatching(/^\d{6}$/), fc.string(), fc.integer()),
        rememberDevice: fc.oneof(fc.boolean(), fc.string()),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
);

describe('fuzzing the routes', () => {
  it('never answers 5xx to random bodies, content types and authorization headers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: routes().length - 1 }),
        body,
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', ''),
        fc.oneof(
          fc.constant(undefined),
          fc.string().map((s) => `Bearer ${s.replace(/[^\x21-\x7e]/g, '')}`),
        ),
        async (routeIndex, payload, contentType, authorization) => {
          const [method, path] = routes()[routeIndex] as [string, string];
          const headers: Record<string, string> = {};
          if (contentType) headers['content-type'] = contentType;
          if (authorization) headers.authorization = authorization;
          const response = await fetch(`${t.url}${path}`, {
            method,
            headers,
            body: method === 'GET' ? undefined : payload,
          });
          expect(response.status).toBeLessThan(500);
          if (response.status >= 400) {
            const error = (await response.json()) as { error: string; message: string };
            expect(error.error).toMatch(/^[a-z_]+$/);
            expect(typeof error.message).toBe('string');
          } else {
            await response.arrayBuffer();
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
