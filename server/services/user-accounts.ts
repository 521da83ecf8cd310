/**
 * The console's users: list, create, edit, deactivate, unlock and reset 2FA. Every change is audited with
 * the acting account manager; the practice always keeps at least one active account manager. Each recovery
 * action (reset 2FA, a temporary password, deactivation) also voids the user's recovery codes.
 */
import { accountDatesProblem, datesStatusOn, todayIn } from '../../src/shared/account-dates';
import {
  type AdminUser,
  type AdminUserCreate,
  type AdminUserList,
  type AdminUserQuery,
  type AdminUserUpdate,
  ErrorCode,
  type TwoFactorResetDone,
} from '../../src/shared/api';
import { addSeconds, type Clock } from '../clock';
import type { Db } from '../db/database';
import type { UserRow } from '../db/schema';
import { nameKey } from '../db/search-keys';
import { AppError, serverBusy } from '../errors';
import { maskEmail, maskPhone } from '../masking';
import { HasherBusyError, type PasswordHasher } from '../password-hasher';
import { usersWithLiveBypassCode, voidBypassCodes } from '../repositories/bypass-codes';
import { findLocationsByIds, locationsByUser, replaceUserLocations } from '../repositories/locations';
import { ensurePractice } from '../repositories/practices';
import { revokeSessionsOf, revokeTrustedDevices } from '../repositories/sessions';
import { deleteTotp } from '../repositories/totp';
import {
  activeAdmins,
  listUsersPage,
  lockPractice,
  type SearchPosition,
  searchPositionOf,
  searchUsersOfPractice,
  type UserSearch,
  updateUser,
  usersWithAuthenticator,
} from '../repositories/user-accounts';
import {
  anyUserExists,
  findUserById,
  findUserByUsername,
  insertUser,
  newUserRow,
  setPasswordHash,
  unlockUser,
  usernameKey,
} from '../repositories/users';
import type { AccountEnds } from './account-ends';
import type { AuditLog, RequestContext } from './audit-log';
import { type Actor, actorName } from './guided-recovery';
import type { Notifier } from './notices';
import { codesVoided, type RecoveryCodeService } from './recovery-codes';
import { AdminInputError, checkPasswordRule } from './validators';

/** How long a temporary password from the console signs in (only to choose one's own): a week. */
export const TEMPORARY_PASSWORD_SECONDS = 7 * 24 * 60 * 60;

const noSuchUser = () => new AppError(404, ErrorCode.notFound, 'There is no such user.');

/** 400 with what is wrong with a pair of dates (an impossible date, an end before the start), if anything. */
function checkDates(dates: { startDate: string | null; endDate: string | null }): void {
  const problem = accountDatesProblem(dates);
  if (problem) throw new AppError(400, ErrorCode.badRequest, problem);
}

const blankToNull = (value: string | null | undefined) => (value?.trim() ? value.trim() : null);

const lastAdmin = () =>
  new AppError(
    409,
    ErrorCode.conflict,
    'This is the practice’s last active account manager. Make someone else an account manager first.',
  );

