/**
 * The proofs of a password reset: the first code, which must have been sent to one of the user's own
 * targets, and for a user with two or more factors a second proof from another one: a code sent there, the
 * authenticator app's code (no replay), or a recovery code (used up, audited, the user told). A code for the
 * factor already proven never counts as the second. Every wrong code costs an attempt and counts against the
 * User ID, decoy or not.
 */
import {
  type DeliveryTarget,
  ErrorCode,
  type PasswordResetCode,
  type PasswordResetVerifyResult,
} from '../../src/shared/api';
import { addSeconds, type Clock, secondsUntil } from '../clock';
import type { Db } from '../db/database';
import type { PasswordResetRow, UserRow } from '../db/schema';
import { AppError, challengeExpired, rateLimited, tooManyAttempts, wrongCode } from '../errors';
import {
  findReset,
  markFirstProof,
  markResetRefused,
  markResetVerified,
  spendResetAttempt,
} from '../repositories/password-resets';
import { hit, hitsSoFar } from '../repositories/rate-limits';
import { findUserWithPolicy } from '../repositories/users';
import { isWellFormedCode, type Keyring } from '../secrets';
import { type AuditLog, type RequestContext, resetIdPrefix } from './audit-log';
import { publicTarget, targetsOf } from './code-sender';
import { allowedFactorsOf } from './policy';
import { looksLikeRecoveryCode, type RecoveryCodeService } from './recovery-codes';
import { TOTP_TARGET, type TotpService } from './totp';

/** Wrong reset codes one User ID may collect in a window, real account or decoy alike. */
export const RESET_FAILURES_PER_WINDOW = 10;
const FAILURE_WINDOW_SECONDS = 15 * 60;

/** A user with the practice policy their reset follows. */
export type ResetUser = NonNullable<Awaited<ReturnType<typeof findUserWithPolicy>>>;

/** What the second proof was, and what it uses up with the reset (an app's time step, a recovery code). */
interface SecondProof {
  factor: string;
  /** For a sent code: the code the reset must still hold. */
  codeHmac?: string;
  claim?(tx: Db): Promise<boolean>;
}

/** Thrown inside the verifying transaction to roll it back when the proof's factor was used meanwhile. */
class FactorTaken extends Error {}

/** The contacts a code may go to: only on the channels the practice allows, as at sign-in. */
export function sendableTargetsOf(user: UserRow & { allowed_factors: string }) {
  const allowed = allowedFactorsOf(user);
  return targetsOf(user).filter((target) => allowed.includes(target.channel));
}

/** The user's factors as sign-in offers them: the allowed contacts, and the app once confirmed. */
async function factorsOf(user: ResetUser, totp: TotpService): Promise<DeliveryTarget[]> {
  const factors: DeliveryTarget[] = sendableTargetsOf(user).map(publicTarget);
  if (allowedFactorsOf(user).includes('totp') && (await totp.isConfirmed(user.id))) {
    factors.push({ ...TOTP_TARGET });
  }
  return factors;
}

/** The reset's user, while active; a reset of a user deactivated meanwhile has ended. */
export async function activeResetUser(db: Db, userId: string): Promise<ResetUser> {
  const user = await findUserWithPolicy(db, userId);
  if (!user?.active) throw challengeExpired();
  return user;
}

export interface ResetProofDeps {
  db: Db;
  clock: Clock;
  keyring: Keyring;
  audit: AuditLog;
  totp: TotpService;
  recoveryCodes: RecoveryCodeService;
}

export class ResetProofs {
  constructor(private readonly deps: ResetProofDeps) {}

  /** The first code: it must be the one sent to one of the user's own targets. */
  async verifyFirst(
    reset: PasswordResetRow,
    request: PasswordResetCode,
    context: RequestContext,
  ): Promise<PasswordResetVerifyResult> {
    const now = this.deps.clock.now();
    if (request.targetId === TOTP_TARGET.id) {
      throw new AppError(
        400,
        ErrorCode.invalidTarget,
        'Enter the code we sent you first. The authenticator app can be your second proof.',
      );
    }
    const code = request.code.replace(/[\s-]/g, '');
    if (!isWellFormedCode(code)) {
      throw new AppError(400, ErrorCode.invalidCode, 'Enter the 6 digits of the code we sent you.', {
        attemptsRemaining: reset.attempts_remaining,
      });
    }
    await this.refuseIfGuessedTooOften(reset, now, context);
    this.refuseExpiredCode(reset, now);
    const { code_hmac: stored, code_target: factor, user_id: userId } = reset;
    if (userId && stored && factor && this.deps.keyring.codeMatches(reset.id, code, stored)) {
      return this.firstProof(reset, userId, stored, factor, context);
    }
    return this.wrongCode(reset, now, context);
  }

