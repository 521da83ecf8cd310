/**
 * The account lockout, built so that it answers nothing an attacker can use (OWASP's authentication cheat
 * sheet, with its "device cookie" defence):
 * - while a User ID is locked, every sign-in for it gets the same 423, whatever the password, which is not
 *   checked (the caller still spends a dummy hash, so time tells nothing either);
 * - a User ID that no account has locks exactly as a real one does, counted by its keyed hash;
 * - a trusted workstation's own token gets past a lock that failures without it caused, and its own failures
 *   count against that token: the tenth in a row revokes it. An attacker elsewhere cannot lock staff out of
 *   their own front desk.
 * Each lock is audited with the client's IP, and an account's contacts get one notice per lock.
 */
import { ErrorCode } from '../../src/shared/api';
import { addSeconds, type Clock, secondsUntil } from '../clock';
import type { Db } from '../db/database';
import type { UserRow } from '../db/schema';
import { AppError } from '../errors';
import { deleteEndedLocks, lockedUntil, recordKeyFailure } from '../repositories/login-failures';
import { clearDeviceFailures, recordDeviceFailure } from '../repositories/trusted-devices';
import {
  isLocked,
  LOCKOUT_THRESHOLD,
  recordFailure,
  type SignInUser,
  usernameKey,
} from '../repositories/users';
import type { Keyring } from '../secrets';
import type { AuditLog, RequestContext } from './audit-log';
import type { Notifier } from './notices';

export const LOCK_SECONDS = 15 * 60;

export const LOCK_NOTICE = {
  subject: 'Your WRSAuth account was locked',
  text: `Your WRSAuth account was locked after ${LOCKOUT_THRESHOLD} failed sign-ins. If this was not you, tell your account manager.`,
};

/** The one answer to any sign-in for a locked User ID. */
export const accountLocked = (until: string, now: Date) =>
  new AppError(
    423,
    ErrorCode.accountLocked,
    'This account is locked after too many failed attempts. Try again later, or ask your account manager to unlock it.',
    { retryAfter: secondsUntil(until, now) },
  );

/** A trusted workstation that a sign-in's token names. */
export interface PresentedDevice {
  id: string;
  name: string;
}

export class LoginLockout {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly keyring: Keyring,
    private readonly audit: AuditLog,
    private readonly notices: Notifier,
  ) {}

  /**
   * The end of the lock in force for what was typed: the account's, or, where no account has the User ID,
   * the User ID's own. The User ID's row is read either way, so both cost the same.
   */
  async lockFor(typed: string, user: UserRow | undefined): Promise<string | undefined> {
    const now = this.clock.now();
    const unknownLock = await lockedUntil(this.db, this.keyOf(typed), now);
    if (!user) return unknownLock;
    return isLocked(user, now) ? (user.locked_until ?? undefined) : undefined;
  }

  /**
   * For the sweep: forgets the unknown User IDs whose lock has run out, which count as no failure at all.
   * (Those with fewer than ten failures stay: an account's count does not decay either, and a difference
   * would tell an attacker which User IDs have accounts.) Answers how many.
   */
  forgetEndedLocks(): Promise<number> {
    return deleteEndedLocks(this.db, this.clock.now());
  }

  /**
   * Counts a failed password or code on an account, answering the count; the failure that locks it is
   * audited and noticed.
   */
  async accountFailed(user: SignInUser, context: RequestContext): Promise<number | null> {
    const now = this.clock.now();
    const after = await recordFailure(this.db, user.id, now, addSeconds(now, LOCK_SECONDS));
    if (after?.failed_attempts !== LOCKOUT_THRESHOLD || !after.locked_until)
      return after?.failed_attempts ?? null;
    await this.audit.record(context, {
      type: 'account_locked',
      userId: user.id,
      username: user.username,
      detail: { failedAttempts: after.failed_attempts, until: after.locked_until },
    });
    this.notices.notify(user, LOCK_NOTICE);
    return after.failed_attempts;
  }

  /** Counts a failed sign-in for a User ID no account has, locking it as an account would be. */
  async unknownFailed(typed: string, context: RequestContext): Promise<void> {
    const now = this.clock.now();
    const key = this.keyOf(typed);
    const after = await recordKeyFailure(this.db, key, now, addSeconds(now, LOCK_SECONDS));
    if (after.failed_attempts !== LOCKOUT_THRESHOLD || !after.locked_until) return;
    await this.audit.record(context, {
      type: 'account_locked',
      detail: { userIdHash: key, failedAttempts: after.failed_attempts, until: after.locked_until },
    });
  }

  /** Counts a failed sign-in made with a trusted workstation's token against that token alone. */
  async deviceFailed(user: UserRow, device: PresentedDevice, context: RequestContext): Promise<void> {
    if (!(await recordDeviceFailure(this.db, device.id, LOCKOUT_THRESHOLD, this.clock.now()))) return;
    await this.audit.record(context, {
      type: 'trusted_device_revoked',
      userId: user.id,
      username: user.username,
      detail: { deviceId: device.id, reason: 'failed_sign_ins', failedAttempts: LOCKOUT_THRESHOLD },
    });
  }

  deviceSucceeded(device: PresentedDevice): Promise<void> {
    return clearDeviceFailures(this.db, device.id);
  }

  /** The keyed hash a User ID is counted and audited by: never the text, which may be a mistyped password. */
  keyOf(typed: string): string {
    return this.keyring.accountKey(usernameKey(typed));
  }
}
