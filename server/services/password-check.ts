/**
 * "Enter your current password" before a security change in My settings (password, contacts, authenticator
 * app). A wrong password counts as a failed attempt, as at sign-in, so a session left open at the front desk
 * cannot be used to guess it: the tenth failure in a row locks the account for 15 minutes.
 */
import { ErrorCode } from '../../src/shared/api';
import { addSeconds, type Clock, secondsUntil } from '../clock';
import type { Db } from '../db/database';
import type { UserRow } from '../db/schema';
import { AppError, serverBusy } from '../errors';
import { HasherBusyError, type PasswordHasher } from '../password-hasher';
import { isLocked, recordFailure } from '../repositories/users';
import type { AuditLog, RequestContext } from './audit-log';
import { LOCK_SECONDS } from './auth';

export const wrongCurrentPassword = () =>
  new AppError(400, ErrorCode.invalidCredentials, 'Your current password is not right.');

export class PasswordCheck {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditLog,
  ) {}

  /** Resolves when `password` is the user's; else counts a failure and throws. */
  async confirm(user: UserRow, password: string, context: RequestContext): Promise<void> {
    const now = this.clock.now();
    if (isLocked(user, now)) {
      throw new AppError(
        423,
        ErrorCode.accountLocked,
        'This account is locked after too many failed attempts. Try again later, or ask your account manager to unlock it.',
        { retryAfter: secondsUntil(user.locked_until as string, now) },
      );
    }
    let ok: boolean;
    try {
      ok = await this.hasher.verify(user.password_hash, password);
    } catch (error) {
      if (error instanceof HasherBusyError) throw serverBusy();
      throw error;
    }
    if (ok) return;
    const after = await recordFailure(this.db, user.id, now, addSeconds(now, LOCK_SECONDS));
    await this.audit.record(context, {
      type: 'password_recheck_failed',
      userId: user.id,
      username: user.username,
      detail: { failedAttempts: after?.failed_attempts ?? null },
    });
    if (after?.locked_until && isLocked(after, now)) {
      await this.audit.record(context, {
        type: 'account_locked',
        userId: user.id,
        username: user.username,
        detail: { failedAttempts: after.failed_attempts, until: after.locked_until },
      });
    }
    throw wrongCurrentPassword();
  }
}