export class UserAccountService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditLog,
    private readonly notices: Notifier,
    private readonly recoveryCodes: RecoveryCodeService,
    private readonly accountEnds: Pick<AccountEnds, 'endIfPast' | 'timeZoneOf'>,
  ) {}

  /** Whether the database has any user yet: the demo seed fills only an empty one. */
  anyUserExists(): Promise<boolean> {
    return anyUserExists(this.db);
  }

  /**
   * A page of the practice's users: by User ID, or with `q` those whose last name, first name or User ID
   * starts with it, in the order of what matched. One more row than the page is read, to know whether a next
   * page exists without counting every match.
   */
  async list(query: AdminUserQuery): Promise<AdminUserList> {
    const practice = await ensurePractice(this.db, this.clock.now());
    const q = query.q?.trim() ?? '';
    const search = { name: nameKey(q), username: usernameKey(q) };
    const rows =
      q === ''
        ? await listUsersPage(this.db, practice.id, {
            afterKey: query.after === undefined ? undefined : usernameKey(query.after),
            limit: query.limit + 1,
          })
        : await searchUsersOfPractice(this.db, practice.id, {
            search,
            after: query.after === undefined ? undefined : await this.searchCursor(query.after, search),
            limit: query.limit + 1,
          });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      users: await this.views(page),
      nextAfter: rows.length > query.limit && last ? last.username : null,
    };
  }

  /**
   * Where the user a search's previous page ended with stands in it now. A user renamed (or removed) since
   * no longer marks a place in the search, so the console is told to search again rather than shown a page
   * that skips or repeats users.
   */
  private async searchCursor(after: string, search: UserSearch): Promise<SearchPosition> {
    const user = await findUserByUsername(this.db, after);
    const position = user && searchPositionOf(user, search);
    if (!position)
      throw new AppError(
        409,
        ErrorCode.conflict,
        'The users changed since this search was shown. Search again to see the matches as they are now.',
      );
    return position;
  }

  async get(id: string): Promise<AdminUser> {
    const [view] = await this.views([await this.requireUser(id)]);
    if (!view) throw noSuchUser();
    return view;
  }

  async create(admin: UserRow, input: AdminUserCreate, context: RequestContext): Promise<AdminUser> {
    const passwordHash = await this.hashTemporary(input.password);
    const now = this.clock.now();
    const practice = await ensurePractice(this.db, now);
    const locationIds = await this.checkLocations(practice.id, input.locationIds);
    const username = input.username.trim();
    const role = input.role ?? 'staff';
    const dates = { startDate: input.startDate ?? null, endDate: input.endDate ?? null };
    checkDates(dates);
    const user = {
      ...newUserRow({
        practiceId: practice.id,
        username,
        passwordHash,
        firstName: input.firstName,
        lastName: input.lastName,
        role,
        phone: null,
        email: null,
        now,
      }),
      temporary_password_until: addSeconds(now, TEMPORARY_PASSWORD_SECONDS).toISOString(),
      resource_type: blankToNull(input.resourceType),
      start_date: dates.startDate,
      end_date: dates.endDate,
    };
    try {
      await this.audit.transaction(async (tx) => {
        await insertUser(tx, user);
        await replaceUserLocations(tx, user.id, locationIds);
        await this.audit.record(
          context,
          {
            type: 'user_created',
            userId: user.id,
            username,
            detail: {
              role,
              locations: locationIds.length,
              by: admin.username,
              ...(dates.startDate && { startDate: dates.startDate }),
              ...(dates.endDate && { endDate: dates.endDate }),
            },
          },
          tx,
        );
      });
    } catch (error) {
      if (/unique|duplicate/i.test((error as Error).message)) {
        throw new AppError(409, ErrorCode.conflict, `The User ID "${username}" is taken.`);
      }
      throw error;
    }
    return this.get(user.id);
  }

  /**
   * Edits names, role, active, locations, the resource type and the account's dates. Deactivating revokes
   * the user's sessions, trusted workstations, any bypass code and their recovery codes (sign-in then answers
   * invalid_credentials, as for a wrong password; a reactivated user starts with no recovery codes). An end
   * date already past in the practice's time zone does the same at once (account_ended); a new end date
   * lets a later one be carried out again.
   */
  async update(
    actor: Actor,
    id: string,
    input: AdminUserUpdate,
    context: RequestContext,
  ): Promise<AdminUser> {
    const now = this.clock.now();
    const practice = await ensurePractice(this.db, now);
    const locationIds = input.locationIds && (await this.checkLocations(practice.id, input.locationIds));
    const by = actorName(actor);
    await this.audit.transaction(async (tx) => {
      await lockPractice(tx, practice.id);
      const user = await findUserById(tx, id);
      if (!user) throw noSuchUser();
      const role = input.role ?? user.role;
      const active = input.active ?? user.active === 1;
      const losesAdmin = user.role === 'admin' && user.active === 1 && (role !== 'admin' || !active);
      if (losesAdmin && !(await activeAdmins(tx, practice.id)).some((admin) => admin.id !== user.id)) {
        throw lastAdmin();
      }
      const changed = Object.entries(input)
        .filter(([key, value]) => key !== 'reason' && value !== undefined)
        .map(([key]) => key);
      const dates = {
        startDate: input.startDate === undefined ? user.start_date : input.startDate,
        endDate: input.endDate === undefined ? user.end_date : input.endDate,
      };
      checkDates(dates);
      const newEndDate = dates.endDate !== user.end_date;
      await updateUser(tx, user.id, {
        ...(input.firstName !== undefined && { first_name: input.firstName }),
        ...(input.lastName !== undefined && { last_name: input.lastName }),
        ...(input.resourceType !== undefined && { resource_type: blankToNull(input.resourceType) }),
        start_date: dates.startDate,
        end_date: dates.endDate,
        ...(newEndDate && { access_ended_at: null }),
        role,
        active: active ? 1 : 0,
        updated_at: now.toISOString(),
      });
      if (locationIds) await replaceUserLocations(tx, user.id, locationIds);
      const who = { userId: user.id, username: user.username };
      await this.audit.record(
        context,
        {
          type: 'user_updated',
          ...who,
          detail: {
            changed: changed.join(','),
            role,
            active,
            ...(input.startDate !== undefined && { startDate: input.startDate }),
            ...(input.endDate !== undefined && { endDate: input.endDate }),
            by,
            reason: input.reason,
          },
        },
        tx,
      );
      // Past already: the account ends now, not at the next sweep.
      if (newEndDate) await this.accountEnds.endIfPast(tx, user, context, by);
      if (user.active === 1 && !active) {
        const revokedSessions = await revokeSessionsOf(tx, user.id, now);
        const revokedDevices = await revokeTrustedDevices(tx, user.id, now);
        const voidedBypassCodes = await voidBypassCodes(tx, user.id);
        const voidedRecoveryCodes = await this.recoveryCodes.voidAll(tx, user.id);
        await this.audit.record(
          context,
          {
            type: 'user_deactivated',
            ...who,
            detail: {
              revokedSessions,
              revokedDevices,
              voidedBypassCodes,
              voidedRecoveryCodes,
              by,
              reason: input.reason,
            },
          },
          tx,
        );
      } else if (user.active === 0 && active) {
        await this.audit.record(
          context,
          { type: 'user_reactivated', ...who, detail: { by, reason: input.reason } },
          tx,
        );
      }
    });
    return this.get(id);
  }

  async unlock(actor: Actor, id: string, context: RequestContext): Promise<AdminUser> {
    const user = await this.requireUser(id);
    await unlockUser(this.db, user.id, this.clock.now());
    await this.audit.record(context, {
      type: 'account_unlocked',
      userId: user.id,
      username: user.username,
      detail: { by: actorName(actor) },
    });
    return this.get(id);
  }

  /**
   * Clears locks, ends the user's sessions, revokes every trusted workstation, removes the authenticator app
   * and voids the recovery codes: whoever holds a lost phone or an old session is out, the next sign-in asks
   * for a code again, and the user can set up a new app. The user's contacts are told.
   */
  async resetTwoFactor(
    actor: Actor,
    id: string,
    reason: string | undefined,
    context: RequestContext,
  ): Promise<TwoFactorResetDone> {
    const user = await this.requireUser(id);
    const now = this.clock.now();
    const done = await this.audit.transaction(async (tx) => {
      await unlockUser(tx, user.id, now);
      const result = {
        revokedSessions: await revokeSessionsOf(tx, user.id, now),
        revokedDevices: await revokeTrustedDevices(tx, user.id, now),
        removedAuthenticator: await deleteTotp(tx, user.id),
        voidedRecoveryCodes: await this.recoveryCodes.voidAll(tx, user.id),
      };
      await this.audit.record(
        context,
        {
          type: 'two_factor_reset',
          userId: user.id,
          username: user.username,
          detail: { ...result, by: actorName(actor), reason },
        },
        tx,
      );
      return result;
    });
    const app = done.removedAuthenticator ? ' and your authenticator app was removed' : '';
    this.notices.notify(user, {
      subject: 'Your WRSAuth two-factor sign-in was reset',
      text: `Your account manager reset two-factor sign-in on your WRSAuth account (${user.username}): your sessions and remembered workstations were signed out${app}.${codesVoided(done.voidedRecoveryCodes)} If you did not ask for this, tell your practice now.`,
    });
    const { revokedDevices, removedAuthenticator } = done;
    return { user: await this.get(id), revokedDevices, removedAuthenticator };
  }

  /**
   * Gives a user who cannot sign in a new temporary password: it works for a week and only to choose their
   * own. The lock is lifted, every session and trusted workstation of the user ends and their recovery codes
   * are voided. The user's contacts are told; audited with who and why (never the password).
   */
  async setTemporaryPassword(
    actor: Actor,
    id: string,
    input: { password: string; reason: string },
    context: RequestContext,
  ): Promise<AdminUser> {
    const user = await this.requireUser(id);
    if (actor !== 'cli' && actor.id === user.id) {
      // It would sign the account manager out and leave them a password only good for choosing another.
      throw new AppError(409, ErrorCode.conflict, 'Change your own password in My settings.');
    }
    const passwordHash = await this.hashTemporary(input.password);
    const now = this.clock.now();
    const voided = await this.audit.transaction(async (tx) => {
      const temporaryUntil = addSeconds(now, TEMPORARY_PASSWORD_SECONDS).toISOString();
      await setPasswordHash(tx, user.id, { passwordHash, temporaryUntil, unlock: true }, now);
      const revokedSessions = await revokeSessionsOf(tx, user.id, now);
      const revokedDevices = await revokeTrustedDevices(tx, user.id, now);
      const voidedRecoveryCodes = await this.recoveryCodes.voidAll(tx, user.id);
      await this.audit.record(
        context,
        {
          type: 'temporary_password_set',
          userId: user.id,
          username: user.username,
          detail: {
            by: actorName(actor),
            reason: input.reason,
            revokedSessions,
            revokedDevices,
            voidedRecoveryCodes,
          },
        },
        tx,
      );
      return voidedRecoveryCodes;
    });
    this.notices.notify(user, {
      subject: 'Your account manager set a temporary WRSAuth password',
      text: `Your account manager set a temporary password on your WRSAuth account (${user.username}) and signed out your sessions and remembered workstations.${codesVoided(voided)} At your next sign-in you will choose your own. If you did not ask for this, tell your practice now.`,
    });
    return this.get(id);
  }

  /** The temporary password held to the seed's rule, hashed; 400 password_rule otherwise. */
  private async hashTemporary(password: string): Promise<string> {
    try {
      checkPasswordRule(password);
    } catch (error) {
      if (error instanceof AdminInputError) {
        throw new AppError(400, ErrorCode.passwordRule, `The temporary ${error.message}.`);
      }
      throw error;
    }
    try {
      return await this.hasher.hash(password);
    } catch (error) {
      if (error instanceof HasherBusyError) throw serverBusy();
      throw error;
    }
  }

  async requireUser(id: string): Promise<UserRow> {
    const user = await findUserById(this.db, id);
    if (!user) throw noSuchUser();
    return user;
  }

  /** The ids, each a location of the practice; else 400. */
  private async checkLocations(practiceId: string, ids: string[]): Promise<string[]> {
    const found = await findLocationsByIds(this.db, practiceId, ids);
    if (found.length !== new Set(ids).size) {
      throw new AppError(400, ErrorCode.badRequest, 'Choose locations from the practice’s list.');
    }
    return found.map((location) => location.id);
  }

  /** The rows as the console shows them; each lookup reads only these users' rows. */
  private async views(rows: UserRow[]): Promise<AdminUser[]> {
    const now = this.clock.now();
    const ids = rows.map((row) => row.id);
    const [locations, authenticators, bypass] = await Promise.all([
      locationsByUser(this.db, ids),
      usersWithAuthenticator(this.db, ids),
      usersWithLiveBypassCode(this.db, now, ids),
    ]);
    // Every user is of the one practice: its time zone reads everyone's dates.
    const today = rows[0] ? todayIn(await this.accountEnds.timeZoneOf(rows[0]), now) : '';
    return rows.map((row) => ({
      id: row.id,
      username: row.username,
      firstName: row.first_name,
      lastName: row.last_name,
      role: row.role,
      active: row.active === 1,
      lockedUntil: row.locked_until && row.locked_until > now.toISOString() ? row.locked_until : null,
      locations: locations.get(row.id) ?? [],
      factors: {
        phone: row.phone !== null,
        email: row.email !== null,
        authenticator: authenticators.has(row.id),
      },
      contacts: {
        phone: row.phone ? maskPhone(row.phone) : null,
        email: row.email ? maskEmail(row.email) : null,
      },
      bypassCodeActive: bypass.has(row.id),
      temporaryPasswordUntil: row.temporary_password_until,
      resourceType: row.resource_type,
      startDate: row.start_date,
      endDate: row.end_date,
      accessByDates: datesStatusOn({ startDate: row.start_date, endDate: row.end_date }, today),
      createdAt: row.created_at,
    }));
  }
}
