/**
 * Account-manager console contract for people and places (`/api/v1/admin/...`, role admin): users,
 * locations, a user's trusted workstations, and guided recovery with a one-time bypass code. Re-exported
 * from api.ts; kept apart so the sign-in screens need not load it.
 *
 * Routes (all 401 without a session, 403 for staff, 403 second_factor_required for a session that signed in
 * on a password alone, before any input is read; † also asks the acting account manager's currentPassword,
 * 400 invalid_credentials when it is missing or wrong):
 *   GET    /admin/users?q=&limit=&after=       → AdminUserList, one page in User ID order
 *   POST   /admin/users          AdminUserCreate → 201 AdminUser   (409 conflict: username taken)
 *   GET    /admin/users/:id                    → AdminUser
 *   PATCH  /admin/users/:id      AdminUserUpdate → AdminUser       (409 conflict: last active admin)
 *   POST   /admin/users/:id/unlock             → AdminUser
 *   POST   /admin/users/:id/reset-2fa  ReasonRequest → TwoFactorResetDone †
 *   POST   /admin/users/:id/temporary-password  TemporaryPasswordRequest → AdminUser †
 *   GET    /admin/users/:id/devices            → TrustedDeviceList (api-me.ts)
 *   DELETE /admin/users/:id/devices/:deviceId  → 204
 *   DELETE /admin/devices        ReasonRequest → DevicesRevoked (api-me.ts), every workstation practice-wide †
 *   DELETE /admin/sessions       ReasonRequest → SessionsRevoked, every signed-in session but the caller's †
 *   GET    /admin/locations                    → AdminLocationList
 *   POST   /admin/locations      LocationName  → 201 AdminLocation (409 conflict: name taken)
 *   PATCH  /admin/locations/:id  LocationName  → AdminLocation     (409 conflict: name taken)
 *   GET    /admin/recovery-checklist           → RecoveryChecklist
 *   PUT    /admin/recovery-checklist  RecoveryChecklistUpdate → RecoveryChecklist
 *   POST   /admin/users/:id/recovery  RecoveryRequest → BypassIssued † (409 conflict: one's own id)
 *
 * Sign-in with a bypass code: POST /auth/challenges/:id/verify with `targetId: "bypass"` (BYPASS_TARGET_ID)
 * and the code. A user refused as enrollment_required (no contact) who holds a live bypass code gets a
 * challenge with `targets: []` instead.
 */
import { z } from 'zod';
import { accountDatesProblem } from './account-dates';
import { ActingPassword } from './api-admin';

const IsoTime = z.string().describe('ISO 8601 UTC time');
const Count = z.number().int().nonnegative();
const Id = z.string().min(1).max(64);
/** Why an account manager did something, for the audit trail. */
export const AdminReason = z.string().trim().min(3).max(500);

export {
  BYPASS_CODE_ALPHABET,
  BYPASS_CODE_LENGTH,
  BYPASS_TARGET_ID,
  looksLikeBypassCode,
  normalizeBypassCode,
} from './bypass-code';

// ---- Users ----------------------------------------------------------------------------------------------

export const UserRoleValue = z.enum(['staff', 'admin']);

export const AdminUserLocation = z.object({ id: z.string(), name: z.string() });

/** A user as the console lists them. Contacts are masked: the console needs to recognise them, not read them. */
export const AdminUser = z.object({
  id: z.string(),
  username: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  role: UserRoleValue,
  active: z.boolean(),
  /** Set while the account is locked after too many failed attempts. */
  lockedUntil: IsoTime.nullable(),
  locations: z.array(AdminUserLocation),
  /** Which second factors the user has on file (whether or not the practice allows them). */
  factors: z.object({ phone: z.boolean(), email: z.boolean(), authenticator: z.boolean() }),
  /** Masked, e.g. "••• - ••• - 3816" and "c•••@example.com"; null when there is none. */
  contacts: z.object({ phone: z.string().nullable(), email: z.string().nullable() }),
  /** Whether a one-time bypass code from guided recovery is live (issued, unused, unexpired). */
  bypassCodeActive: z.boolean(),
  /**
   * Set while the password is a temporary one from the console: it signs in until then, and only to choose
   * the user's own. Null once they have.
   */
  temporaryPasswordUntil: IsoTime.nullable(),
  /** The seed's RESOURCE TYPE, e.g. "Non-Healthcare Provider"; null when none is on file. */
  resourceType: z.string().nullable(),
  /** YYYY-MM-DD in the practice's time zone: no sign-in before it; null for none. */
  startDate: z.string().nullable().describe('YYYY-MM-DD'),
  /**
   * YYYY-MM-DD in the practice's time zone: the last day the user may sign in. After it their sign-in
   * answers as a wrong password does, and their sessions, workstations, bypass and recovery codes end.
   */
  endDate: z.string().nullable().describe('YYYY-MM-DD'),
  /**
   * Where today, in the practice's time zone, falls against the dates: `not_started` (before the start
   * date) and `ended` (after the end date) cannot sign in, whatever `active` says.
   */
  accessByDates: z.enum(['not_started', 'current', 'ended']),
  createdAt: IsoTime,
});
export type AdminUser = z.infer<typeof AdminUser>;