  /** A right first code: on to a second proof, straight to a new password, or to the account manager. */
  private async firstProof(
    reset: PasswordResetRow,
    userId: string,
    codeHmac: string,
    factor: string,
    context: RequestContext,
  ): Promise<PasswordResetVerifyResult> {
    const { db, clock, audit } = this.deps;
    const user = await activeResetUser(this.deps.db, userId);
    const who = { userId: user.id, username: user.username };
    const others = (await factorsOf(user, this.deps.totp)).filter((target) => target.id !== factor);
    const policy = user.self_service_reset;
    if (policy !== 'off' && others.length > 0) {
      if (!(await markFirstProof(db, reset.id, codeHmac, factor))) throw challengeExpired();
      await audit.record(context, {
        type: 'password_reset_first_factor_verified',
        ...who,
        detail: { resetId: resetIdPrefix(reset.id), factor, others: others.length },
      });
      return { status: 'second_factor_required', targets: others };
    }
    if (policy === 'one_factor') {
      const factors = { first: factor, second: null };
      if (!(await markResetVerified(db, reset.id, { firstFactor: null, codeHmac }, factors, clock.now()))) {
        throw challengeExpired();
      }
      await audit.record(context, {
        type: 'password_reset_verified',
        ...who,
        detail: { resetId: resetIdPrefix(reset.id), firstFactor: factor, secondFactor: null },
      });
      return { status: 'verified', expiresAt: reset.expires_at };
    }
    // One factor under two_factors, or self-service reset turned off since this reset began.
    if (!(await markResetRefused(db, reset.id, codeHmac, factor))) throw challengeExpired();
    await audit.record(context, {
      type: 'password_reset_refused',
      ...who,
      detail: {
        resetId: resetIdPrefix(reset.id),
        factor,
        reason: policy === 'off' ? 'self_service_off' : 'one_factor',
      },
    });
    return { status: 'account_manager_required' };
  }

  /** The second proof: another factor's code, the app's code, or a recovery code; never the first factor. */
  async verifySecond(
    reset: PasswordResetRow,
    request: PasswordResetCode,
    context: RequestContext,
  ): Promise<PasswordResetVerifyResult> {
    const { db, clock, audit } = this.deps;
    const now = clock.now();
    const firstFactor = reset.first_factor;
    if (!reset.user_id || firstFactor === null) throw challengeExpired();
    const user = await activeResetUser(this.deps.db, reset.user_id);
    const proof = await this.secondProofOf(reset, user, request, now, context);
    if (proof) {
      const outcome = await audit
        .transaction(async (tx) => {
          const proven = { firstFactor, codeHmac: proof.codeHmac };
          const factors = { first: firstFactor, second: proof.factor };
          if (!(await markResetVerified(tx, reset.id, proven, factors, now))) return 'lost' as const;
          if (proof.claim && !(await proof.claim(tx))) throw new FactorTaken();
          await audit.record(
            context,
            {
              type: 'password_reset_verified',
              userId: user.id,
              username: user.username,
              detail: { resetId: resetIdPrefix(reset.id), firstFactor, secondFactor: proof.factor },
            },
            tx,
          );
          return 'verified' as const;
        })
        .catch((error: unknown) => {
          if (error instanceof FactorTaken) return 'taken' as const;
          throw error;
        });
      if (outcome === 'verified') {
        if (proof.factor === 'recovery_code') {
          await this.deps.recoveryCodes.used(user, context, 'password_reset');
        }
        return { status: 'verified', expiresAt: reset.expires_at };
      }
      if (outcome === 'lost') {
        throw (await findReset(db, reset.id))?.attempts_remaining === 0
          ? tooManyAttempts()
          : challengeExpired();
      }
      // The app's code or the recovery code was used by a parallel request: a wrong code, then.
    }
    return this.wrongCode(reset, now, context);
  }

