/**
 * Account-manager console contract (`/api/v1/admin/...`, role admin). Re-exported from api.ts; kept apart so
 * the sign-in screens need not load it.
 */
import { z } from 'zod';
import { TIME_ZONE_PROBLEM, timeZoneName } from './account-dates';

const IsoTime = z.string().describe('ISO 8601 UTC time');
const Count = z.number().int().nonnegative();

/** A user as the readiness list shows them: enough to find them, no contact details. */
export const ReadinessUser = z.object({
  id: z.string(),
  username: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  role: z.enum(['staff', 'admin']),
});
export type ReadinessUser = z.infer<typeof ReadinessUser>;

/** Who could sign in if the practice required a second factor today. Counts cover active users only. */
export const Readiness = z.object({
  asOf: IsoTime,
  policy: z.object({
    mode: z.enum(['off', 'optional', 'required']),
    enforceAfter: z.string().nullable().describe('YYYY-MM-DD (UTC)'),
  }),
  activeUsers: Count,
  counts: z.object({
    phone: Count.describe('users with a cell phone on file'),
    email: Count.describe('users with an email on file'),
    authenticator: Count.describe('users with a confirmed authenticator app'),
    nothing: Count.describe('users with no second factor the practice allows'),
  }),
  /**
   * The first page (or the page after `after`) of the users who would be refused at sign-in
   * (enrollment_required) if the policy were required today, by User ID; `counts.nothing` says how many in all.
   */
  wouldBeLockedOut: z.array(ReadinessUser),
  nextAfter: z
    .string()
    .nullable()
    .describe('The `after` that asks for the next page of wouldBeLockedOut; null when this page is the last'),
});
export type Readiness = z.infer<typeof Readiness>;

/** Users a readiness page lists at the most, and unless asked for fewer. */
export const READINESS_PAGE_LIMIT = 200;
export const READINESS_PAGE_DEFAULT = 50;

/** A page of the readiness list: `after` is the previous page's `nextAfter` (a keyset cursor by User ID). */
export const ReadinessQuery = z.object({
  limit: z.coerce
    .number('must be a whole number of users')
    .int('must be a whole number of users')
    .min(1, 'must be at least 1')
    .max(READINESS_PAGE_LIMIT, `must be at most ${READINESS_PAGE_LIMIT}`)
    .default(READINESS_PAGE_DEFAULT),
  after: z
    .string()
    .min(1, 'must be a User ID, as the previous page’s nextAfter gives it')
    .max(128, 'must be a User ID, as the previous page’s nextAfter gives it')
    .optional(),
});
export type ReadinessQuery = z.infer<typeof ReadinessQuery>;

export const PolicyModeValue = z.enum(['off', 'optional', 'required']);
/** A second factor the practice may offer at sign-in. */
export const Factor = z.enum(['sms', 'email', 'totp']);
export type Factor = z.infer<typeof Factor>;

/**
 * "Forgot your password?" for a user with only one factor on file (a user with two always proves two):
 * `two_factors` sends them to the account manager, `one_factor` lets that factor do, `off` turns self-service
 * reset off for everyone (every reset then answers as for an unknown User ID).
 */
export const SelfServiceReset = z.enum(['two_factors', 'one_factor', 'off']);
export type SelfServiceReset = z.infer<typeof SelfServiceReset>;

/** The practice's 2FA policy as the console edits it. Bounds as the admin CLI's. */
export const PracticePolicy = z.object({
  mode: PolicyModeValue,
  /** With mode optional: from this UTC date on, the policy acts as required. */
  enforceAfter: z.iso.date().nullable(),
  /** NIST: a one-time code lives 2 to 10 minutes. */
  codeTtlSeconds: z.number().int().min(120).max(600),
  /** 0 turns "Remember this workstation" off. */
  rememberDays: z.number().int().min(0).max(90),
  idleLockMinutes: z.number().int().min(1).max(60),
  allowedFactors: z
    .array(Factor)
    .min(1)
    .refine((factors) => new Set(factors).size === factors.length, 'names a factor twice'),
  selfServiceReset: SelfServiceReset,
  /** The IANA time zone users' start and end dates are read in (default UTC). */
  timeZone: z.string(),
});
export type PracticePolicy = z.infer<typeof PracticePolicy>;