/** One page of the Users tab (see AdminUserQuery for its order); `nextAfter` asks for the next page, null on the last. */
export const AdminUserList = z.object({
  users: z.array(AdminUser),
  nextAfter: z
    .string()
    .nullable()
    .describe(
      'The `after` that asks for the next page (the last User ID shown); null when this page is the last',
    ),
});
export type AdminUserList = z.infer<typeof AdminUserList>;

/** Users a page holds at the most, and unless asked for fewer. */
export const USER_PAGE_LIMIT = 100;
export const USER_PAGE_DEFAULT = 50;

/**
 * Without `q`, pages are in User ID order (case-insensitive). `q` finds the users whose last name, first name
 * or User ID starts with it (any case, accents or none), in the order of what matched, then User ID. Either
 * way `after` is the previous page's `nextAfter`, a keyset cursor: the users after that one, so a deep page
 * costs what the first does and a user added meanwhile is never shown twice. A search whose `after` user no
 * longer matches it (renamed meanwhile) answers 409: search again.
 */
export const AdminUserQuery = z.object({
  q: z
    .string()
    .trim()
    .max(128)
    .optional()
    .describe('The start of a last name, first name or User ID; any case, accents or none'),
  limit: z.coerce
    .number('must be a whole number of users')
    .int('must be a whole number of users')
    .min(1, 'must be at least 1')
    .max(USER_PAGE_LIMIT, `must be at most ${USER_PAGE_LIMIT}`)
    .default(USER_PAGE_DEFAULT)
    .describe(`Users per page, 1 to ${USER_PAGE_LIMIT}; ${USER_PAGE_DEFAULT} unless given`),
  after: z
    .string()
    .min(1, 'must be a User ID, as the previous page’s nextAfter gives it')
    .max(128, 'must be a User ID, as the previous page’s nextAfter gives it')
    .optional()
    .describe('The previous page’s nextAfter: the page starts after that User ID'),
});
export type AdminUserQuery = z.infer<typeof AdminUserQuery>;

export const UserParams = z.object({ id: Id });
export const UserDeviceParams = z.object({ id: Id, deviceId: Id });

const PersonName = z.string().trim().max(100);
/** Free text as the practice system has it; blank clears it. */
export const ResourceType = z.string().trim().max(100, 'a resource type is at most 100 characters');
/** A day that exists, as YYYY-MM-DD: 2026-02-30 is refused. */
const AccountDate = (which: 'start' | 'end') =>
  z.iso.date(`the ${which} date must be a real date as YYYY-MM-DD`).nullable();

/** The end date, when both are given, is not before the start date. */
const datesInOrder = {
  check: (u: { startDate?: string | null; endDate?: string | null }) =>
    !u.startDate ||
    !u.endDate ||
    accountDatesProblem({ startDate: u.startDate, endDate: u.endDate }) === undefined,
  params: { message: 'the end date is before the start date', path: ['endDate'] },
};
/** Every user belongs to at least one location. */
const LocationIds = z
  .array(Id)
  .min(1, 'a user belongs to at least one location')
  .max(100)
  .refine((ids) => new Set(ids).size === ids.length, 'names a location twice');

export const AdminUserCreate = z
  .object({
    username: z
      .string()
      .trim()
      .regex(/^[\p{L}\p{N}._@-]{1,128}$/u, 'a User ID is 1-128 letters, digits or . _ @ -'),
    /** Temporary password; the rule: 8 characters or longer, with letters and digits (400 password_rule). */
    password: z.string().min(1).max(1024),
    firstName: PersonName.default(''),
    lastName: PersonName.default(''),
    role: UserRoleValue.default('staff'),
    locationIds: LocationIds,
    resourceType: ResourceType.nullable().optional(),
    startDate: AccountDate('start').optional(),
    endDate: AccountDate('end').optional(),
  })
  .refine(datesInOrder.check, datesInOrder.params);
export type AdminUserCreate = z.input<typeof AdminUserCreate>;

/**
 * Any subset of the fields. `active: false` deactivates: the user's sessions and trusted workstations are
 * revoked and their sign-in answers invalid_credentials. The practice's last active admin can be neither
 * deactivated nor made staff (409 conflict). `locationIds` replaces the user's locations. `null` clears the
 * resource type or a date; an end date before the start date (the one given or the one on file) is 400. An
 * end date already past in the practice's time zone ends the user's access at once.
 */
