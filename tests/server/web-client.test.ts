/** The server serves the built web client at `/`, locked down by a same-origin CSP, next to the API. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server';

let t: TestServer;
let webDir: string;
beforeEach(async () => {
  webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-web-'));
  fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>Practice Secure Login</title>');
  fs.mkdirSync(path.join(webDir, 'assets'));
  fs.writeFileSync(path.join(webDir, 'assets', 'app.js'), 'console.log(1)');
  t = await startTestServer({ env: { WRSAUTH_WEB_DIR: webDir } });
});
afterEach(async () => {
  await t.close();
  fs.rmSync(webDir, { recursive: true, force: true });
});

describe('web client', () => {
  it('serves index.html at / with a same-origin CSP that forbids framing', async () => {
    const response = await fetch(`${t.url}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Practice Secure Login');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('cache-control')).toBe('no-cache');
  });

  it('serves the built assets', async () => {
    const response = await fetch(`${t.url}/assets/app.js`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('console.log(1)');
  });

  it('keeps the API and its error shape beside the static files', async () => {
    expect((await t.get('/healthz')).status).toBe(200);
    const missing = await t.get('/api/v1/nothing');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('not_found');
  });

  it("serves the same client as an application's login prompt at /oidc-interaction/<uid>: asset URLs made absolute, the same CSP, never cached", async () => {
    fs.writeFileSync(
      path.join(webDir, 'index.html'),
      '<!doctype html><title>Practice Secure Login</title><script type="module" src="./assets/app.js"></script>',
    );

    const response = await fetch(`${t.url}/oidc-interaction/AbC-123_x`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('src="/assets/app.js"');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('does not serve files outside the web client folder', async () => {
    const response = await fetch(`${t.url}/..%2f..%2fetc%2fpasswd`);
    expect(response.status).toBe(404);
  });
});

describe('desktop client origin', () => {
  it('lets pages from app://wrsauth call the API (CORS preflight and answer)', async () => {
    const preflight = await fetch(`${t.url}/api/v1/auth/login`, {
      method: 'OPTIONS',
      headers: {
        origin: 'app://wrsauth',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('app://wrsauth');
    const answer = await t.post(
      '/api/v1/auth/login',
      { username: 'x', password: 'y' },
      { origin: 'app://wrsauth' },
    );
    expect(answer.headers.get('access-control-allow-origin')).toBe('app://wrsauth');
    expect(answer.headers.get('access-control-expose-headers')).toContain('retry-after');
  });

  it('lets app://wrsauth use every method the API serves (the console edits users and locations with PATCH)', async () => {
    const methods = new Set(
      t.server.app.routeInventory
        .filter((route) => route.url.startsWith('/api/v1/') && !['HEAD', 'OPTIONS'].includes(route.method))
        .map((route) => route.method),
    );
    expect([...methods].sort()).toEqual(['DELETE', 'GET', 'PATCH', 'POST', 'PUT']);
    for (const method of methods) {
      const preflight = await fetch(`${t.url}/api/v1/admin/users/x`, {
        method: 'OPTIONS',
        headers: {
          origin: 'app://wrsauth',
          'access-control-request-method': method,
          'access-control-request-headers': 'authorization, content-type',
        },
      });
      const allowed = (preflight.headers.get('access-control-allow-methods') ?? '').split(/\s*,\s*/);
      expect([method, allowed.includes(method)]).toEqual([method, true]);
    }
  });

  it('gives no other origin access', async () => {
    const answer = await t.post(
      '/api/v1/auth/login',
      { username: 'x', password: 'y' },
      { origin: 'https://evil.example' },
    );
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });
});
