/**
 * My settings: the user's own profile, their password, and what the "add your cell phone" banner needs.
 * Contacts have their own service (contacts.ts), since account managers change them too.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { todayIn } from '../../src/shared/account-dates';
import {
  ErrorCode,
  type PasswordChanged,
  type Profile,
  type ProfileUpdate,
  type SetupStatus,
} from '../../src/shared/api';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import type { SessionRow, UserRow } from '../db/schema';
import { AppError, serverBusy } from '../errors';
import { HasherBusyError, type PasswordHasher } from '../password-hasher';
import { findPractice } from '../repositories/practices';
import { revokeSessionsOf, revokeTrustedDevices } from '../repositories/sessions';
import { findTotpFactor } from '../repositories/totp';
import { setPasswordHash, updateProfileFields } from '../repositories/users';
import type { AuditLog, RequestContext } from './audit-log';
import type { Notifier } from './notices';
import type { PasswordCheck } from './password-check';
import { effectiveMode } from './policy';
import { AdminInputError, checkPasswordRule, DEFAULT_COUNTRY } from './validators';

const EARLIEST_BIRTH_DATE = '1900-01-01';

const samePassword = () =>
  new AppError(400, ErrorCode.passwordRule, 'Choose a new password, not the one you have now.');

export const passwordRuleBroken = () =>
  new AppError(
    400,
    ErrorCode.passwordRule,
    'Choose a password of 8 or more characters with both letters and digits. Passwords are case-sensitive.',
  );

export class ProfileService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditLog,
    private readonly notices: Notifier,
    private readonly passwords: PasswordCheck,
  ) {}

  get(user: UserRow): Profile {
    const national = user.phone
      ? (parsePhoneNumberFromString(user.phone, DEFAULT_COUNTRY)?.formatNational() ?? user.phone)
      : null;
    return {
      username: user.username,
      firstName: user.first_name,
      middleName: user.middle_name,
      lastName: user.last_name,
      namePrefix: user.name_prefix,
      nameSuffix: user.name_suffix,
      dateOfBirth: user.date_of_birth,
      sex: user.sex,
      phone: user.phone,
      phoneNational: national,
      phoneSetBy: user.phone ? (user.phone_set_by ?? 'on_file') : null,
      email: user.email,
      emailSetBy: user.email ? (user.email_set_by ?? 'on_file') : null,
      resourceType: user.resource_type,
      startDate: user.start_date,
      endDate: user.end_date,
    };
  }

  async update(user: UserRow, input: ProfileUpdate, context: RequestContext): Promise<Profile> {
    const now = this.clock.now();
    const dob = input.dateOfBirth;
    if (dob !== null && (dob < EARLIEST_BIRTH_DATE || dob > now.toISOString().slice(0, 10))) {
      throw new AppError(400, ErrorCode.badRequest, 'Enter a date of birth between 1900-01-01 and today.');
    }
    const blankToNull = (value: string | null) => (value?.trim() ? value.trim() : null);
    const change = {
      first_name: input.firstName.trim(),
      middle_name: blankToNull(input.middleName),
      last_name: input.lastName.trim(),
      name_prefix: blankToNull(input.namePrefix),
      name_suffix: blankToNull(input.nameSuffix),
      date_of_birth: dob,
      sex: input.sex,
    };
    const changed = (Object.keys(change) as Array<keyof typeof change>).filter(
      (key) => change[key] !== user[key],
    );
    await updateProfileFields(this.db, user.id, change, now);
    // Which fields, never their values: a date of birth is health-record data.
    await this.audit.record(context, {
      type: 'profile_updated',
      userId: user.id,
      username: user.username,
      detail: { fields: changed.join(',') },
    });
    return this.get({ ...user, ...change });
  }

  /**
   * A new password after the current one: other sessions and every trusted workstation are signed out (this
   * session stays), and the contacts on file are told.
   */
  async changePassword(
    principal: { user: UserRow; session: SessionRow },
    input: { currentPassword: string; newPassword: string },
    context: RequestContext,
  ): Promise<PasswordChanged> {
    const { user, session } = principal;
    try {
      checkPasswordRule(input.newPassword);
    } catch (error) {
      if (error instanceof AdminInputError) throw passwordRuleBroken();
      throw error;
    }
    await this.passwords.confirm(user, input.currentPassword, context);
    // A temporary password from an account manager must not become the user's own, so none may stay.
    if (input.newPassword === input.currentPassword) throw samePassword();
    let passwordHash: string;
    try {
      passwordHash = await this.hasher.hash(input.newPassword);
    } catch (error) {
      if (error instanceof HasherBusyError) throw serverBusy();
      throw error;
    }
    const now = this.clock.now();
    const revoked = await this.audit.transaction(async (tx) => {
      await setPasswordHash(tx, user.id, { passwordHash, temporaryUntil: null, unlock: false }, now);
      const result = {
        revokedSessions: await revokeSessionsOf(tx, user.id, now, session.id),
        revokedDevices: await revokeTrustedDevices(tx, user.id, now),
      };
      await this.audit.record(
        context,
        { type: 'password_changed', userId: user.id, username: user.username, detail: result },
        tx,
      );
      return result;
    });
    this.notices.notify(user, {
      subject: 'Your WRSAuth password was changed',
      text: 'Your WRSAuth password was just changed in My settings, and your other sessions and remembered workstations were signed out. If this was not you, call your account manager at once.',
    });
    return revoked;
  }

  /**
   * The banner: while 2FA is still to become mandatory (optional, or required from a future date) and the
   * user has no verified contact. With optional and no date yet, `reminder` is `no_date`.
   */
  async setup(user: UserRow): Promise<SetupStatus> {
    const now = this.clock.now();
    const practice = await findPractice(this.db, user.practice_id);
    // The mandate date is a day in the practice's time zone, as effectiveMode reads it.
    const today = todayIn(practice.time_zone, now);
    const hasVerifiedContact = user.phone !== null || user.email !== null;
    const hasAuthenticator = Boolean((await findTotpFactor(this.db, user.id))?.confirmed_at);
    const future = practice.enforce_after !== null && practice.enforce_after > today;
    const coming =
      (practice.policy_mode === 'optional' && (future || practice.enforce_after === null)) ||
      (practice.policy_mode === 'required' && future);
    const mandateDate = !hasVerifiedContact && coming && future ? practice.enforce_after : null;
    return {
      effectiveMode: effectiveMode(practice, now),
      mode: practice.policy_mode,
      enforceAfter: practice.enforce_after,
      hasVerifiedContact,
      hasAuthenticator,
      mandateDate,
      reminder: hasVerifiedContact || !coming ? 'none' : mandateDate ? 'mandate_date' : 'no_date',
    };
  }
}