export const AdminUserUpdate = z
  .object({
    firstName: PersonName.optional(),
    lastName: PersonName.optional(),
    role: UserRoleValue.optional(),
    active: z.boolean().optional(),
    locationIds: LocationIds.optional(),
    resourceType: ResourceType.nullable().optional(),
    startDate: AccountDate('start').optional(),
    endDate: AccountDate('end').optional(),
    reason: AdminReason.optional(),
  })
  .refine(datesInOrder.check, datesInOrder.params)
  .refine(
    (u) => Object.entries(u).some(([key, value]) => key !== 'reason' && value !== undefined),
    'change at least one field',
  );
export type AdminUserUpdate = z.infer<typeof AdminUserUpdate>;

/** Reset 2FA and revoking every workstation: why, and the acting account manager's password again. */
export const ReasonRequest = z.object({ reason: AdminReason, currentPassword: ActingPassword });
export type ReasonRequest = z.infer<typeof ReasonRequest>;

/**
 * Everyone signed out: how many sessions ended. The account manager who asked stays signed in (their own
 * session is the one kept), so they can go on; `ownSessionKept` says so to the console.
 */
export const SessionsRevoked = z.object({
  revoked: Count,
  ownSessionKept: z.literal(true),
});
export type SessionsRevoked = z.infer<typeof SessionsRevoked>;

/** A new temporary password for a user who cannot sign in (forgotten, or the last one expired). */
export const TemporaryPasswordRequest = z.object({
  /** The rule: 8 characters or longer, with letters and digits (400 password_rule). */
  password: z.string().min(1).max(1024),
  reason: AdminReason,
  /** The acting account manager's own password, not the user's new one. */
  currentPassword: ActingPassword,
});
export type TemporaryPasswordRequest = z.infer<typeof TemporaryPasswordRequest>;

/** After reset-2fa: locks cleared, workstations revoked, the authenticator app removed, the user told. */
export const TwoFactorResetDone = z.object({
  user: AdminUser,
  revokedDevices: Count,
  removedAuthenticator: z.boolean(),
});
export type TwoFactorResetDone = z.infer<typeof TwoFactorResetDone>;

// ---- Locations ------------------------------------------------------------------------------------------

export const AdminLocation = z.object({
  id: z.string(),
  name: z.string(),
  /** Users (active or not) assigned to it. */
  userCount: Count,
});
export type AdminLocation = z.infer<typeof AdminLocation>;

export const AdminLocationList = z.object({ locations: z.array(AdminLocation) });
export type AdminLocationList = z.infer<typeof AdminLocationList>;

export const LocationParams = z.object({ id: Id });

export const LocationName = z.object({ name: z.string().trim().min(1).max(100) });
export type LocationName = z.infer<typeof LocationName>;

// ---- Guided recovery ------------------------------------------------------------------------------------

export const RecoveryChecklistItem = z.object({ id: z.string(), text: z.string() });
export type RecoveryChecklistItem = z.infer<typeof RecoveryChecklistItem>;

/** The practice's identity check before a bypass code; defaults until an account manager edits it. */
export const RecoveryChecklist = z.object({
  items: z.array(RecoveryChecklistItem),
  /** Null while the defaults apply. */
  updatedAt: IsoTime.nullable(),
});
export type RecoveryChecklist = z.infer<typeof RecoveryChecklist>;

/** Replaces the checklist. Keep an item's id to keep it; items without an id are new. */
export const RecoveryChecklistUpdate = z.object({
  items: z
    .array(z.object({ id: Id.optional(), text: z.string().trim().min(3).max(300) }))
    .min(1)
    .max(20),
  reason: AdminReason,
});
export type RecoveryChecklistUpdate = z.infer<typeof RecoveryChecklistUpdate>;

export const RECOVERY_REASON_MIN = 10;

/**
 * Issue a one-time bypass code after the identity check. `checked` must hold the id of EVERY item of the
 * current checklist (else 400 bad_request). Also unlocks the account; a new code voids an older one.
 */
export const RecoveryRequest = z.object({
  checked: z.array(Id).max(20),
  reason: z.string().trim().min(RECOVERY_REASON_MIN).max(500),
  action: z.literal('bypass_code'),
  currentPassword: ActingPassword,
});
export type RecoveryRequest = z.infer<typeof RecoveryRequest>;

/** Shown once: read it to the user. Valid until `expiresAt` (at most 15 minutes), for one sign-in. */
export const BypassIssued = z.object({
  bypassCode: z.string().describe('XXXX-XXXX-XXXX'),
  expiresAt: IsoTime,
  notified: z.object({
    /** The user's own contacts a notice went to, masked. */
    user: z.array(z.object({ channel: z.enum(['sms', 'email']), masked: z.string() })),
    /** The other active account managers told about it (those with a contact on file). */
    admins: z.array(z.object({ id: z.string(), username: z.string() })),
  }),
});
export type BypassIssued = z.infer<typeof BypassIssued>;
