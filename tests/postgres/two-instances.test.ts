/**
 * Two real server processes on one PostgreSQL database with one WRSAUTH_SECRET, as behind a load balancer:
 * every rule that guards sign-in must hold across them, because it lives in the database, not in a process.
 * Each test signs in its own user from its own client address (X-Forwarded-For, with WRSAUTH_TRUST_PROXY), so
 * cooldowns and per-IP counts of one test never reach another.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET_FILE } from '../../server/secrets';
import { makeDataDir, removeDataDir, runCli, ServerProcess } from '../cli-helpers/wrsauth-process';
import { codeIn, type SmtpCatcher, startSmtpCatcher } from '../support/smtp-catcher';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { PASSWORD, providerEnv, wrongCode } from '../support/test-server';
import { startTwilioEndpoint, type TwilioEndpoint } from '../support/twilio-endpoint';

const LOGIN_LIMIT = 20;
const SEND_LIMIT = 4;

/** One user per test, each with a phone of its own (cooldowns are per contact). */
const USERS = {
  alpha: '+12025550101',
  bravo: '+12025550102',
  charlie: '+12025550103',
  delta: '+12025550104',
  echo: '+12025550105',
  foxtrot: '+12025550106',
  golf: '+12025550107',
  hotel: '+12025550108',
} as const;
type Username = keyof typeof USERS;

let database: TestDatabase;
let smtp: SmtpCatcher;
let twilio: TwilioEndpoint;
let vars: Record<string, string>;
const dataDirs: string[] = [];
let a: ServerProcess | undefined;
let b: ServerProcess | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
  smtp = await startSmtpCatcher();
  twilio = await startTwilioEndpoint();
  vars = {
    WRSAUTH_DATABASE_URL: database.url,
    WRSAUTH_SECRET: randomBytes(32).toString('base64'),
    WRSAUTH_TRUST_PROXY: '127.0.0.1',
    WRSAUTH_LOGIN_LIMIT_PER_MINUTE: String(LOGIN_LIMIT),
    WRSAUTH_SEND_LIMIT_PER_HOUR: String(SEND_LIMIT),
    WRSAUTH_LOG_LEVEL: 'warn',
    ...providerEnv(smtp, twilio),
  };
  // Each instance has a data dir of its own, as on separate hosts; nothing there is shared.
  dataDirs.push(makeDataDir(), makeDataDir(), makeDataDir());
  // Both start at once on the empty database: the migrations and the first practice must not race.
  [a, b] = await Promise.all([
    ServerProcess.start(dataDirs[0] as string, [], vars),
    ServerProcess.start(dataDirs[1] as string, [], vars),
  ]);
  // The admin CLI works on the same database while both serve.
  const created = await Promise.all(
    Object.entries(USERS).map(([username, phone]) =>
      runCli(
        [
          'create-user',
          '--username',
          username,
          '--password',
          PASSWORD,
          '--phone',
          phone,
          '--email',
          `${username}@wrshealth.com`,
        ],
        { ...vars, WRSAUTH_DATA_DIR: dataDirs[2] as string },
      ),
    ),
  );
  for (const result of created) expect(result.stderr).toBe('');
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await database?.drop();
  await smtp?.close();
  await twilio?.close();
  for (const dir of dataDirs) removeDataDir(dir);
});

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read loosely-typed bodies and assert on them
  body: any;
  headers: Headers;
}

function instance(server: ServerProcess | undefined): ServerProcess {
  if (!server) throw new Error('the servers did not start');
  return server;
}

