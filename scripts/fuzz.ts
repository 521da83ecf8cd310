/**
 * Fuzzes a real server process: fast-check sends random and malformed requests to every route of the
 * server's own OpenAPI document (so a new route is fuzzed the day it appears), plus random methods and
 * paths, with random bodies, content types and headers. A quarter of the requests go to the OpenID Connect
 * provider's routes under /oidc, which the OpenAPI document does not list: the provider itself says which
 * it serves (scripts/oidc-routes.ts), and its discovery document's endpoints must all be among them. Every
 * answer must be below 500, every API error an {error, message} body (the provider's, OAuth's {error, …}),
 * and the process must still be alive and healthy at the end.
 *
 *   npm run fuzz -- [--requests 10000] [--seed N]
 *
 * Prints one summary line; exits 1 on the first 5xx (with fast-check's shrunk counterexample and the seed
 * to replay it), on a malformed error body, or if the process died.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { CLI_CONTEXT } from '../server/services/audit-log';
import { OIDC_PREFIX } from '../server/services/oidc-provider';
import { liveOidcValues, oidcAnswerFault, oidcRequests } from './oidc-fuzz';
import { oidcRoutes, unlistedEndpoints } from './oidc-routes';
import { ScratchServer } from './server-process';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const requests = Number(values.requests);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
if (!Number.isInteger(requests) || requests < 1 || !Number.isInteger(seed)) {
  console.error('fuzz: --requests and --seed take whole numbers (requests ≥ 1)');
  process.exit(2);
}

const PASSWORD = `fuzz${randomBytes(6).toString('hex')}7`;
const USER = { username: 'fuzzer', email: 'fuzzer@fuzz.example', phone: '+12025550199' };
const MANAGER = { username: 'fuzzmanager', email: 'fuzzmanager@fuzz.example', phone: '+12025550198' };
// Signs in through the provider's login prompt; an address of its own, since each address waits between codes.
const OIDC_USER = { username: 'fuzzoidc', email: 'fuzzoidc@fuzz.example', phone: '+12025550197' };
const REDIRECT_URI = 'http://127.0.0.1:4581/callback';

const server = ScratchServer.prepare('fuzz', {
  WRSAUTH_LOGIN_LIMIT_PER_MINUTE: '1000000',
  WRSAUTH_SEND_LIMIT_PER_HOUR: '1000000',
});
await server.seed([
  { ...USER, password: PASSWORD, firstName: 'Fuzz', lastName: 'Er', role: 'staff' },
  { ...MANAGER, password: PASSWORD, firstName: 'Fuzz', lastName: 'Manager', role: 'admin' },
  { ...OIDC_USER, password: PASSWORD, firstName: 'Fuzz', lastName: 'Oidc', role: 'staff' },
]);
await server.start();
const { origin } = server;

/** Signs in with the password and an emailed code: a session that passed both factors. */
async function signInWithCode(user: { username: string; email: string }): Promise<string> {
  const login = (await server.post('/api/v1/auth/login', { username: user.username, password: PASSWORD }))
    .json;
  const challengeId = String(login.challengeId);
  await server.post(`/api/v1/auth/challenges/${challengeId}/send`, { targetId: 'email' });
  const code = server.codeSentTo(user.email);
  const verified = await server.post(`/api/v1/auth/challenges/${challengeId}/verify`, { code });
  if (verified.status !== 200) {
    console.error(
      `fuzz: ${user.username} could not sign in (${verified.status}); nothing past the guard would be fuzzed`,
    );
    process.exit(1);
  }
  return String(verified.json.sessionToken);
}

/**
 * Live values for path parameters and headers, so the fuzzer reaches past "not found" and "unauthorized":
 * a staff session for /me, and an account manager's, signed in with a second factor, for /admin.
 */
async function liveValues(): Promise<{ challengeId: string; sessionToken: string; managerToken: string }> {
  const sessionToken = await signInWithCode(USER);
  const managerToken = await signInWithCode(MANAGER);
  const second = (await server.post('/api/v1/auth/login', { username: USER.username, password: PASSWORD }))
    .json;
  return { challengeId: String(second.challengeId), sessionToken, managerToken };
}

