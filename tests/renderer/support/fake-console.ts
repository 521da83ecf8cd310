/**
 * The console's policy, readiness and audit routes on the fake server: role admin only (403 for staff, 401
 * without a live session, as the real guard answers), every request and response parsed with the shared
 * contract (src/shared/api-admin.ts); a violation fails the test through FakeAuthServer.violations.
 */

import { HttpResponse, http } from 'msw';
import {
  ApiError,
  AUDIT_COUNT_CAP,
  type AuditEventView,
  AuditFilter,
  AuditPage,
  AuditQuery,
  ErrorCode,
  PolicyUpdate,
  PolicyView,
  Readiness,
  ReadinessQuery,
  type ReadinessUser,
  type User,
} from '../../../src/shared/api';
import { AUDIT_EXPORT_SUMMARY_PREFIX } from '../../../src/shared/audit-export';
import { apiUrl, bearerOf, type FakeAuthServer, PASSWORD } from './fake-auth-server';

export const ADMIN: User = {
  id: 'user-admin',
  username: 'amanager',
  firstName: 'Alex',
  lastName: 'Manager',
  role: 'admin',
};

export const NO_CONTACTS: ReadinessUser = {
  id: 'user-9',
  username: 'nnocontact',
  firstName: 'Noel',
  lastName: 'Nocontact',
  role: 'staff',
};

export const INITIAL_POLICY: PolicyView = {
  mode: 'optional',
  enforceAfter: null,
  codeTtlSeconds: 300,
  rememberDays: 30,
  idleLockMinutes: 15,
  allowedFactors: ['sms', 'email', 'totp'],
  selfServiceReset: 'two_factors',
  timeZone: 'UTC',
  effectiveMode: 'optional',
  updatedAt: '2026-11-01T09:00:00.000Z',
};

/** `count` events, newest first, alternating two users and two types. */
export function auditEvents(count: number): AuditEventView[] {
  return Array.from({ length: count }, (_, index) => ({
    // Ids as the real server's: letters and digits only (a `before` cursor is refused otherwise).
    id: `event${index + 1}`,
    at: new Date(Date.UTC(2026, 10, 27, 12) - index * 60_000).toISOString(),
    type: index % 2 === 0 ? 'login_succeeded' : 'code_sent',
    userId: index % 2 === 0 ? 'user-1' : 'user-2',
    username: index % 2 === 0 ? 'ckiplock' : 'jdoe',
    ip: '127.0.0.1',
    userAgent: null,
    detail: index % 2 === 0 ? { channel: 'sms' } : {},
  }));
}

/** The real server's words for a missing or wrong `currentPassword` (server/services/password-check.ts). */
export const WRONG_PASSWORD_MESSAGE = 'Your current password is not right.';

/** The real server's words (server/routes/guard.ts). */
export const SECOND_FACTOR_MESSAGE =
  'The account manager console needs a second factor. Add a cell phone, an email or an authenticator app in My settings, then sign in again with it.';

export interface FakeConsole {
  policy: PolicyView;
  /** The counts, and the whole locked-out list: the fake pages it as the real server does. */
  readiness: Readiness;
  audit: AuditEventView[];
  /** The real server counts up to 10 000; a test sets a lower cap to see "more than". */
  auditCountCap: number;
  readonly calls: {
    policyUpdates: PolicyUpdate[];
    auditQueries: AuditQuery[];
    readinessQueries: ReadinessQuery[];
    csv: Array<{ path: string; filter: AuditFilter }>;
  };
  /** The next PUT /admin/policy answers with this error. */
  failPolicyUpdate(status: number, error: ApiError): void;
  /** The admin guard's answer (401 or 403), or undefined for a live admin session. */
  refused(request: Request): Response | undefined;
  /** The session signed in on a password alone: every admin route answers 403 second_factor_required. */
  passwordAlone: boolean;
  /**
   * The real server's answer to an action that asks the account manager's password again, when the body's
   * `currentPassword` is not the one they signed in with (400 invalid_credentials); undefined when it is.
   */
  wrongPassword(body: { currentPassword?: string | undefined }): Response | undefined;
}