/** A client at `ip`, talking to one instance or the other. */
function clientAt(ip: string) {
  const call = async (
    server: ServerProcess | undefined,
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ) => {
    const headers: Record<string, string> = { 'x-forwarded-for': ip };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${instance(server).url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : null,
      headers: response.headers,
    } as Answer;
  };
  return {
    login: (server: ServerProcess | undefined, username: string, password = PASSWORD) =>
      call(server, 'POST', '/api/v1/auth/login', { username, password }),
    send: (server: ServerProcess | undefined, id: string, targetId: string) =>
      call(server, 'POST', `/api/v1/auth/challenges/${id}/send`, { targetId }),
    verify: (server: ServerProcess | undefined, id: string, code: string) =>
      call(server, 'POST', `/api/v1/auth/challenges/${id}/verify`, { code }),
    me: (server: ServerProcess | undefined, token: string) =>
      call(server, 'GET', '/api/v1/me', undefined, token),
    async challenge(server: ServerProcess | undefined, username: Username): Promise<string> {
      const answer = await this.login(server, username);
      if (answer.body?.status !== 'challenge')
        throw new Error(`expected a challenge: ${JSON.stringify(answer.body)}`);
      return answer.body.challengeId;
    },
  };
}

/** The code in the newest text message to this user's phone. */
function lastSmsCode(username: Username): string {
  const message = twilio.messages.filter((m) => m.to === USERS[username]).at(-1);
  return codeIn(message?.body ?? '');
}

async function failedAttempts(username: Username): Promise<number> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT failed_attempts FROM users WHERE username = $1', [username]);
    return rows[0].failed_attempts;
  } finally {
    await client.end();
  }
}

const alternate = (i: number) => (i % 2 === 0 ? a : b);

