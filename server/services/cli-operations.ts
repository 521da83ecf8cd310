/** What an account manager does from the CLI: users, policy, unlocks, 2FA resets and the audit trail. */
import { isCalendarDate, timeZoneName } from '../../src/shared/account-dates';
import { RECOVERY_REASON_MIN, type Role } from '../../src/shared/api';
import { AUDIT_EVENT_TYPES } from '../../src/shared/audit-events';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import type { PolicyMode, SelfServiceResetValue } from '../db/schema';
import type { PhoneLookup } from '../delivery/twilio-lookup';
import type { PasswordHasher } from '../password-hasher';
import { DEFAULT_LOCATION, ensurePractice, updatePolicy } from '../repositories/practices';
import { findUserByUsername, insertUserWithLocations, newUserRow } from '../repositories/users';
import { type AuditLog, CLI_ACTOR, CLI_CONTEXT } from './audit-log';
import type { AuditTrail } from './audit-trail';
import type { DeviceService } from './devices';
import type { GuidedRecoveryService } from './guided-recovery';
import {
  CODE_TTL_BOUNDS,
  IDLE_LOCK_MINUTES_BOUNDS,
  REMEMBER_DAYS_BOUNDS,
  SMS_PER_HOUR_BOUNDS,
} from './policy';
import type { SessionRevocation } from './session-revocation';
import type { UserAccountService } from './user-accounts';
import { AdminInputError, checkPasswordRule, normalizeEmail, normalizePhone } from './validators';

export interface NewUser {
  username: string;
  password: string;
  firstName?: string;
  lastName?: string;
  phone?: string;
  email?: string;
  role?: Role;
  locations?: string[];
  /** The seed's RESOURCE TYPE, e.g. "Non-Healthcare Provider". */
  resourceType?: string;
  /** YYYY-MM-DD in the practice's time zone: no sign-in before it. */
  startDate?: string;
  /** YYYY-MM-DD in the practice's time zone: the last day the user may sign in. */
  endDate?: string;
}

/** The CLI's `audit --from --to --format`: an export of every matching event. */
export interface AuditExportQuery {
  from?: string;
  to?: string;
  username?: string;
  type?: string;
  format: string;
}

export interface PolicyInput {
  /** Absent: the mode and its enforce-after date stay as they are (to change only the self-service reset). */
  mode?: PolicyMode;
  enforceAfter?: string;
  codeTtlSeconds?: number;
  rememberDays?: number;
  idleLockMinutes?: number;
  smsPerHour?: number;
  /** Country calling codes for texts, e.g. "1,44"; "any" allows every country. */
  smsCountries?: string;
  /** "Forgot your password?" for a user with one factor: two_factors, one_factor or off. */
  selfServiceReset?: string;
  /** The IANA time zone users' start and end dates are read in, e.g. America/New_York. */
  timeZone?: string;
}

const SELF_SERVICE_RESET_VALUES: readonly SelfServiceResetValue[] = ['two_factors', 'one_factor', 'off'];

function selfServiceResetOf(raw: string): SelfServiceResetValue {
  const value = SELF_SERVICE_RESET_VALUES.find((candidate) => candidate === raw);
  if (!value) throw new AdminInputError('--self-service-reset must be two_factors, one_factor or off');
  return value;
}

/** Start and end dates as the CLI takes them: real days, the end not before the start. */
function accountDatesOf(input: Pick<NewUser, 'startDate' | 'endDate'>) {
  const startDate = input.startDate?.trim() || null;
  const endDate = input.endDate?.trim() || null;
  if (startDate !== null && !isCalendarDate(startDate)) {
    throw new AdminInputError(`--start-date "${startDate}" is not a real date (use YYYY-MM-DD)`);
  }
  if (endDate !== null && !isCalendarDate(endDate)) {
    throw new AdminInputError(`--end-date "${endDate}" is not a real date (use YYYY-MM-DD)`);
  }
  if (startDate !== null && endDate !== null && endDate < startDate) {
    throw new AdminInputError(`--end-date ${endDate} is before --start-date ${startDate}`);
  }
  return { startDate, endDate };
}

