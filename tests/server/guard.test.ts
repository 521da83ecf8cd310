/**
 * The route guard, proven over the whole contract: every /api/v1/me/... and /api/v1/admin/... route the
 * server serves (Fastify's onRoute hook lists them; each is in the OpenAPI document too) answers 401 without
 * a session, and every admin route 403 to a staff session, before it looks at its input (a malformed body
 * gets the same answer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSession, bearer, call, staffSession } from '../support/self-service';
import { startWithUser, type TestServer } from '../support/test-server';

let t: TestServer;
let routes: Array<{ method: string; path: string }>;
let documented: Array<{ method: string; path: string }>;
let staffToken: string;
let adminToken: string;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

beforeAll(async () => {
  t = await startWithUser();
  staffToken = await staffSession(t);
  adminToken = await adminSession(t);
  const spec = await t.get('/api/v1/openapi.json');
  documented = Object.entries(spec.body.paths as Record<string, Record<string, unknown>>).flatMap(
    ([path, ops]) =>
      Object.keys(ops)
        .filter((method) => METHODS.includes(method))
        .map((method) => ({ method: method.toUpperCase(), path: path.replaceAll(/\{[^}]+\}/g, 'x') })),
  );
  // Every route Fastify added (its onRoute hook), schema or not: the proofs below walk these, so a route
  // missing from the OpenAPI document cannot escape them. HEAD answers as GET does.
  routes = t.server.app.routeInventory
    .filter((route) => route.method !== 'HEAD')
    .map((route) => ({ method: route.method, path: route.url.replaceAll(/:[^/]+/g, 'x') }));
});
afterAll(() => t.close());

const meRoutes = () => routes.filter((r) => r.path === '/api/v1/me' || r.path.startsWith('/api/v1/me/'));
const adminRoutes = () => routes.filter((r) => r.path.startsWith('/api/v1/admin/'));

describe('the OpenAPI document lists the self-service and console routes', () => {
  it('documents every route the server serves, and nothing it does not serve', () => {
    const key = (route: { method: string; path: string }) => `${route.method} ${route.path}`;
    const served = new Set(routes.map(key));
    // Left out on purpose: the document itself, CORS preflights and the web client's files (served only
    // where the client is built). Each needs no session: none is under /me or /admin.
    for (const undocumented of ['GET /api/v1/openapi.json', 'OPTIONS *']) {
      expect(served.delete(undocumented), undocumented).toBe(true);
    }
    served.delete('GET /*');
    expect([...served].sort()).toEqual([...new Set(documented.map(key))].sort());
    expect(served.size).toBeGreaterThan(40);
  });

  it('has the me routes for devices, totp, recovery-codes, profile, password, setup and contacts, and the admin readiness, policy, audit, user contact and application routes', () => {
    const listed = documented.map((r) => `${r.method} ${r.path}`);
    expect(listed).toEqual(
      expect.arrayContaining([
        'GET /api/v1/me/devices',
        'DELETE /api/v1/me/devices/x',
        'DELETE /api/v1/me/devices',
        'GET /api/v1/me/totp',
        'POST /api/v1/me/totp',
        'POST /api/v1/me/totp/confirm',
        'DELETE /api/v1/me/totp',
        'GET /api/v1/me/recovery-codes',
        'POST /api/v1/me/recovery-codes',
        'GET /api/v1/me/profile',
        'PUT /api/v1/me/profile',
        'POST /api/v1/me/password',
        'GET /api/v1/me/setup',
        'POST /api/v1/me/contacts',
        'POST /api/v1/me/contacts/x/send',
        'POST /api/v1/me/contacts/x/verify',
        'DELETE /api/v1/me/contacts/x',
        'GET /api/v1/admin/readiness',
        'GET /api/v1/admin/readiness.csv',
        'GET /api/v1/admin/policy',
        'PUT /api/v1/admin/policy',
        'GET /api/v1/admin/audit',
        'GET /api/v1/admin/audit.csv',
        'POST /api/v1/admin/users/x/contacts',
        'POST /api/v1/admin/users/x/contacts/x/send',
        'POST /api/v1/admin/users/x/contacts/x/verify',
        'GET /api/v1/admin/applications',
        'POST /api/v1/admin/applications',
        'POST /api/v1/admin/applications/x/disable',
        'POST /api/v1/admin/applications/x/rotate-secret',
      ]),
    );
  });
});

describe('every /me route needs a session', () => {
  it('answers 401 unauthorized without a session, with a bad token, and before reading a malformed query or body', async () => {
    expect(meRoutes().length).toBeGreaterThanOrEqual(10);
    for (const { method, path } of meRoutes()) {
      const without = await call(t, method, path);
      expect([`${method} ${path}`, without.status, without.body?.error]).toEqual([
        `${method} ${path}`,
        401,
        'unauthorized',
      ]);
      const badToken = await call(t, method, path, undefined, bearer('not-a-session'));
      expect([`${method} ${path}`, badToken.status]).toEqual([`${method} ${path}`, 401]);
      const badQuery = await call(t, method, `${path}?limit=none&from=June`);
      expect([`${method} ${path}`, badQuery.status]).toEqual([`${method} ${path}`, 401]);
      if (BODY_METHODS.has(method)) {
        const malformed = await call(t, method, path, '{"code": ');
        expect([`${method} ${path}`, malformed.status]).toEqual([`${method} ${path}`, 401]);
      }
    }
  });
});

describe('every /admin route needs an account manager', () => {
  it('answers 401 without a session and 403 forbidden to a staff session, before reading a malformed query or body', async () => {
    expect(adminRoutes().length).toBeGreaterThanOrEqual(6);
    for (const { method, path } of adminRoutes()) {
      const label = `${method} ${path}`;
      const without = await call(t, method, path);
      expect([label, without.status, without.body?.error]).toEqual([label, 401, 'unauthorized']);
      const staff = await call(t, method, path, undefined, bearer(staffToken));
      expect([label, staff.status, staff.body?.error]).toEqual([label, 403, 'forbidden']);
      const badQuery = await call(t, method, `${path}?limit=none&from=June`, undefined, bearer(staffToken));
      expect([label, badQuery.status]).toEqual([label, 403]);
      if (BODY_METHODS.has(method)) {
        const malformed = await call(t, method, path, '{"mode": ', bearer(staffToken));
        expect([label, malformed.status]).toEqual([label, 403]);
      }
    }
  });

  it('lets an account manager through the guard on every admin route', async () => {
    for (const { method, path } of adminRoutes()) {
      const response = await call(t, method, path, undefined, bearer(adminToken));
      expect([`${method} ${path}`, [401, 403].includes(response.status)]).toEqual([
        `${method} ${path}`,
        false,
      ]);
    }
  });
});