  /**
   * What the typed code proves as a second factor, if anything: a recovery code (by its shape), the app's
   * code (`targetId: "totp"`, or no target while no code was sent for this step), or the code sent for this
   * step to a factor other than the first. A code of the wrong shape costs no attempt.
   */
  private async secondProofOf(
    reset: PasswordResetRow,
    user: ResetUser,
    request: PasswordResetCode,
    now: Date,
    context: RequestContext,
  ): Promise<SecondProof | undefined> {
    const { keyring, totp, recoveryCodes } = this.deps;
    if (looksLikeRecoveryCode(request.code)) {
      await this.refuseIfGuessedTooOften(reset, now, context);
      const codeId = await recoveryCodes.match(user.id, request.code);
      return codeId ? { factor: 'recovery_code', claim: (tx) => recoveryCodes.spend(tx, codeId) } : undefined;
    }
    const code = request.code.replace(/[\s-]/g, '');
    if (!isWellFormedCode(code)) {
      throw new AppError(
        400,
        ErrorCode.invalidCode,
        'Enter the 6 digits of your second code, or one of your recovery codes.',
        { attemptsRemaining: reset.attempts_remaining },
      );
    }
    await this.refuseIfGuessedTooOften(reset, now, context);
    const byApp =
      request.targetId === TOTP_TARGET.id || (request.targetId === undefined && reset.code_target === null);
    if (byApp) {
      if (!allowedFactorsOf(user).includes('totp')) return undefined;
      const step = await totp.matchUnusedCode(user.id, code);
      return step === undefined
        ? undefined
        : { factor: 'totp', claim: (tx) => totp.claim(tx, user.id, step) };
    }
    this.refuseExpiredCode(reset, now);
    const { code_hmac: stored, code_target: factor } = reset;
    // A code for the factor already proven never counts as the second.
    if (!stored || !factor || factor === reset.first_factor) return undefined;
    if (!sendableTargetsOf(user).some((target) => target.id === factor)) return undefined;
    return keyring.codeMatches(reset.id, code, stored) ? { factor, codeHmac: stored } : undefined;
  }

  /** Spends an attempt and counts a failure for the User ID; always throws. */
  private async wrongCode(reset: PasswordResetRow, now: Date, context: RequestContext): Promise<never> {
    const { db, audit } = this.deps;
    const spent = await spendResetAttempt(db, reset.id);
    if (!spent) throw tooManyAttempts();
    await hit(db, this.failureKey(reset), this.failureWindow(now));
    await audit.record(context, {
      type: 'password_reset_code_invalid',
      userId: reset.user_id,
      detail: { resetId: resetIdPrefix(reset.id), attemptsRemaining: spent.attempts_remaining },
    });
    throw wrongCode(spent.attempts_remaining, 'Please start again.');
  }

  /** A sent code (or a decoy's "sent" one) past its lifetime. */
  private refuseExpiredCode(reset: PasswordResetRow, now: Date): void {
    if (reset.code_expires_at && reset.code_expires_at <= now.toISOString()) {
      throw new AppError(400, ErrorCode.codeExpired, 'This code has expired. Request another code.');
    }
  }

  private failureKey(reset: Pick<PasswordResetRow, 'username_key'>): string {
    return `reset-fail:${reset.username_key}`;
  }

  private failureWindow(now: Date): Date {
    const windowMs = FAILURE_WINDOW_SECONDS * 1000;
    return new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  }

  /** Past 10 wrong codes for one User ID in the window, no code is checked until it ends. */
  private async refuseIfGuessedTooOften(reset: PasswordResetRow, now: Date, context: RequestContext) {
    const windowStart = this.failureWindow(now);
    const hits = await hitsSoFar(this.deps.db, this.failureKey(reset), windowStart);
    if (hits < RESET_FAILURES_PER_WINDOW) return;
    await this.deps.audit.record(context, {
      type: 'password_reset_rate_limited',
      userId: reset.user_id,
      detail: { resetId: resetIdPrefix(reset.id) },
    });
    throw rateLimited(
      secondsUntil(addSeconds(windowStart, FAILURE_WINDOW_SECONDS), now),
      'Too many wrong codes for this User ID. Please wait and try again, or ask your account manager.',
    );
  }
}