const document = (await (await fetch(`${origin}/api/v1/openapi.json`)).json()) as {
  paths: Record<string, Record<string, unknown>>;
};
const routes = Object.entries(document.paths).flatMap(([path, operations]) =>
  Object.keys(operations).map((method) => ({ method: method.toUpperCase(), path })),
);
if (routes.length === 0) {
  console.error('fuzz: the OpenAPI document lists no routes');
  process.exit(1);
}
const live = await liveValues();

// The provider's routes, as a Provider built on this data dir serves them, and a client to sign in with.
const oidc = await server.withServices(async (services) => {
  const client = await services.relyingParties.register(
    { name: 'Fuzz practice app', redirectUris: [REDIRECT_URI] },
    CLI_CONTEXT,
  );
  await services.oidc.start(origin);
  return { client, routes: oidcRoutes(await services.oidc.provider(), OIDC_PREFIX) };
});
const discovery = (await (
  await fetch(`${origin}${OIDC_PREFIX}/.well-known/openid-configuration`)
).json()) as Record<string, unknown>;
const unlisted = unlistedEndpoints(discovery, oidc.routes);
if (unlisted.length > 0) {
  console.error(`fuzz: the discovery document names endpoints the fuzzer would miss: ${unlisted.join(', ')}`);
  process.exit(1);
}
const oidcLive = await liveOidcValues(
  origin,
  {
    clientId: oidc.client.clientId,
    clientSecret: String(oidc.client.clientSecret),
    redirectUri: REDIRECT_URI,
  },
  () => signInWithCode(OIDC_USER),
);

const junkSegment = fc.oneof(
  fc.string(),
  fc.constantFrom('%ff%fe', '%00', '..', '%2e%2e', '%E0%A4%A', '\u0000', 'a'.repeat(3000), '{id}', '*'),
  fc.uuid(),
);
const pathParam = fc.oneof(fc.constant(live.challengeId), junkSegment);
const knownPath = fc
  .tuple(fc.constantFrom(...routes), pathParam, fc.constantFrom('', '/', '?x=1', '?__proto__[a]=1', '#f'))
  .map(([route, param, suffix]) => ({
    method: route.method,
    path: route.path.replace(/\{[^}]+\}/g, encodeURIComponent(param)) + suffix,
  }));
const randomPath = fc
  .tuple(
    fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
    fc.constantFrom('/api/v1/', '/api/v1/auth/', '/', '/api/v1/auth/challenges/', '//'),
    fc.array(junkSegment, { maxLength: 4 }),
  )
  .map(([method, prefix, segments]) => ({
    method,
    path: prefix + segments.map((s) => encodeURIComponent(s)).join('/'),
  }));
const otherMethod = fc
  .tuple(fc.constantFrom(...routes), fc.constantFrom('PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'))
  .map(([route, method]) => ({ method, path: route.path.replace(/\{[^}]+\}/g, live.challengeId) }));

const contractFields = fc
  .record(
    {
      username: fc.oneof(fc.string(), fc.integer(), fc.constant(USER.username), fc.constant(null)),
      password: fc.oneof(fc.string(), fc.constant(PASSWORD), fc.array(fc.string())),
      deviceToken: fc.oneof(fc.string(), fc.constant(live.sessionToken)),
      targetId: fc.oneof(fc.constantFrom('sms', 'email'), fc.string(), fc.object()),
      code: fc.oneof(fc.stringMatching(/^\d{6}$/), fc.string(), fc.integer(), fc.double()),
      rememberDevice: fc.oneof(fc.boolean(), fc.string()),
      deviceName: fc.oneof(fc.string(), fc.string({ minLength: 200, maxLength: 400 })),
      __proto__: fc.object(),
      constructor: fc.object(),
    },
    { requiredKeys: [] },
  )
  .map((o) => JSON.stringify(o));
const body = fc.oneof(
  contractFields,
  fc.json(),
  fc.string(),
  fc.constantFrom('{', '[', 'null', '""', '{"a":'.repeat(500), `{"username":"${'x'.repeat(70_000)}"}`),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);