/** "any" → null (every country); else 1-3 digit calling codes, comma-separated, normalised. */
function smsCountriesOf(raw: string): string | null {
  if (raw.trim().toLowerCase() === 'any') return null;
  const codes = raw.split(',').map((code) => code.trim().replace(/^\+/, ''));
  if (codes.length === 0 || codes.some((code) => !/^[1-9]\d{0,2}$/.test(code))) {
    throw new AdminInputError('--sms-countries must be country calling codes such as 1,44 (or "any")');
  }
  return [...new Set(codes)].join(',');
}

export class CliOperations {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditLog,
    private readonly accounts: UserAccountService,
    private readonly devices: DeviceService,
    private readonly sessionRevocation: SessionRevocation,
    private readonly auditTrailService: AuditTrail,
    private readonly recovery: GuidedRecoveryService,
    /** Twilio Lookup, when configured: warns about a landline or VoIP number saved as a cell phone. */
    private readonly lookup?: PhoneLookup,
  ) {}

  async createUser(input: NewUser) {
    const username = input.username.trim();
    if (!/^[\p{L}\p{N}._@-]{1,128}$/u.test(username)) {
      throw new AdminInputError('username must be 1-128 letters, digits or . _ @ -');
    }
    checkPasswordRule(input.password);
    const phone = input.phone ? normalizePhone(input.phone) : null;
    const email = input.email ? normalizeEmail(input.email) : null;
    const role = input.role ?? 'staff';
    if (role !== 'staff' && role !== 'admin') throw new AdminInputError('role must be staff or admin');
    const dates = accountDatesOf(input);
    const resourceType = input.resourceType?.trim() || null;
    if (resourceType !== null && resourceType.length > 100) {
      throw new AdminInputError('--resource-type must be at most 100 characters');
    }
    if (await findUserByUsername(this.db, username))
      throw new AdminInputError(`user "${username}" already exists`);

    const now = this.clock.now();
    const practice = await ensurePractice(this.db, now);
    const names = input.locations?.length ? input.locations.map((l) => l.trim()) : [DEFAULT_LOCATION];
    if (names.some((n) => n.length === 0 || n.length > 100)) {
      throw new AdminInputError('a location name must be 1-100 characters');
    }
    const user = newUserRow({
      practiceId: practice.id,
      username,
      passwordHash: await this.hasher.hash(input.password),
      firstName: input.firstName,
      lastName: input.lastName,
      role,
      phone,
      email,
      now,
    });
    let locations: Array<{ id: string; name: string }> = [];
    try {
      locations = await insertUserWithLocations(
        this.db,
        { ...user, resource_type: resourceType, start_date: dates.startDate, end_date: dates.endDate },
        names,
        now,
      );
    } catch (error) {
      // Another create-user for the same name got there first.
      if (/unique/i.test((error as Error).message))
        throw new AdminInputError(`user "${username}" already exists`);
      throw error;
    }
    await this.audit.record(CLI_CONTEXT, {
      type: 'user_created',
      userId: user.id,
      username,
      detail: {
        role,
        hasPhone: phone !== null,
        hasEmail: email !== null,
        locations: locations.length,
        ...(dates.startDate && { startDate: dates.startDate }),
        ...(dates.endDate && { endDate: dates.endDate }),
      },
    });
    const warning = phone && this.lookup ? await this.lookup.warningFor(phone) : undefined;
    return {
      id: user.id,
      username,
      resourceType,
      ...dates,
      locations: locations.map((l) => l.name),
      warnings: warning ? [warning] : [],
    };
  }

  async setPolicy(input: PolicyInput) {
    if (input.mode === undefined && input.selfServiceReset === undefined && input.timeZone === undefined) {
      throw new AdminInputError('--mode is required');
    }
    if (input.mode !== undefined && !['off', 'optional', 'required'].includes(input.mode)) {
      throw new AdminInputError('--mode must be off, optional or required');
    }
    if (input.mode === undefined && input.enforceAfter !== undefined) {
      throw new AdminInputError('--enforce-after needs --mode');
    }
    if (input.enforceAfter !== undefined && !isCalendarDate(input.enforceAfter)) {
      throw new AdminInputError('--enforce-after must be a date as YYYY-MM-DD');
    }
    const ttl = input.codeTtlSeconds;
    if (ttl !== undefined && !inBounds(ttl, CODE_TTL_BOUNDS)) {
      throw new AdminInputError(
        `--code-ttl must be ${CODE_TTL_BOUNDS.min}-${CODE_TTL_BOUNDS.max} seconds (NIST: 2-10 min)`,
      );
    }
    const days = input.rememberDays;
    if (days !== undefined && !inBounds(days, REMEMBER_DAYS_BOUNDS)) {
      throw new AdminInputError(
        `--remember-days must be ${REMEMBER_DAYS_BOUNDS.min}-${REMEMBER_DAYS_BOUNDS.max}`,
      );
    }
    const idle = input.idleLockMinutes;
    if (idle !== undefined && !inBounds(idle, IDLE_LOCK_MINUTES_BOUNDS)) {
      throw new AdminInputError(
        `--idle-lock-minutes must be ${IDLE_LOCK_MINUTES_BOUNDS.min}-${IDLE_LOCK_MINUTES_BOUNDS.max}`,
      );
    }
    const perHour = input.smsPerHour;
    if (perHour !== undefined && !inBounds(perHour, SMS_PER_HOUR_BOUNDS)) {
      throw new AdminInputError(
        `--sms-per-hour must be ${SMS_PER_HOUR_BOUNDS.min}-${SMS_PER_HOUR_BOUNDS.max}`,
      );
    }
    const countries = input.smsCountries === undefined ? undefined : smsCountriesOf(input.smsCountries);
    const selfServiceReset =
      input.selfServiceReset === undefined ? undefined : selfServiceResetOf(input.selfServiceReset);
    const timeZone = input.timeZone === undefined ? undefined : timeZoneName(input.timeZone);
    if (input.timeZone !== undefined && timeZone === undefined) {
      throw new AdminInputError(
        `--time-zone "${input.timeZone}" is not an IANA time zone name (for example America/New_York or UTC)`,
      );
    }
    const now = this.clock.now();
    const practice = await ensurePractice(this.db, now);
    const change = {
      ...(input.mode !== undefined && {
        policy_mode: input.mode,
        // A new mode without a date clears an old date, so "optional" never turns required by surprise.
        enforce_after: input.enforceAfter ?? null,
      }),
      ...(ttl !== undefined && { code_ttl_seconds: ttl }),
      ...(days !== undefined && { remember_days: days }),
      ...(idle !== undefined && { idle_lock_minutes: idle }),
      ...(perHour !== undefined && { sms_per_hour: perHour }),
      ...(countries !== undefined && { sms_countries: countries }),
      ...(selfServiceReset !== undefined && { self_service_reset: selfServiceReset }),
      ...(timeZone !== undefined && { time_zone: timeZone }),
    };
    await updatePolicy(this.db, practice.id, change, now);
    await this.audit.record(CLI_CONTEXT, { type: 'policy_changed', detail: change });
    return { ...practice, ...change };
  }

  /** The console's unlock, by the CLI: the audit names "(cli: <os user>)" as who did it. */
  async unlock(username: string) {
    const user = await this.requireUser(username);
    await this.accounts.unlock('cli', user.id, CLI_CONTEXT);
    return user;
  }

  /**
   * Clears locks, ends the user's sessions, revokes every trusted workstation, removes the authenticator app
   * and voids the recovery codes: the next sign-in asks for a code again, and the user can set up a new app.
   * The same reset as the console's, told to the user.
   */
  async resetTwoFactor(username: string, reason?: string) {
    const user = await this.requireUser(username);
    const done = await this.accounts.resetTwoFactor('cli', user.id, reason, CLI_CONTEXT);
    return { user, revokedDevices: done.revokedDevices, removedAuthenticator: done.removedAuthenticator };
  }

  /** The console's Set temporary password, at a terminal: a week, only to choose one's own; the user told. */
  async setTemporaryPassword(username: string, password: string, reason: string) {
    const user = await this.requireUser(username);
    return this.accounts.setTemporaryPassword('cli', user.id, { password, reason }, CLI_CONTEXT);
  }

  /**
   * Deactivates a user (sessions, workstations, bypass and recovery codes revoked); never the last active
   * account manager.
   */
  async deactivate(username: string, reason?: string) {
    const user = await this.requireUser(username);
    if (!user.active) throw new AdminInputError(`"${user.username}" is already deactivated`);
    await this.accounts.update('cli', user.id, { active: false, reason }, CLI_CONTEXT);
    return user;
  }

  /** Revokes one user's trusted workstations, or (username undefined) every user's. */
  async revokeDevices(username: string | undefined, reason: string | undefined) {
    if (username === undefined) {
      return { revoked: await this.devices.revokeEverywhere(undefined, reason ?? '', CLI_CONTEXT) };
    }
    const user = await this.requireUser(username);
    return { user, revoked: await this.devices.revokeAll(user, CLI_CONTEXT) };
  }

  /**
   * Ends one user's signed-in sessions, or (username undefined) everyone's; the applications signed in
   * through them are logged out by the back-channel sweep. The reason goes on record.
   */
  async revokeSessions(username: string | undefined, reason: string) {
    const why = reason.trim();
    if (why.length < 3) throw new AdminInputError('--reason must be at least 3 characters');
    if (username === undefined) {
      return { revoked: await this.sessionRevocation.everywhere(undefined, why, CLI_CONTEXT) };
    }
    const user = await this.requireUser(username);
    return { user, revoked: await this.sessionRevocation.ofUser(user, why, CLI_CONTEXT) };
  }

  /** A one-time bypass code for a locked-out user, shown only here; the user and the admins are told. */
  async recover(username: string, reason: string) {
    if (reason.trim().length < RECOVERY_REASON_MIN) {
      throw new AdminInputError(`--reason must be at least ${RECOVERY_REASON_MIN} characters`);
    }
    const user = await this.requireUser(username);
    const issued = await this.recovery.issueBypass('cli', user.id, { reason: reason.trim() }, CLI_CONTEXT);
    return { user, ...issued };
  }

  /** The newest events (50 unless told, at most 10,000), filtered as an export is: for a look at a terminal. */
  async auditTrail(query: Omit<AuditExportQuery, 'format'> & { limit?: number }) {
    const limit = query.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
      throw new AdminInputError('--limit must be a whole number from 1 to 10000');
    }
    const filter = await this.auditFilterOf(query);
    return this.auditTrailService.newest(filter, limit);
  }

  /**
   * Every event matching the filter, for an auditor: days in the practice's time zone, both included; the
   * export is audited with the filter, the count and the operating-system user.
   */
  async exportAudit(query: AuditExportQuery) {
    if (query.format !== 'csv' && query.format !== 'jsonl') {
      throw new AdminInputError('--format must be csv or jsonl');
    }
    return this.auditTrailService.export(
      await this.auditFilterOf(query),
      query.format,
      { by: CLI_ACTOR },
      CLI_CONTEXT,
    );
  }

  /** The CLI's filter flags, checked: real days in order, a known event type, a user as the trail spells them. */
  private async auditFilterOf(query: Omit<AuditExportQuery, 'format'>) {
    for (const [flag, date] of [
      ['--from', query.from],
      ['--to', query.to],
    ] as const) {
      if (date !== undefined && !isCalendarDate(date)) {
        throw new AdminInputError(`${flag} "${date}" is not a real date (use YYYY-MM-DD)`);
      }
    }
    if (query.from !== undefined && query.to !== undefined && query.to < query.from) {
      throw new AdminInputError(`--to ${query.to} is before --from ${query.from}`);
    }
    if (query.type !== undefined && !(AUDIT_EVENT_TYPES as readonly string[]).includes(query.type)) {
      throw new AdminInputError(
        `--type "${query.type}" is not an audit event type (for example login_failed or policy_changed; see the README)`,
      );
    }
    const username = query.username?.trim() || undefined;
    // The trail keeps the username as the account spells it; a known user is looked up to match that spelling.
    const user = username ? await findUserByUsername(this.db, username) : undefined;
    return { from: query.from, to: query.to, username: user?.username ?? username, type: query.type };
  }

  private async requireUser(username: string) {
    const user = await findUserByUsername(this.db, username);
    if (!user) throw new AdminInputError(`no user "${username}"`);
    return user;
  }
}

function inBounds(value: number, bounds: { min: number; max: number }): boolean {
  return Number.isInteger(value) && value >= bounds.min && value <= bounds.max;
}