export const PolicyView = PracticePolicy.extend({
  /** What applies today: optional with a past enforce-after date is already required. */
  effectiveMode: PolicyModeValue,
  updatedAt: IsoTime,
});
export type PolicyView = z.infer<typeof PolicyView>;

/** An IANA time zone name the server's runtime knows ("America/New_York", "UTC"); never an offset. */
export const TimeZoneName = z
  .string()
  .max(64, TIME_ZONE_PROBLEM)
  .refine((name) => timeZoneName(name) !== undefined, TIME_ZONE_PROBLEM);

/**
 * The acting account manager's own password, asked again before a console action that hands out or takes
 * away access: a policy change, a bypass code, a temporary password, reset 2FA, revoking every workstation.
 * A session left open on a shared workstation is then not enough to do any of them. Missing or wrong: 400
 * invalid_credentials, counted as a failed sign-in of the account manager (the tenth in a row locks it).
 * Optional in the schema only so that a request without it gets that answer rather than bad_request.
 */
export const ActingPassword = z
  .string()
  .max(1024)
  .optional()
  .describe('The acting account manager’s current password (required: 400 invalid_credentials without it)');

/**
 * A policy change, with the account manager's reason for the audit trail. `selfServiceReset` or `timeZone`
 * left out (a console older than it) leaves the practice's setting as it is.
 */
export const PolicyUpdate = PracticePolicy.extend({
  selfServiceReset: SelfServiceReset.optional(),
  timeZone: TimeZoneName.optional(),
  reason: z.string().trim().min(3).max(500),
  currentPassword: ActingPassword,
});
export type PolicyUpdate = z.infer<typeof PolicyUpdate>;

const CalendarDate = z.iso.date().describe('YYYY-MM-DD, a day in the practice’s time zone');

/** Filters for the audit trail; from and to are whole days in the practice's time zone, both included. */
export const AuditFilter = z.object({
  username: z.string().trim().min(1).max(128).optional(),
  type: z
    .string()
    .regex(/^[a-z0-9_]{1,64}$/)
    .optional(),
  from: CalendarDate.optional(),
  to: CalendarDate.optional(),
});
export type AuditFilter = z.infer<typeof AuditFilter>;

/** Matching events the first page counts at the most: a total over that reads "more than 10 000". */
export const AUDIT_COUNT_CAP = 10_000;

/**
 * A page of the trail, newest first (by time, then id). Two ways to page: `offset` (skip that many matching
 * events, for "Showing 51–100 of 340") or `before`, a keyset cursor (the id of the last event seen), which
 * reads only the page it returns however deep it is. With `before`, `offset` counts from that event.
 */
export const AuditQuery = AuditFilter.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .default(0)
    .describe(
      'Matching events to skip (from the newest, or from `before`); deep offsets read what they skip',
    ),
  before: z
    .string()
    .regex(/^[0-9a-z]{1,64}$/, 'must be an audit event’s id, as the last event of a page gives it')
    .optional()
    .describe(
      'Keyset cursor: only the events after this one in the log’s order, older (or as old, with a lower id): the last id of the previous page',
    ),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

/** One security event. `detail` holds facts only: never a code, password, token or full contact. */
export const AuditEventView = z.object({
  id: z.string(),
  at: IsoTime,
  type: z.string(),
  userId: z.string().nullable(),
  username: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEventView = z.infer<typeof AuditEventView>;

/** One page of the trail, newest first, and how many events match in all. */
export const AuditPage = z.object({
  events: z.array(AuditEventView),
  total: Count.describe(
    `Matching events in all, counted up to ${AUDIT_COUNT_CAP} (then ${AUDIT_COUNT_CAP} and totalCapped true)`,
  ),
  /** True when more than AUDIT_COUNT_CAP events match: the console then says "more than 10 000". */
  totalCapped: z.boolean(),
  limit: Count,
  offset: Count,
  /** The practice's time zone: the one the filter's days were read in. */
  timeZone: z.string(),
});
export type AuditPage = z.infer<typeof AuditPage>;
