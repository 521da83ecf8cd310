/**
 * Starts the real verification server on a free loopback port, over a fresh data dir and a fresh database
 * (SQLite in the data dir, or a new PostgreSQL database in the "postgres" vitest project), with real SMTP and
 * a Twilio-compatible endpoint, a clock the test can move, and every log line captured.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Clock } from '../../server/clock';
import { loadConfig, type ServerConfig } from '../../server/config';
import type { RetryOptions } from '../../server/delivery/courier';
import { createLogger } from '../../server/logger';
import { type RunningServer, startServer } from '../../server/runtime';
import { codeIn, type SmtpCatcher, startSmtpCatcher } from './smtp-catcher';
import { createTestDatabase, TEST_BACKEND, type TestDatabase } from './test-database';
import { startTwilioEndpoint, type TwilioEndpoint } from './twilio-endpoint';

export class FakeClock implements Clock {
  private time: number;
  constructor(start = '2026-06-01T12:00:00.000Z') {
    this.time = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.time);
  }
  advance(seconds: number): void {
    this.time += seconds * 1000;
  }
  set(iso: string): void {
    this.time = new Date(iso).getTime();
  }
}

export interface TestServer {
  url: string;
  server: RunningServer;
  clock: FakeClock;
  smtp: SmtpCatcher;
  twilio: TwilioEndpoint;
  dataDir: string;
  config: ServerConfig;
  logLines: string[];
  /** The PostgreSQL database of the "postgres" project; undefined on SQLite (it lives in dataDir). */
  database?: TestDatabase;
  /** POST JSON, answer status + parsed body + headers. */
  post(pathname: string, body: unknown, headers?: Record<string, string>): Promise<JsonResponse>;
  get(pathname: string, headers?: Record<string, string>): Promise<JsonResponse>;
  send(challengeId: string, targetId: string): Promise<JsonResponse>;
  verify(challengeId: string, code: string, extra?: object): Promise<JsonResponse>;
  /** The code in the newest text message / email the providers received. */
  lastSmsCode(): string;
  lastMailCode(): string;
  /** Stops everything; `keepData` leaves the data dir and database for a server started with `reuse`. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

export interface JsonResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read loosely-typed bodies and assert on them
  body: any;
  headers: Headers;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  retry?: RetryOptions;
  withProviders?: boolean;
  /** How often the server's sweeps run (server/sweeps.ts); by default they run once, at start. */
  sweepEveryMs?: number;
  /** The data dir and database of an earlier test server (closed with keepData): a restart over its data. */
  reuse?: Pick<TestServer, 'dataDir' | 'database'>;
}

/** The environment that points the server at the local SMTP server and Twilio-compatible endpoint. */
export function providerEnv(smtp: SmtpCatcher, twilio: TwilioEndpoint): Record<string, string> {
  return {
    WRSAUTH_SMTP_URL: smtp.url,
    WRSAUTH_MAIL_FROM: 'WRSAuth <no-reply@practice.example>',
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_FROM_NUMBER: twilio.fromNumber,
    TWILIO_API_BASE: twilio.url,
    // Used only where a test switches TWILIO_LOOKUP on.
    TWILIO_LOOKUP_API_BASE: twilio.url,
  };
}

/** The longest period setInterval takes (about 24 days): a timer that never fires in a test. */
const NEVER_MS = 2 ** 31 - 1;