export function installFakeConsole(server: FakeAuthServer): FakeConsole {
  const fake: FakeConsole = {
    policy: { ...INITIAL_POLICY },
    readiness: {
      asOf: '2026-11-28T10:00:00.000Z',
      policy: { mode: 'optional', enforceAfter: null },
      activeUsers: 4,
      counts: { phone: 3, email: 2, authenticator: 1, nothing: 1 },
      wouldBeLockedOut: [NO_CONTACTS],
      nextAfter: null,
    },
    audit: auditEvents(120),
    auditCountCap: AUDIT_COUNT_CAP,
    calls: { policyUpdates: [], auditQueries: [], readinessQueries: [], csv: [] },
    failPolicyUpdate: (status, error) => {
      failure = { status, error };
    },
    refused: (request) => refused(request),
    passwordAlone: false,
    wrongPassword: (body) =>
      body.currentPassword === PASSWORD
        ? undefined
        : server.reply(
            ApiError,
            { error: ErrorCode.invalidCredentials, message: WRONG_PASSWORD_MESSAGE },
            400,
          ),
  };
  let failure: { status: number; error: ApiError } | undefined;

  /** The guard: a live admin session, or the real server's 401 / 403 answer. */
  const refused = (request: Request) => {
    const token = bearerOf(request);
    if (!token || !server.liveSessions.has(token)) {
      return server.reply(
        ApiError,
        { error: ErrorCode.unauthorized, message: 'Your session has ended. Please sign in again.' },
        401,
      );
    }
    if (server.practice.user.role !== 'admin') {
      return server.reply(
        ApiError,
        { error: ErrorCode.forbidden, message: 'Only an account manager may do this.' },
        403,
      );
    }
    if (fake.passwordAlone) {
      return server.reply(
        ApiError,
        { error: ErrorCode.secondFactorRequired, message: SECOND_FACTOR_MESSAGE },
        403,
      );
    }
    return undefined;
  };
  const query = (request: Request) => Object.fromEntries(new URL(request.url).searchParams);
  /** A query the client should never send: noted as a violation, answered as the server would. */
  const invalid = (request: Request, error: Error) => {
    server.violations.push(`request ${request.url}: ${error.message}`);
    return server.reply(ApiError, { error: ErrorCode.badRequest, message: 'The request is not valid.' }, 400);
  };
  const csvReply = (text: string) =>
    new HttpResponse(text, { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8' } });

  const matching = (filter: AuditFilter) =>
    fake.audit.filter(
      (event) =>
        (!filter.username || event.username === filter.username) &&
        (!filter.type || event.type === filter.type) &&
        (!filter.from || event.at.slice(0, 10) >= filter.from) &&
        (!filter.to || event.at.slice(0, 10) <= filter.to),
    );

  server.use(
    http.get(
      apiUrl('/admin/policy'),
      ({ request }) => refused(request) ?? server.reply(PolicyView, fake.policy),
    ),
    http.put(apiUrl('/admin/policy'), async ({ request }) => {
      const denied = refused(request);
      if (denied) return denied;
      const update = await server.parseRequest(PolicyUpdate, request);
      if (!update) {
        return server.reply(
          ApiError,
          { error: ErrorCode.badRequest, message: 'The request is not valid.' },
          400,
        );
      }
      const wrong = fake.wrongPassword(update);
      if (wrong) return wrong;
      fake.calls.policyUpdates.push(update);
      if (failure) {
        const { status, error } = failure;
        failure = undefined;
        return server.reply(ApiError, error, status);
      }
      const { reason: _reason, currentPassword: _password, ...policy } = update;
      const effectiveMode =
        policy.mode === 'optional' && policy.enforceAfter && policy.enforceAfter <= '2026-11-28'
          ? 'required'
          : policy.mode;
      fake.policy = {
        ...policy,
        // As the server: left out, the practice's setting stays.
        selfServiceReset: policy.selfServiceReset ?? fake.policy.selfServiceReset,
        timeZone: policy.timeZone ?? fake.policy.timeZone,
        effectiveMode,
        updatedAt: new Date().toISOString(),
      };
      fake.readiness = {
        ...fake.readiness,
        policy: { mode: policy.mode, enforceAfter: policy.enforceAfter },
      };
      return server.reply(PolicyView, fake.policy);
    }),
    http.get(apiUrl('/admin/readiness'), ({ request }) => {
      const denied = refused(request);
      if (denied) return denied;
      const parsed = ReadinessQuery.safeParse(query(request));
      if (!parsed.success) return invalid(request, parsed.error);
      fake.calls.readinessQueries.push(parsed.data);
      const { limit, after } = parsed.data;
      const all = fake.readiness.wouldBeLockedOut;
      const start = after === undefined ? 0 : all.findIndex((user) => user.username === after) + 1;
      const page = all.slice(start, start + limit);
      const more = start + limit < all.length;
      return server.reply(Readiness, {
        ...fake.readiness,
        wouldBeLockedOut: page,
        nextAfter: more ? (page.at(-1)?.username ?? null) : null,
      });
    }),
    http.get(apiUrl('/admin/readiness.csv'), ({ request }) => {
      const denied = refused(request);
      if (denied) return denied;
      fake.calls.csv.push({ path: '/admin/readiness.csv', filter: {} });
      const rows = fake.readiness.wouldBeLockedOut.map(
        (u) => `${u.username},${u.firstName},${u.lastName},${u.role}`,
      );
      return csvReply(['username,first_name,last_name,role', ...rows].join('\r\n'));
    }),
    http.get(apiUrl('/admin/audit'), ({ request }) => {
      const denied = refused(request);
      if (denied) return denied;
      const parsed = AuditQuery.safeParse(query(request));
      if (!parsed.success) return invalid(request, parsed.error);
      fake.calls.auditQueries.push(parsed.data);
      const { limit, offset, before, ...filter } = parsed.data;
      const events = matching(filter);
      // Newest first: `before` starts below that event, as the server's keyset cursor does.
      const from = before === undefined ? 0 : events.findIndex((event) => event.id === before) + 1;
      const capped = events.length > fake.auditCountCap;
      return server.reply(AuditPage, {
        events: events.slice(from + offset, from + offset + limit),
        total: capped ? fake.auditCountCap : events.length,
        totalCapped: capped,
        limit,
        offset,
        timeZone: fake.policy.timeZone,
      });
    }),
    http.get(apiUrl('/admin/audit.csv'), ({ request }) => {
      const denied = refused(request);
      if (denied) return denied;
      const parsed = AuditFilter.strict().safeParse(query(request));
      if (!parsed.success) {
        server.violations.push(`request ${request.url}: ${parsed.error.message}`);
        return server.reply(
          ApiError,
          { error: ErrorCode.badRequest, message: 'The request is not valid.' },
          400,
        );
      }
      fake.calls.csv.push({ path: '/admin/audit.csv', filter: parsed.data });
      const rows = matching(parsed.data).map((e) => `${e.at},${e.type},${e.username ?? ''}`);
      // As the server does: the first line states the count, the range and the practice's zone.
      const { from, to } = parsed.data;
      const summary = `${AUDIT_EXPORT_SUMMARY_PREFIX}${rows.length} events from ${from ?? 'the first event'} to ${to ?? 'now'} (${fake.policy.timeZone})`;
      return csvReply([summary, 'at,type,username', ...rows].join('\r\n'));
    }),
  );
  return fake;
}
