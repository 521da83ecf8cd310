/**
 * Recovery codes: 10 single-use codes for when the phone, mailbox and authenticator app are all out of
 * reach. Shown once; the server keeps only HMACs under its key, bound to the user. Generating new ones
 * replaces the old.
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
  findUnusedRecoveryCode,
  recoveryCodeSummary,
  replaceRecoveryCodes,
  spendRecoveryCode,
} from '../repositories/recovery-codes';
import type { Keyring } from '../secrets';
import type { AuditLog, RequestContext } from './audit-log';
import type { Notifier } from './notices';

export { looksLikeRecoveryCode, normalizeRecoveryCode };

export const RECOVERY_CODE_COUNT = 10;

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
  ) {}

  status(userId: string): Promise<RecoveryCodeStatus> {
    return recoveryCodeSummary(this.db, userId);
  }

  async generate(user: UserRow, context: RequestContext): Promise<RecoveryCodes> {
    const now = this.clock.now();
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    const hmacs = codes.map((code) => this.keyring.recoveryCodeHmac(user.id, normalizeRecoveryCode(code)));
    await replaceRecoveryCodes(this.db, user.id, hmacs, now);
    await this.audit.record(context, {
      type: 'recovery_codes_generated',
      userId: user.id,
      username: user.username,
      detail: { count: codes.length },
    });
    return { codes, generatedAt: now.toISOString() };
  }

  /** The id of the user's unused code matching the typed one, or undefined. */
  async match(userId: string, raw: string): Promise<string | undefined> {
    if (!looksLikeRecoveryCode(raw)) return undefined;
    const hmacs = this.keyring.recoveryCodeHmacs(userId, normalizeRecoveryCode(raw));
    return (await findUnusedRecoveryCode(this.db, userId, hmacs))?.id;
  }

  /** Uses the code up inside the caller's transaction; false if another request used it first. */
  spend(executor: Db, id: string): Promise<boolean> {
    return spendRecoveryCode(executor, id, this.clock.now());
  }

  /** After a code was spent: audits its use and tells the user's contacts, with how many codes are left. */
  async used(user: UserRow, context: RequestContext, use: RecoveryCodeUse = 'sign_in'): Promise<void> {
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
