/**
 * The scale section's requests, as the desktop client and the console make them, over HTTP on 127.0.0.1:
 * a sign-in (password, send, verify), and the console's audit log, Users search, Readiness and CSV export.
 * Each answers its time with what came back (bytes, rows), so a ratio is printed beside its raw figures.
 */
import { API_PREFIX } from '../src/shared/api';

const TIMEOUT_MS = 60_000;
/** The console's audit page size. */
export const AUDIT_PAGE_SIZE = 50;

export interface Timed {
  ms: number;
  bytes: number;
  rows: number;
}

/** How the console reaches a deep audit page: its Next walks by the `before` cursor (`offset` is kept for comparison). */
export type AuditPaging = 'offset' | 'before';
export const AUDIT_PAGING: AuditPaging = 'before';

export interface AuditFilter {
  username: string;
  from: string;
  to: string;
}

async function request(
  origin: string,
  path: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<{ status: number; text: string; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${origin}${API_PREFIX}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await response.text();
  return { status: response.status, text, ms: performance.now() - started };
}

function expectOk(what: string, answer: { status: number; text: string }): unknown {
  if (answer.status !== 200)
    throw new Error(`${what} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
  return JSON.parse(answer.text);
}

export interface SignInUser {
  username: string;
  password: string;
  phone: string;
}

/**
 * One sign-in with a texted code. The password step is not timed (argon2 costs the same in any practice);
 * the send and the verify are, and their sum is answered. `readCode` is the user reading the text.
 */
export async function signIn(
  origin: string,
  user: SignInUser,
  readCode: (phone: string) => Promise<string>,
): Promise<{ ms: number; sessionToken: string }> {
  const login = expectOk(
    `login of ${user.username}`,
    await request(origin, '/auth/login', {
      method: 'POST',
      body: { username: user.username, password: user.password },
    }),
  ) as { status: string; challengeId: string; targets: { id: string; channel: string }[] };
  const target = login.targets?.find((t) => t.channel === 'sms');
  if (login.status !== 'challenge' || !target) throw new Error(`login of ${user.username}: no SMS challenge`);
  const sent = await request(origin, `/auth/challenges/${login.challengeId}/send`, {
    method: 'POST',
    body: { targetId: target.id },
  });
  expectOk(`send to ${user.username}`, sent);
  const code = await readCode(user.phone);
  const verified = await request(origin, `/auth/challenges/${login.challengeId}/verify`, {
    method: 'POST',
    body: { code },
  });
  const session = expectOk(`verify of ${user.username}`, verified) as { sessionToken: string };
  return { ms: sent.ms + verified.ms, sessionToken: session.sessionToken };
}

async function consoleGet(origin: string, token: string, path: string, rowsOf: (body: never) => number) {
  const answer = await request(origin, path, { token });
  const body = expectOk(`GET ${path}`, answer) as never;
  return { ms: answer.ms, bytes: Buffer.byteLength(answer.text), rows: rowsOf(body) };
}

type AuditPageBody = { events: { id: string }[] };

function auditPath(filter: AuditFilter, at: { offset: number } | { before?: string }): string {
  const query = new URLSearchParams({ ...filter, limit: String(AUDIT_PAGE_SIZE) });
  if ('offset' in at) query.set('offset', String(at.offset));
  else if (at.before) query.set('before', at.before);
  return `/admin/audit?${query}`;
}

/**
 * A function that fetches page `page` (1 = newest) of the filtered audit log, timing only that page's request.
 * With `before`, the pages up to it are walked once (untimed) for its cursor, as the console walks them.
 */
export async function auditPageFetcher(
  origin: string,
  token: string,
  filter: AuditFilter,
  page: number,
  paging: AuditPaging = AUDIT_PAGING,
): Promise<() => Promise<Timed>> {
  const rowsOf = (body: AuditPageBody) => body.events.length;
  if (paging === 'offset' || page === 1) {
    const path = auditPath(filter, { offset: (page - 1) * AUDIT_PAGE_SIZE });
    return () => consoleGet(origin, token, path, rowsOf);
  }
  let before: string | undefined;
  for (let at = 1; at < page; at++) {
    const answer = await request(origin, auditPath(filter, { before }), { token });
    before = (expectOk('audit page walk', answer) as AuditPageBody).events.at(-1)?.id;
    if (!before) throw new Error(`the filtered audit log ends before page ${page}`);
  }
  const path = auditPath(filter, { before });
  return () => consoleGet(origin, token, path, rowsOf);
}

/** The Users tab's search box. */
export function searchUsers(origin: string, token: string, q: string): Promise<Timed> {
  return consoleGet(
    origin,
    token,
    `/admin/users?${new URLSearchParams({ q })}`,
    (body: { users: unknown[] }) => body.users.length,
  );
}

/** The Readiness view: its counts and (the first page of) its list. */
export function readiness(origin: string, token: string): Promise<Timed> {
  return consoleGet(
    origin,
    token,
    '/admin/readiness',
    (body: { wouldBeLockedOut: unknown[] }) => body.wouldBeLockedOut.length,
  );
}

/** The console's CSV export of the whole audit trail, read as it streams and counted, never held. */
export async function exportAuditCsv(origin: string, token: string): Promise<Timed> {
  const started = performance.now();
  const response = await fetch(`${origin}${API_PREFIX}/admin/audit.csv`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(10 * TIMEOUT_MS),
  });
  if (response.status !== 200 || !response.body)
    throw new Error(`GET /admin/audit.csv answered ${response.status}`);
  let bytes = 0;
  let newlines = 0;
  for await (const chunk of response.body) {
    bytes += chunk.byteLength;
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) newlines++;
  }
  // Less the summary line and the header; a detail with a line break would be quoted, and ours have none.
  return { ms: performance.now() - started, bytes, rows: newlines - 2 };
}
