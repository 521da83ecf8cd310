/** The HTTP surface: error shapes for bad input, health, OpenAPI, and sessions (/me, logout, expiry). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { challenge, signInWithCode, startWithUser, type TestServer } from '../support/test-server';

let t: TestServer;
beforeEach(async () => {
  t = await startWithUser();
});
afterEach(() => t.close());

const sessionToken = async (): Promise<string> => (await signInWithCode(t)).body.sessionToken;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('bad input never gets a 500', () => {
  it('answers malformed JSON with 400 bad_request', async () => {
    const response = await t.post('/api/v1/auth/login', '{"username": "ckiplock", ');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'bad_request', message: expect.any(String) });
  });

  it('answers a body over 64 KB with 413 payload_too_large', async () => {
    const response = await t.post('/api/v1/auth/login', { username: 'a'.repeat(70 * 1024), password: 'x' });
    expect(response.status).toBe(413);
    expect(response.body.error).toBe('payload_too_large');
  });

  it('answers a CORS preflight without Access-Control-Request-Method with the {error, message} shape', async () => {
    // Found by the fuzzer: @fastify/cors answers this one itself, in plain text.
    const response = await fetch(`${t.url}/api/v1/me`, {
      method: 'OPTIONS',
      headers: { origin: 'app://wrsauth' },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ error: 'bad_request', message: 'Invalid Preflight Request' });
  });

  it.each(['/api/v1/me', '/oidc/auth'])(
    'answers an address and headers past 16 KB (%s) with 431 in the {error, message} shape',
    async (path) => {
      // Found by the fuzzer: Node's parser refuses these before any hook, and Fastify's own answer said
      // {"error": "Request Header Fields Too Large"}.
      const response = await fetch(`${t.url}${path}?scope=${'a'.repeat(20_000)}`);

      expect(response.status).toBe(431);
      expect(await response.json()).toEqual({
        error: 'request_header_fields_too_large',
        message: 'The address and headers are larger than 16 KB.',
      });
    },
  );

  it('answers an unknown route with 404 not_found', async () => {
    const response = await t.get('/api/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ error: 'not_found', message: expect.any(String) });
  });

  it('answers wrong field types with 400 bad_request naming the field', async () => {
    const response = await t.post('/api/v1/auth/login', { username: 42, password: ['x'] });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('bad_request');
    expect(response.body.message).toMatch(/username|password/);
  });

  it('answers an empty JSON body with 400 bad_request', async () => {
    const response = await t.post('/api/v1/auth/login', '');
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('bad_request');
  });

  it('answers a non-JSON content type with a 4xx error body, not a 500', async () => {
    const response = await fetch(`${t.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<login/>',
    });
    expect(response.status).toBe(415);
    expect(((await response.json()) as { error: string }).error).toBe('unsupported_media_type');
  });

  it('answers a non-object verify body with 400 bad_request', async () => {
    const id = await challenge(t);
    const response = await t.post(`/api/v1/auth/challenges/${id}/verify`, [1, 2, 3]);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('bad_request');
  });

  it('marks every API answer no-store, since they carry tokens', async () => {
    const response = await t.post('/api/v1/auth/login', { username: 'x', password: 'y' });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});

describe('health and contract', () => {
  it('answers GET /healthz with 200 when the database answers', async () => {
    const response = await t.get('/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('serves OpenAPI 3 generated from the shared schemas at /api/v1/openapi.json', async () => {
    const response = await t.get('/api/v1/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toMatch(/^3\./);
    const paths = response.body.paths;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/auth/login',
        '/api/v1/auth/challenges/{id}/send',
        '/api/v1/auth/challenges/{id}/verify',
        '/api/v1/auth/logout',
        '/api/v1/me',
        '/healthz',
      ]),
    );
    const loginBody = paths['/api/v1/auth/login'].post.requestBody.content['application/json'].schema;
    expect(loginBody.required).toEqual(expect.arrayContaining(['username', 'password']));
    expect(loginBody.properties).toHaveProperty('deviceToken');
  });
});

describe('sessions', () => {
  it('GET /api/v1/me answers the user without secrets for a valid session', async () => {
    const response = await t.get('/api/v1/me', bearer(await sessionToken()));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ username: 'ckiplock', firstName: 'Casey', role: 'staff' });
    expect(JSON.stringify(response.body)).not.toMatch(/password|hash|argon2/i);
  });

  it('GET /api/v1/me answers 401 without a valid session', async () => {
    expect((await t.get('/api/v1/me')).status).toBe(401);
    expect((await t.get('/api/v1/me', bearer('not-a-token'))).status).toBe(401);
  });

  it('logout revokes the session', async () => {
    const token = await sessionToken();
    expect((await t.post('/api/v1/auth/logout', undefined, bearer(token))).status).toBe(204);
    expect((await t.get('/api/v1/me', bearer(token))).status).toBe(401);
  });

  it('ends a session after 30 minutes idle', async () => {
    const token = await sessionToken();
    t.clock.advance(29 * 60);
    expect((await t.get('/api/v1/me', bearer(token))).status).toBe(200);
    t.clock.advance(29 * 60);
    expect((await t.get('/api/v1/me', bearer(token))).status).toBe(200);
    t.clock.advance(30 * 60 + 1);
    expect((await t.get('/api/v1/me', bearer(token))).status).toBe(401);
  });

  it('ends a session after 12 hours even when in use', async () => {
    const token = await sessionToken();
    for (let minutes = 0; minutes < 12 * 60 - 20; minutes += 20) {
      t.clock.advance(20 * 60);
      expect((await t.get('/api/v1/me', bearer(token))).status).toBe(200);
    }
    t.clock.advance(25 * 60);
    expect((await t.get('/api/v1/me', bearer(token))).status).toBe(401);
  });
});
