// @vitest-environment happy-dom
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiFailure } from '../../src/renderer/src/api/api-failure';
import { createApiClient } from '../../src/renderer/src/api/client';
import { type ApiError, type ChallengeIssued, ErrorCode } from '../../src/shared/api';
import { apiUrl, createMockServer, SERVER_URL } from './support/fake-auth-server';

const msw = createMockServer();
beforeAll(() => msw.listen({ onUnhandledFrame: 'error' }));
afterEach(() => msw.resetHandlers());
afterAll(() => msw.close());

const client = createApiClient(SERVER_URL);
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );

describe('API client', () => {
  it('rejects an answer that drifted from the shared contract', async () => {
    msw.use(
      http.post(apiUrl('/auth/login'), () => HttpResponse.json({ status: 'challenge', targets: 'sms' })),
    );
    const failure = await failureOf(client.login({ username: 'ckiplock', password: 'pw' }));
    expect(failure).toBeInstanceOf(ApiFailure);
    expect(failure).toMatchObject({ error: 'bad_response' });
  });

  it('turns an error body into an ApiFailure with its code, message and attempts left', async () => {
    const body: ApiError = {
      error: ErrorCode.invalidCode,
      message: 'That code is not right. 3 attempts left.',
      attemptsRemaining: 3,
    };
    msw.use(http.post(apiUrl('/auth/challenges/c1/verify'), () => HttpResponse.json(body, { status: 400 })));
    const failure = await failureOf(client.verifyCode('c1', { code: '000000' }));
    expect(failure).toMatchObject({ status: 400, ...body });
  });

  it('takes the wait from Retry-After when the body has none', async () => {
    msw.use(
      http.post(apiUrl('/auth/login'), () =>
        HttpResponse.json(
          { error: ErrorCode.serverBusy, message: 'The server is busy.' },
          { status: 503, headers: { 'Retry-After': '7' } },
        ),
      ),
    );
    const failure = await failureOf(client.login({ username: 'u', password: 'p' }));
    expect(failure).toMatchObject({ status: 503, error: ErrorCode.serverBusy, retryAfter: 7 });
  });

  it('never shows a raw body that is not an ApiError', async () => {
    msw.use(http.get(apiUrl('/me'), () => new HttpResponse('<html>proxy error</html>', { status: 502 })));
    const failure = await failureOf(client.me('token'));
    expect(failure).toMatchObject({ status: 502, error: 'bad_response' });
    expect((failure as ApiFailure).message).not.toContain('<html>');
  });

  it('turns a network failure into a friendly message', async () => {
    msw.use(http.post(apiUrl('/auth/login'), () => HttpResponse.error()));
    const failure = await failureOf(client.login({ username: 'u', password: 'p' }));
    expect(failure).toMatchObject({ status: 0, error: 'network_error' });
    expect((failure as ApiFailure).message).toMatch(/^Cannot reach the sign-in server\./);
  });

  it.each([`${SERVER_URL}/wrsauth`, `${SERVER_URL}/wrsauth/`, `${SERVER_URL}/wrsauth//`])(
    'keeps the path of a server at %s in its requests',
    async (serverUrl) => {
      const challenge: ChallengeIssued = {
        status: 'challenge',
        challengeId: 'c1',
        targets: [],
        expiresAt: new Date().toISOString(),
      };
      const seen: string[] = [];
      msw.use(
        http.post(`${SERVER_URL}/wrsauth/api/v1/auth/login`, ({ request }) => {
          seen.push(request.url);
          return HttpResponse.json(challenge);
        }),
      );
      const login = createApiClient(serverUrl).login({ username: 'ckiplock', password: 'pw' });
      await expect(login).resolves.toEqual(challenge);
      expect(seen).toEqual([`${SERVER_URL}/wrsauth/api/v1/auth/login`]);
    },
  );

  it('sends the session as a Bearer header, never in the URL', async () => {
    let seen: { url: string; authorization: string | null } | undefined;
    msw.use(
      http.post(apiUrl('/auth/logout'), ({ request }) => {
        seen = { url: request.url, authorization: request.headers.get('authorization') };
        return new HttpResponse(null, { status: 204 });
      }),
    );
    await client.logout('secret-session');
    expect(seen).toEqual({ url: apiUrl('/auth/logout'), authorization: 'Bearer secret-session' });
  });

  it('sends a signed-in request with its Bearer header, query and body, and parses the answer', async () => {
    let seen: { url: string; authorization: string | null; body: unknown } | undefined;
    msw.use(
      http.put(apiUrl('/admin/things/t%201'), async ({ request }) => {
        seen = {
          url: request.url,
          authorization: request.headers.get('authorization'),
          body: await request.json(),
        };
        return HttpResponse.json({ name: 'renamed' });
      }),
    );
    const answer = await client.request(z.object({ name: z.string() }), {
      method: 'PUT',
      path: `/admin/things/${encodeURIComponent('t 1')}`,
      sessionToken: 'secret-session',
      body: { name: 'renamed' },
      query: { why: 'test', skipped: undefined },
    });
    expect(answer).toEqual({ name: 'renamed' });
    expect(seen).toEqual({
      url: `${apiUrl('/admin/things/t%201')}?why=test`,
      authorization: 'Bearer secret-session',
      body: { name: 'renamed' },
    });
  });

  it('gives a 204 to its schema as null, and a CSV download as text', async () => {
    msw.use(
      http.delete(apiUrl('/me/devices/d1'), () => new HttpResponse(null, { status: 204 })),
      http.get(apiUrl('/admin/audit.csv'), () => HttpResponse.text('at,type\n2026-11-28,login\n')),
    );
    await expect(
      client.request(z.null(), { method: 'DELETE', path: '/me/devices/d1', sessionToken: 's' }),
    ).resolves.toBeNull();
    await expect(
      client.request(z.string(), { method: 'GET', path: '/admin/audit.csv', sessionToken: 's', as: 'text' }),
    ).resolves.toBe('at,type\n2026-11-28,login\n');
  });

  it('rejects a signed-in answer that drifted from its schema', async () => {
    msw.use(http.get(apiUrl('/me/devices'), () => HttpResponse.json({ devices: 'none' })));
    const failure = await failureOf(
      client.request(z.object({ devices: z.array(z.string()) }), {
        method: 'GET',
        path: '/me/devices',
        sessionToken: 's',
      }),
    );
    expect(failure).toMatchObject({ error: 'bad_response' });
  });
});
