/**
 * The proofs of a password reset, on the code-flow module (see code-flow.ts) with the provers sign-in uses:
 * the first code, which must have been sent to one of the user's own targets, and for a user with two or
 * more factors a second proof from another one: a code sent there, the authenticator app's code (no
 * replay), or a recovery code (used up, audited, the user told). A code for the factor already proven never
 * counts as the second. Every wrong code costs an attempt and counts against the User ID, decoy or not.
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
import { AppError, rateLimited } from '../errors';
import { endReset, markFirstProof } from '../repositories/password-resets';
import { hit, hitsSoFar } from '../repositories/rate-limits';
import { findUserWithPolicy } from '../repositories/users';
import type { Keyring } from '../secrets';
import { type AuditLog, type RequestContext, resetIdPrefix } from './audit-log';
import { type Attempt, type CodeFlowKind, CodeFlows } from './code-flow';
import { publicTarget, targetsOf } from './code-sender';
import { allowedFactorsOf } from './policy';
import {
  appProver,
  type Factor,
  factorOf,
  type Prover,
  recoveryCodeProver,
  type SentCodeProof,
  type SentCodeProver,
  sentCodeProver,
} from './provers';
import type { RecoveryCodeService } from './recovery-codes';
import { TOTP_TARGET, type TotpService } from './totp';

/** A reset that was used, has expired, or whose user was deactivated meanwhile: start again. */
export const resetOver = () =>
  new AppError(
    410,
    ErrorCode.challengeExpired,
    'This password reset has expired or was already used. Please start again.',
  );

/** A password reset's code flow, in the words of a reset. */
export const RESET_FLOW: CodeFlowKind = {
  table: 'password_resets',
  purpose: 'password_reset',
  words: { over: resetOver, startOver: 'Please start again.', tooManyAttempts: 'Please start again.' },
};

/** The factors a second proof may be: another contact's code, the app, a recovery code (not a bypass code). */
type SecondFactor = Exclude<Factor, 'bypass_code'>;

/** Wrong reset codes one User ID may collect in a window, real account or decoy alike. */
export const RESET_FAILURES_PER_WINDOW = 10;
const FAILURE_WINDOW_SECONDS = 15 * 60;

