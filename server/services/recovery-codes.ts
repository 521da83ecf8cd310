/**
 * Recovery codes: 10 single-use codes for when the phone, mailbox and authenticator app are all out of
 * reach. Shown once; the server keeps only HMACs under its key, bound to the user. Generating new ones
 * takes the current password, replaces the old codes and tells the user's contacts. Every recovery action
 * (reset 2FA, a password reset, a temporary password, deactivation) voids them, since each assumes someone
 * else may have held the account.
 */
import { randomInt } from 'node:crypto';
import type { RecoveryCodeStatus, RecoveryCodes } from '../../src/shared/api';
import {
  RECOVERY_CODE_ALPHABET as ALPHABET,
  RECOVERY_CODE_LENGTH as LENGTH,
  looksLikeRecoveryCode,
  normalizeRecoveryCode,
} from '../../src/shared/recovery-code';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import type { UserRow } from '../db/schema';
import {
  recoveryCodeSummary,
  replaceRecoveryCodes,
  spendRecoveryCode,
  unusedRecoveryCodes,
  voidRecoveryCodes,
} from '../repositories/recovery-codes';
import type { SignInUser } from '../repositories/users';
import type { Keyring } from '../secrets';
import type { AuditedTx, AuditLog, RequestContext } from './audit-log';
import type { Notifier } from './notices';
import type { PasswordCheck } from './password-check';

export { looksLikeRecoveryCode, normalizeRecoveryCode };

export const RECOVERY_CODE_COUNT = 10;

/** What a notice of a recovery action adds when it voided codes: nothing when the user had none left. */
export const codesVoided = (count: number) => (count > 0 ? ' Your recovery codes no longer work.' : '');

/** What a recovery code was used for, as the user's notice says it. */
export type RecoveryCodeUse = 'sign_in' | 'password_reset';

const USE_WORDS: Record<RecoveryCodeUse, string> = {
  sign_in: 'sign in to your WRSAuth account',
  password_reset: 'prove it is you while resetting the password of your WRSAuth account',
};

function newRecoveryCode(): string {
  const chars = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

export class RecoveryCodeService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly keyring: Keyring,
    private readonly audit: AuditLog,
    private readonly notices: Notifier,
    private readonly passwords: PasswordCheck,
  ) {}

  status(userId: string): Promise<RecoveryCodeStatus> {
    return recoveryCodeSummary(this.db, userId);
  }

  /**
   * New codes for the user, replacing the old, once `currentPassword` is theirs. A session left open at the
   * front desk must not be enough to mint codes that outlive it: a missing password is refused like a wrong
   * one (400 invalid_credentials), and both count toward the lock like a failed sign-in.
   */
  async generate(
    user: UserRow,
    currentPassword: string | undefined,
    context: RequestContext,
  ): Promise<RecoveryCodes> {
    await this.passwords.confirm(user, currentPassword ?? '', context);
    const now = this.clock.now();
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    const sealed = codes.map((code) =>
      this.keyring.sealCode('recovery', user.id, normalizeRecoveryCode(code)),
    );
    await this.audit.transaction(async (tx) => {
      const voided = await replaceRecoveryCodes(tx, user.id, sealed, now);
      await this.audit.record(
        context,
        {
          type: 'recovery_codes_generated',
          userId: user.id,
          username: user.username,
          detail: { count: codes.length, voided },
        },
        tx,
      );
    });
    // Someone with the session and the password could mint codes that outlive both: the owner must hear of it.
    this.notices.notify(user, {
      subject: 'New WRSAuth recovery codes were made',
      text: `New recovery codes were just made for your WRSAuth account (${user.username}) in My settings; any earlier ones no longer work. If this was not you, call your account manager at once.`,
    });
    return { codes, generatedAt: now.toISOString() };
  }

  /**
   * Voids every recovery code of the user inside the caller's audited transaction, so the codes end if and
   * only if the action that ends them commits. Answers how many were still unused, for the caller's audit
   * event (never the codes). Every recovery action calls it; an account's end date will too.
   */
  voidAll(tx: AuditedTx, userId: string): Promise<number> {
    return voidRecoveryCodes(tx, userId);
  }

  /** The id of the user's unused code matching the typed one, or undefined. */
  async match(userId: string, raw: string): Promise<string | undefined> {
    if (!looksLikeRecoveryCode(raw)) return undefined;
    const code = normalizeRecoveryCode(raw);
    const stored = await unusedRecoveryCodes(this.db, userId);
    return stored.find((row) => this.keyring.storedCodeMatches('recovery', userId, code, row.code_hmac))?.id;
  }

  /** Uses the code up inside the caller's transaction; false if another request used it first. */
  spend(executor: Db, id: string): Promise<boolean> {
    return spendRecoveryCode(executor, id, this.clock.now());
  }

  /** After a code was spent: audits its use and tells the user's contacts, with how many codes are left. */
  async used(user: SignInUser, context: RequestContext, use: RecoveryCodeUse = 'sign_in'): Promise<void> {
    const { remaining } = await this.status(user.id);
    await this.audit.record(context, {
      type: 'recovery_code_used',
      userId: user.id,
      username: user.username,
      detail: { remaining, ...(use !== 'sign_in' && { use }) },
    });
    this.notices.notify(user, {
      subject: 'A WRSAuth recovery code was used',
      text: `A recovery code was just used to ${USE_WORDS[use]} (${user.username}). ${remaining} ${remaining === 1 ? 'code is' : 'codes are'} left. If this was not you, tell your account manager now.`,
    });
  }
}