describe('two server instances on one PostgreSQL database', { timeout: 90_000 }, () => {
  it('verifies on A a challenge created on A and sent from B; the session works on B', async () => {
    const client = clientAt('198.51.100.1');
    const id = await client.challenge(a, 'alpha');

    const sent = await client.send(b, id, 'sms');
    expect(sent.status).toBe(200);
    const verified = await client.verify(a, id, lastSmsCode('alpha'));

    expect(verified.status).toBe(200);
    expect(verified.body.status).toBe('authenticated');
    const me = await client.me(b, verified.body.sessionToken);
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('alpha');
    // The key came from WRSAUTH_SECRET alone: no instance wrote one to its data dir.
    for (const dir of dataDirs) expect(fs.existsSync(path.join(dir, SECRET_FILE))).toBe(false);
  });

  it('weighs at most 5 of 40 parallel wrong guesses split across A and B', async () => {
    const client = clientAt('198.51.100.2');
    const id = await client.challenge(b, 'bravo');
    expect((await client.send(a, id, 'sms')).status).toBe(200);
    const right = lastSmsCode('bravo');

    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => client.verify(alternate(i), id, wrongCode(right))),
    );

    const weighed = answers.filter((r) => r.status === 400);
    expect(weighed.map((r) => r.body.error)).toEqual(Array(5).fill('invalid_code'));
    expect(weighed.map((r) => r.body.attemptsRemaining).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(answers.filter((r) => r.status === 429 && r.body.error === 'too_many_attempts')).toHaveLength(35);
    // The challenge is dead on both, even for the right code, and the account counted 5 failures, not 40.
    expect((await client.verify(a, id, right)).body.error).toBe('too_many_attempts');
    expect((await client.verify(b, id, right)).body.error).toBe('too_many_attempts');
    expect(await failedAttempts('bravo')).toBe(5);
  });

  it('lets exactly one of 8 parallel right answers split across A and B sign in', async () => {
    const client = clientAt('198.51.100.3');
    const id = await client.challenge(a, 'delta');
    await client.send(b, id, 'sms');
    const right = lastSmsCode('delta');

    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => client.verify(alternate(i), id, right)),
    );

    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    expect(answers.filter((r) => r.status === 410 && r.body.error === 'challenge_expired')).toHaveLength(7);
  });

  it('holds the 30 s resend cooldown across both: a second send to the contact on B gets 429 rate_limited', async () => {
    const client = clientAt('198.51.100.4');
    const first = await client.challenge(a, 'charlie');
    expect((await client.send(a, first, 'sms')).status).toBe(200);

    // A fresh sign-in on the other instance does not skip the cooldown of that phone.
    const second = await client.challenge(b, 'charlie');
    const again = await client.send(b, second, 'sms');

    expect(again.status).toBe(429);
    expect(again.body.error).toBe('rate_limited');
    expect(again.body.retryAfter).toBeGreaterThanOrEqual(1);
    expect(again.body.retryAfter).toBeLessThanOrEqual(30);
    expect(again.headers.get('retry-after')).toBe(String(again.body.retryAfter));
    expect((await client.send(b, first, 'sms')).status).toBe(429);
    // Switching to the other target is allowed at once.
    expect((await client.send(b, second, 'email')).status).toBe(200);
  });

  it('locks the account after 10 failures split across A and B, on both; unlock from the CLI ends it', async () => {
    const client = clientAt('198.51.100.5');
    const failures = await Promise.all(
      Array.from({ length: 10 }, (_, i) => client.login(alternate(i), 'echo', 'wrongPassword1')),
    );
    expect(failures.map((r) => r.status)).toEqual(Array(10).fill(401));

    for (const server of [a, b]) {
      const locked = await client.login(server, 'echo');
      expect(locked.status).toBe(423);
      expect(locked.body.error).toBe('account_locked');
      expect(locked.body.retryAfter).toBeGreaterThan(14 * 60);
    }
    const unlocked = await runCli(['unlock', '--username', 'echo'], {
      ...vars,
      WRSAUTH_DATA_DIR: dataDirs[2] as string,
    });
    expect(unlocked.code).toBe(0);
    expect((await client.login(b, 'echo')).body.status).toBe('challenge');
  });

  it('counts the per-address send limit (WRSAUTH_SEND_LIMIT_PER_HOUR) across both: past it, either instance answers 429', async () => {
    // The limit counts per wall-clock hour: start clear of its end so the window does not turn mid-test.
    const intoHour = Date.now() % 3_600_000;
    if (intoHour > 3_570_000) await new Promise((resolve) => setTimeout(resolve, 3_600_500 - intoHour));
    const client = clientAt('198.51.100.8');
    const foxtrot = await client.challenge(a, 'foxtrot');
    const golf = await client.challenge(b, 'golf');
    const sends = [
      await client.send(a, foxtrot, 'sms'),
      await client.send(b, foxtrot, 'email'),
      await client.send(b, golf, 'sms'),
      await client.send(a, golf, 'email'),
    ];
    expect(sends.map((answer) => answer.status)).toEqual(Array(SEND_LIMIT).fill(200));

    const hotel = await client.challenge(a, 'hotel');
    for (const server of [a, b]) {
      const refused = await client.send(server, hotel, 'sms');
      expect(refused.status).toBe(429);
      expect(refused.body.error).toBe('rate_limited');
      expect(refused.body.message).toMatch(/from this workstation/);
      expect(refused.headers.get('retry-after')).toBe(String(refused.body.retryAfter));
    }
    // Another workstation is not held back.
    expect((await clientAt('198.51.100.9').send(b, hotel, 'sms')).status).toBe(200);
  });

  it('counts the per-IP login limit across both: past it, either instance answers 429', async () => {
    // The limit counts per wall-clock minute: start early in one so the window does not turn mid-test.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_500 - intoMinute));
    const client = clientAt('198.51.100.6');
    const statuses: number[] = [];
    // A User ID of its own each time: ten failures on one would lock it (423) before the limit is reached.
    for (let i = 0; i < LOGIN_LIMIT + 4; i++)
      statuses.push((await client.login(alternate(i), `nobody${i}`, 'wrong1234')).status);

    expect(statuses.slice(0, LOGIN_LIMIT)).toEqual(Array(LOGIN_LIMIT).fill(401));
    expect(statuses.slice(LOGIN_LIMIT)).toEqual([429, 429, 429, 429]);
    // Another workstation is not held back.
    expect((await clientAt('198.51.100.7').login(b, 'nobody', 'wrong1234')).status).toBe(401);
  });
});