/** A user with the practice policy their reset follows. */
export type ResetUser = NonNullable<Awaited<ReturnType<typeof findUserWithPolicy>>>;

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
  if (!user?.active) throw resetOver();
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
  private readonly flows: CodeFlows;
  private readonly sentCode: SentCodeProver;
  private readonly secondProvers: Record<SecondFactor, Prover>;

  constructor(private readonly deps: ResetProofDeps) {
    this.flows = new CodeFlows(deps);
    this.sentCode = sentCodeProver(deps);
    this.secondProvers = {
      code: this.sentCode,
      totp: appProver(deps.totp),
      recovery_code: recoveryCodeProver(deps.recoveryCodes, 'password_reset'),
    };
  }

  /** The first code: it must be the one sent to one of the user's own targets. */
  async verifyFirst(
    reset: PasswordResetRow,
    request: PasswordResetCode,
    context: RequestContext,
  ): Promise<PasswordResetVerifyResult> {
    if (request.targetId === TOTP_TARGET.id) {
      throw new AppError(
        400,
        ErrorCode.invalidTarget,
        'Enter the code we sent you first. The authenticator app can be your second proof.',
      );
    }
    const attempt = this.attemptOf(reset, context);
    const proof = await this.sentCode.prove(attempt, request.code);
    const { code_target: factor, user_id: userId } = reset;
    // A decoy's reset holds no code, so nothing matches it.
    if (!proof || !userId || !factor) return this.flows.refuse(attempt);
    return this.firstProof(attempt, proof, userId, factor);
  }

  /** A right first code: on to a second proof, straight to a new password, or to the account manager. */
  private async firstProof(
    attempt: Attempt<PasswordResetRow>,
    proof: SentCodeProof,
    userId: string,
    factor: string,
  ): Promise<PasswordResetVerifyResult> {
    const { clock, audit } = this.deps;
    const { flow: reset, context } = attempt;
    const now = clock.now();
    const codeHmac = proof.codeHmac;
    const user = await activeResetUser(this.deps.db, userId);
    const who = { userId: user.id, username: user.username };
    const resetId = resetIdPrefix(reset.id);
    const others = (await factorsOf(user, this.deps.totp)).filter((target) => target.id !== factor);
    const policy = user.self_service_reset;
    if (policy !== 'off' && others.length > 0) {
      return this.flows.settle(attempt, proof, {
        advance: (tx) => markFirstProof(tx, reset.id, codeHmac, factor, now),
        onSuccess: async (tx) => {
          const detail = { resetId, factor, others: others.length };
          await audit.record(context, { type: 'password_reset_first_factor_verified', ...who, detail }, tx);
          return { status: 'second_factor_required', targets: others };
        },
      });
    }
    // One factor is enough under one_factor; under two_factors, or with self-service reset turned off since
    // this reset began, the user must ask the account manager.
    const to = policy === 'one_factor' ? 'verified' : 'refused';
    return this.flows.settle(attempt, proof, {
      advance: (tx) =>
        endReset(tx, reset.id, { to, firstFactor: null, codeHmac, now }, { first: factor, second: null }),
      onSuccess: async (tx): Promise<PasswordResetVerifyResult> => {
        if (to === 'verified') {
          const detail = { resetId, firstFactor: factor, secondFactor: null };
          await audit.record(context, { type: 'password_reset_verified', ...who, detail }, tx);
          return { status: 'verified', expiresAt: reset.expires_at };
        }
        const detail = { resetId, factor, reason: policy === 'off' ? 'self_service_off' : 'one_factor' };
        await audit.record(context, { type: 'password_reset_refused', ...who, detail }, tx);
        return { status: 'account_manager_required' };
      },
    });
  }

  /**
   * The second proof: a recovery code (by its shape), the app's code (`targetId: "totp"`, or no target while
   * no code was sent for this step), or the code sent for this step to a factor other than the first.
   */
  async verifySecond(
    reset: PasswordResetRow,
    request: PasswordResetCode,
    context: RequestContext,
  ): Promise<PasswordResetVerifyResult> {
    const { clock, audit } = this.deps;
    const firstFactor = reset.first_factor;
    if (!reset.user_id || firstFactor === null) throw resetOver();
    const user = await activeResetUser(this.deps.db, reset.user_id);
    const attempt = this.attemptOf(
      reset,
      context,
      'the 6 digits of your second code, or one of your recovery codes',
    );
    const prover =
      this.secondProvers[factorOf(request, this.secondProvers, reset.code_target === null ? 'totp' : 'code')];
    const proof = await prover.prove(attempt, request.code, user);
    // A sent code proves the factor it went to: never the one already proven, and only one still sendable.
    const second = proof?.factor === 'code' ? reset.code_target : proof?.factor;
    const sendable =
      proof?.factor !== 'code' || sendableTargetsOf(user).some((target) => target.id === second);
    if (!proof || !second || second === firstFactor || !sendable) return this.flows.refuse(attempt);
    const now = clock.now();
    return this.flows.settle(attempt, proof, {
      advance: (tx) =>
        endReset(
          tx,
          reset.id,
          { to: 'verified', firstFactor, codeHmac: proof.codeHmac, now },
          { first: firstFactor, second },
        ),
      onSuccess: async (tx) => {
        const detail = { resetId: resetIdPrefix(reset.id), firstFactor, secondFactor: second };
        await audit.record(
          context,
          { type: 'password_reset_verified', userId: user.id, username: user.username, detail },
          tx,
        );
        return { status: 'verified', expiresAt: reset.expires_at };
      },
    });
  }

  /** A verify request against the reset: every guess counts against the User ID, decoy or not. */
  private attemptOf(
    reset: PasswordResetRow,
    context: RequestContext,
    asked?: string,
  ): Attempt<PasswordResetRow> {
    const { db, clock, audit } = this.deps;
    const now = clock.now();
    return {
      kind: RESET_FLOW,
      flow: reset,
      context,
      asked,
      beforeGuess: () => this.refuseIfGuessedTooOften(reset, now, context),
      wrongCode: async (attemptsRemaining) => {
        await hit(db, this.failureKey(reset), this.failureWindow(now));
        await audit.record(context, {
          type: 'password_reset_code_invalid',
          userId: reset.user_id,
          detail: { resetId: resetIdPrefix(reset.id), attemptsRemaining },
        });
      },
    };
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
