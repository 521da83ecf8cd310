/**
 * "Enter your current password" before a security change in My settings (password, contacts, authenticator
 * app). A wrong password counts as a failed attempt, as at sign-in, so a session left open at the front desk
 * cannot be used to guess it: the tenth failure in a row locks the account for 15 minutes.
 */
import { ErrorCode } from '../../src/shared/api';
import type { Clock } from '../clock';
import type { UserRow } from '../db/schema';
import { AppError, serverBusy } from '../errors';
import { HasherBusyError, type PasswordHasher } from '../password-hasher';
import { isLocked } from '../repositories/users';
import type { AuditLog, RequestContext } from './audit-log';
import { accountLocked, type LoginLockout } from './lockout';

export const wrongCurrentPassword = () =>
  new AppError(400, ErrorCode.invalidCredentials, 'Your current password is not right.');

export class PasswordCheck {
  constructor(
    private readonly clock: Clock,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditLog,
    private readonly lockout: LoginLockout,
  ) {}

  /** Resolves when `password` is the user's; else counts a failure and throws. */
  async confirm(user: UserRow, password: string, context: RequestContext): Promise<void> {
    const now = this.clock.now();
    if (isLocked(user, now)) throw accountLocked(user.locked_until as string, now);
    let ok: boolean;
    try {
      ok = await this.hasher.verify(user.password_hash, password);
    } catch (error) {
      if (error instanceof HasherBusyError) throw serverBusy();
      throw error;
    }
    if (ok) return;
    const failedAttempts = await this.lockout.accountFailed(user, context);
    await this.audit.record(context, {
      type: 'password_recheck_failed',
      userId: user.id,
      username: user.username,
      detail: { failedAttempts },
    });
    throw wrongCurrentPassword();
  }
}
