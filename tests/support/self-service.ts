/** Helpers for the /me and /admin tests: sessions for a staff user and an account manager, any-method calls. */
import { generate } from 'otplib';
import { findUserByUsername } from '../../server/repositories/users';
import { challenge, createUser, type JsonResponse, type TestServer } from './test-server';

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A user's id by User ID (any case), read from the database, for the /admin/users/:id routes. */
export async function userIdOf(t: TestServer, username: string): Promise<string> {
  const row = await t.server.db
    .selectFrom('users')
    .select('id')
    .where('username_key', '=', username.toLowerCase())
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Any method, JSON in and out; `body` as a string is sent as is (for malformed JSON). */
export async function call(
  t: TestServer,
  method: string,
  pathname: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  const response = await fetch(`${t.url}${pathname}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return {
    status: response.status,
    body: text && type.includes('json') ? JSON.parse(text) : text || null,
    headers: response.headers,
  };
}

/** Password, then the texted code: the session token of ckiplock (or another user with a phone). */
export async function staffSession(
  t: TestServer,
  username = 'ckiplock',
  extra: object = {},
): Promise<string> {
  const id = await challenge(t, username);
  await t.send(id, 'sms');
  const response = await t.verify(id, t.lastSmsCode(), extra);
  if (response.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(response.body)}`);
  // The next text to the same phone waits out its cooldown.
  t.clock.advance(31);
  return response.body.sessionToken;
}

/**
 * An account manager with no contacts, and a session as a sign-in that passed a second factor starts one:
 * the console's tests need the console, not the sign-in. How an account manager reaches such a session, and
 * that a password-only one is refused, is tested in tests/server/console-second-factor.test.ts.
 */
export async function adminSession(t: TestServer, username = 'manager'): Promise<string> {
  await createUser(t, { username, role: 'admin', phone: undefined, email: undefined });
  return secondFactorSession(t, username);
}

/** A new session for an existing user, as a sign-in that passed a second factor starts one. */
export async function secondFactorSession(t: TestServer, username: string): Promise<string> {
  const user = await findUserByUsername(t.server.db, username);
  if (!user) throw new Error(`no user ${username}`);
  return (await t.server.services.sessions.start(user, undefined, ['pwd', 'otp', 'mfa'])).sessionToken;
}

/** The code an authenticator app shows at the test clock's time, `steps` periods away. */
export function totpCode(t: TestServer, secret: string, steps = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000) + steps * 30 });
}