export const FAST_RETRY: RetryOptions = { attempts: 2, deadlineMs: 10_000, baseDelayMs: 20 };

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const smtp = await startSmtpCatcher();
  const twilio = await startTwilioEndpoint();
  const dataDir = options.reuse?.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-test-'));
  // Without providers, codes go to the dev outbox, which a server starts with only when told so.
  const providers = options.withProviders === false ? { WRSAUTH_DEV_OUTBOX: '1' } : providerEnv(smtp, twilio);
  const database: TestDatabase | undefined = options.reuse
    ? options.reuse.database
    : TEST_BACKEND === 'postgres'
      ? await createTestDatabase()
      : undefined;
  const config = loadConfig({
    ...(database && { WRSAUTH_DATABASE_URL: database.url }),
    WRSAUTH_HOST: '127.0.0.1',
    WRSAUTH_PORT: '0',
    WRSAUTH_DATA_DIR: dataDir,
    WRSAUTH_SECRET: randomBytes(32).toString('base64'),
    WRSAUTH_LOG_LEVEL: 'debug',
    ...providers,
    ...options.env,
  });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      callback();
    },
  });
  const clock = new FakeClock();
  const server = await startServer(config, {
    log: createLogger(config.logLevel, sink),
    clock,
    retry: options.retry ?? FAST_RETRY,
    // The sweeps run once at start; a test that needs them again runs them or asks for a short period.
    sweepEveryMs: options.sweepEveryMs ?? NEVER_MS,
    // Every /oidc request re-reads the signing keys, so a test sees a rotation (or a move of its clock)
    // on its next request rather than after the production interval.
    oidcKeyCheckMs: 0,
  });
  const request = async (
    method: string,
    pathname: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${server.url}${pathname}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
  };
  return {
    url: server.url,
    server,
    clock,
    smtp,
    twilio,
    dataDir,
    config,
    logLines,
    database,
    post: (p, b, h) => request('POST', p, b, h),
    get: (p, h) => request('GET', p, undefined, h),
    send: (id, targetId) => request('POST', `/api/v1/auth/challenges/${id}/send`, { targetId }),
    verify: (id, code, extra = {}) =>
      request('POST', `/api/v1/auth/challenges/${id}/verify`, { code, ...extra }),
    lastSmsCode: () => codeIn(twilio.messages.at(-1)?.body ?? ''),
    lastMailCode: () => codeIn(smtp.mails.at(-1)?.raw ?? ''),
    async close(closing = {}) {
      await server.close();
      await smtp.close();
      await twilio.close();
      if (closing.keepData) return;
      await database?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The settings a CLI run needs to work on this test server's data: the same data dir, key and database. */
export function cliEnv(t: TestServer): Record<string, string> {
  return {
    WRSAUTH_DATA_DIR: t.dataDir,
    WRSAUTH_SECRET: (t.config.secret as Buffer).toString('base64'),
    ...(t.config.database.kind === 'postgres' && { WRSAUTH_DATABASE_URL: t.config.database.url }),
  };
}

export const PHONE = '+12025553816';
export const EMAIL = 'ckiplock@wrshealth.com';
export const PASSWORD = 'frontDesk2026';

/** Creates a user through the admin service, as the CLI does. */
export async function createUser(
  t: TestServer,
  overrides: Partial<Parameters<RunningServer['services']['cli']['createUser']>[0]> = {},
) {
  return t.server.services.cli.createUser({
    username: 'ckiplock',
    password: PASSWORD,
    firstName: 'Casey',
    lastName: 'Kiplock',
    phone: PHONE,
    email: EMAIL,
    ...overrides,
  });
}

export async function login(t: TestServer, username = 'ckiplock', password = PASSWORD, extra: object = {}) {
  return t.post('/api/v1/auth/login', { username, password, ...extra });
}

/** Logs in and answers with the challenge id. */
export async function challenge(t: TestServer, username = 'ckiplock'): Promise<string> {
  const response = await login(t, username);
  if (response.body?.status !== 'challenge')
    throw new Error(`expected a challenge: ${JSON.stringify(response.body)}`);
  return response.body.challengeId;
}

/** A server with the standard user "ckiplock" (phone and email on file). */
export async function startWithUser(options: TestServerOptions = {}): Promise<TestServer> {
  const t = await startTestServer(options);
  await createUser(t);
  return t;
}

/** A well-formed code that is not `right`. */
export const wrongCode = (right: string) => (right === '000000' ? '111111' : '000000');

/** Password, SMS code, verify: answers the verify response. */
export async function signInWithCode(t: TestServer, extra: object = {}) {
  const id = await challenge(t);
  await t.send(id, 'sms');
  return t.verify(id, t.lastSmsCode(), extra);
}

/** The outbox as the server recorded it, oldest first: what became of each message, never its text. */
export async function outboxOf(t: TestServer) {
  return t.server.db
    .selectFrom('outbox')
    .select(['channel', 'masked_target', 'provider', 'provider_message_id', 'status', 'error_code'])
    .orderBy('id')
    .execute();
}

/** Waits (bounded) until `check` holds: provider callbacks arrive on their own time. */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, ms = 5_000) {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The audit events of one type, oldest first, with their detail parsed. */
export async function auditEventsOf(t: TestServer, type: string) {
  const rows = await t.server.db
    .selectFrom('audit_events')
    .select(['username', 'detail'])
    .where('event_type', '=', type)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({ username: row.username, detail: JSON.parse(row.detail) }));
}

/** The audit events of one type about one user (by id), oldest first, with their detail parsed. */
export async function auditEventsAbout(t: TestServer, type: string, userId: string) {
  const rows = await t.server.db
    .selectFrom('audit_events')
    .select(['username', 'detail'])
    .where('event_type', '=', type)
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({ username: row.username, detail: JSON.parse(row.detail) }));
}