const headers = fc.record(
  {
    'content-type': fc.constantFrom(
      'application/json',
      'application/json; charset=utf-16',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=',
      '*/*',
      'x',
    ),
    authorization: fc.oneof(
      fc.constant(`Bearer ${live.sessionToken}`),
      fc.constant(`Bearer ${live.managerToken}`),
      fc.string().map((s) => `Bearer ${s.replace(/[^\x21-\x7e]/g, '')}`),
      fc.constantFrom('Bearer', 'Basic Zm9vOmJhcg==', 'Bearer a b c'),
    ),
    'x-forwarded-for': fc.constantFrom('1.2.3.4', 'garbage', '::1, 127.0.0.1', ''),
    accept: fc.constantFrom('application/json', 'text/html', '*/*', 'application/xml'),
    'accept-encoding': fc.constantFrom('gzip', 'br', 'identity', 'x'),
    origin: fc.constantFrom('app://wrsauth', 'https://evil.example', 'null'),
    'user-agent': fc.string({ maxLength: 300 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
  },
  { requiredKeys: [] },
);

/** A request to the API or the web client, checked against the {error, message} shape. */
const apiRequest = fc
  .tuple(
    fc.oneof({ weight: 6, arbitrary: knownPath }, { weight: 2, arbitrary: randomPath }, otherMethod),
    body,
    headers,
  )
  .map(([request, payload, requestHeaders]) => ({
    kind: 'api' as const,
    method: request.method,
    path: request.path,
    headers: requestHeaders as Record<string, string>,
    body: ['GET', 'HEAD'].includes(request.method) ? undefined : payload,
  }));
const oidcRequest = oidcRequests(oidc.routes, () => oidcLive).map((request) => ({
  kind: 'oidc' as const,
  ...request,
}));

let sent = 0;
let sentToOidc = 0;
// Requests to /admin routes that the account manager's session got past the guard, into the handlers.
let pastTheGuard = 0;
const statuses = new Map<number, number>();
const property = fc.asyncProperty(
  fc.oneof({ weight: 3, arbitrary: apiRequest }, { weight: 1, arbitrary: oidcRequest }),
  async (request) => {
    sent += 1;
    const response = await fetch(`${origin}${request.path}`, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
    });
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    if (request.kind === 'oidc') {
      sentToOidc += 1;
      const fault = oidcAnswerFault(
        request.method,
        response.status,
        response.headers.get('content-type') ?? '',
        await response.text(),
      );
      if (fault) throw new Error(`${request.method} ${request.path.slice(0, 200)}: ${fault}`);
      return;
    }
    if (
      request.path.startsWith('/api/v1/admin/') &&
      request.headers.authorization === `Bearer ${live.managerToken}` &&
      response.status !== 401 &&
      response.status !== 403
    ) {
      pastTheGuard += 1;
    }
    const text = await response.text();
    if (response.status >= 500) throw new Error(`${response.status} answer: ${text.slice(0, 300)}`);
    if (response.status >= 400 && request.method !== 'HEAD') {
      const error = JSON.parse(text) as { error?: unknown; message?: unknown };
      if (
        typeof error.error !== 'string' ||
        !/^[a-z_]+$/.test(error.error) ||
        typeof error.message !== 'string'
      ) {
        throw new Error(`${response.status} answer is not {error, message}: ${text.slice(0, 300)}`);
      }
    }
  },
);

const started = Date.now();
const result = await fc.check(property, { numRuns: requests, seed, endOnFailure: true });
const healthy = server.running && (await server.healthy());
const state = server.state;
await server.stop();
if (!values.keep) server.remove();

const byStatus = [...statuses]
  .sort(([a], [b]) => a - b)
  .map(([status, count]) => `${status}×${count}`)
  .join(' ');
const fivexx = [...statuses].filter(([status]) => status >= 500).reduce((sum, [, n]) => sum + n, 0);
if (result.failed)
  console.log(`  counterexample: ${fc.stringify(result.counterexample)}\n  ${result.errorInstance}`);
console.log(
  `fuzz: ${sent} requests to ${routes.length} routes and random paths (seed ${seed}); ` +
    `${sentToOidc} of them to ${oidc.routes.length} /oidc routes; ${fivexx} answers 5xx; ` +
    `${pastTheGuard} /admin requests past the guard; ` +
    `process ${healthy ? 'alive and healthy' : `NOT healthy (${state})`}; ` +
    `${((Date.now() - started) / 1000).toFixed(1)} s; statuses ${byStatus}`,
);
if (pastTheGuard === 0)
  console.log('  no /admin request got past the guard: the console handlers went unfuzzed');
process.exit(result.failed || !healthy || pastTheGuard === 0 ? 1 : 0);
