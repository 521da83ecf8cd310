/**
 * The sign-in flow: password, then a 6-digit code sent to a masked target the user picks.
 * Routes call this; it calls the repositories. Every refusal is an AppError with a stable code.
 */

import {
  type Authenticated,
  type CodeSent,
  type DeliveryStatus,
  type DeliveryTarget,
  ErrorCode,
  type LoginRequest,
  type LoginResponse,
  type VerifyCodeRequest,
} from '../../src/shared/api';
import { addSeconds, type Clock, secondsUntil } from '../clock';
import type { Db } from '../db/database';
import type { ChallengeRow, PracticeRow, UserRow } from '../db/schema';
import { AppError, challengeExpired, invalidCredentials, rateLimited, serverBusy } from '../errors';
import { HasherBusyError, type PasswordHasher } from '../password-hasher';
import { createChallenge, findChallengeWithUser, storeChallengeCode } from '../repositories/challenges';
import { newPendingFlow } from '../repositories/code-flows';
import { findPractice } from '../repositories/practices';
import { hit } from '../repositories/rate-limits';
import { clearFailures, findUserWithTimeZone, isLocked, type SignInUser } from '../repositories/users';
import { type Keyring, newSortableId } from '../secrets';
import type { AccountEnds } from './account-ends';
import type { AuditedTx, AuditLog, RequestContext } from './audit-log';
import { amrOf, type SignInMethod } from './authentication-methods';
import { type Attempt, type CodeFlowKind, CodeFlows } from './code-flow';
import { type CodeSender, publicTarget, targetsOf } from './code-sender';
import type { DeliveryTracker } from './delivery-status';
import type { GuidedRecoveryService } from './guided-recovery';
import { accountLocked, type LoginLockout } from './lockout';
import { allowedFactorsOf, effectiveMode, idleLockMinutesOf, rememberDaysOf } from './policy';
import {
  appProver,
  bypassCodeProver,
  type Factor,
  factorOf,
  type Prover,
  recoveryCodeProver,
  sentCodeProver,
} from './provers';
import type { RecoveryCodeService } from './recovery-codes';
import type { SessionService } from './sessions';
import { TOTP_TARGET, type TotpService } from './totp';

export const CHALLENGE_TTL_SECONDS = 15 * 60;

export interface AuthServiceDeps {
  db: Db;
  clock: Clock;
  keyring: Keyring;
  hasher: PasswordHasher;
  audit: AuditLog;
  sessions: SessionService;
  delivery: DeliveryTracker;
  codes: CodeSender;
  loginLimitPerMinute: number;
  totp: TotpService;
  recoveryCodes: RecoveryCodeService;
  lockout: LoginLockout;
  /** One-time codes from guided recovery (`targetId: "bypass"`). */
  bypassCodes: Pick<GuidedRecoveryService, 'hasLiveBypass' | 'match' | 'spend' | 'used'>;
  /** Start and end dates: sign-in outside them answers as a wrong password does. */
  accountEnds: Pick<AccountEnds, 'within'>;
}

/** A sign-in's code flow: the challenge, in the words of signing in. */
export const SIGN_IN_FLOW: CodeFlowKind = {
  table: 'challenges',
  purpose: 'sign_in',
  words: {
    over: challengeExpired,
    startOver: 'Please sign in again.',
    tooManyAttempts: 'Please sign in again to get a new code.',
  },
};

export class AuthService {
  private readonly flows: CodeFlows;
  /** One prover per second factor a challenge takes. */
  private readonly provers: Record<Factor, Prover>;

  constructor(private readonly deps: AuthServiceDeps) {
    this.flows = new CodeFlows(deps);
    this.provers = {
      code: sentCodeProver(deps),
      totp: appProver(deps.totp),
      recovery_code: recoveryCodeProver(deps.recoveryCodes, 'sign_in'),
      bypass_code: bypassCodeProver(deps.bypassCodes),
    };
  }

  async login(request: LoginRequest, context: RequestContext): Promise<LoginResponse> {
    const { db, clock, audit } = this.deps;
    // Refuse at once under overload, before any database work, the same way for every user.
    if (this.deps.hasher.saturated) throw serverBusy();
    await this.limitLoginsFrom(context);
    const { lockout } = this.deps;
    // The user and their practice's time zone in one query, so sign-in does no more before its lock check.
    const found = await findUserWithTimeZone(db, { username: request.username });
    const user = found?.user;
    const now = clock.now();
    // Before the start date or after the end date (in the practice's time zone) the account is as closed
    // as to a wrong password, and its trusted workstations vouch for nothing.
    const withinDates = !found || this.deps.accountEnds.within(found.user, found.timeZone);
    // A live trusted-workstation token of this user gets past a lock that failures without it caused.
    const device =
      user && request.deviceToken && withinDates
        ? await this.deps.sessions.deviceFor(user.id, request.deviceToken)
        : undefined;
    const lock = device ? undefined : await lockout.lockFor(request.username, user);
    if (lock) {
      // The same answer whatever the password, which is not checked; the dummy hash makes it cost the same.
      await this.checkPassword(undefined, request.password);
      await audit.record(context, {
        type: 'login_blocked_locked',
        userId: user?.id,
        username: user?.username,
        ...(!user && { detail: { userIdHash: lockout.keyOf(request.username) } }),
      });
      throw accountLocked(lock, now);
    }
    const passwordOk = await this.checkPassword(user, request.password);
    if (!user || !passwordOk || !user.active || !withinDates) {
      const reason = !user
        ? 'unknown_user'
        : !user.active
          ? 'inactive'
          : !passwordOk
            ? 'wrong_password'
            : 'outside_account_dates';
      // For a deactivated account, or outside its dates, a right password counts as a wrong one, so the lock
      // that ten of them bring does not tell the two apart either.
      const failed = !passwordOk || !withinDates || !user?.active;
      if (!user) await lockout.unknownFailed(request.username, context);
      else if (failed && device) await lockout.deviceFailed(user, device, context);
      else if (failed) await lockout.accountFailed(user, context);
      await audit.record(context, {
        type: 'login_failed',
        userId: user?.id,
        username: user?.username,
        detail: {
          reason,
          // What was typed is never kept: it may be a password typed into the User ID field.
          ...(!user && { userIdHash: lockout.keyOf(request.username) }),
          ...(device && { deviceId: device.id }),
        },
      });
      throw invalidCredentials();
    }
    if (device) await lockout.deviceSucceeded(device);
    if (user.temporary_password_until && user.temporary_password_until <= now.toISOString()) {
      await audit.record(context, {
        type: 'login_failed',
        userId: user.id,
        username: user.username,
        detail: { reason: 'temporary_password_expired' },
      });
      throw new AppError(
        403,
        ErrorCode.passwordExpired,
        'Your temporary password has expired. Your account manager can give you a new one.',
      );
    }

    const practice = await findPractice(db, user.practice_id);
    if (device) {
      await this.deps.sessions.deviceUsed(device.id);
      await audit.record(context, {
        type: 'trusted_device_used',
        userId: user.id,
        username: user.username,
        detail: { deviceId: device.id },
      });
      return this.signIn(user, practice, context, { method: 'trusted_device' });
    }
    const mode = effectiveMode(practice, now);
    // An account manager with a factor on file is asked for it whatever the policy: the console needs it.
    // So is anyone whose application asked for a second factor: the login prompt says so.
    if (mode === 'off' && user.role !== 'admin' && request.requireSecondFactor !== true) {
      return this.signIn(user, practice, context, { method: 'password' });
    }

    const allowed = allowedFactorsOf(practice);
    const targets: DeliveryTarget[] = targetsOf(user)
      .filter((target) => allowed.includes(target.channel))
      .map(publicTarget);
    if (allowed.includes('totp') && (await this.deps.totp.isConfirmed(user.id)))
      targets.push({ ...TOTP_TARGET });
    // A user with no factor but a live bypass code from guided recovery gets a challenge to type it into.
    const bypassOnly = targets.length === 0 && (await this.deps.bypassCodes.hasLiveBypass(user.id));
    if (targets.length === 0 && !bypassOnly) {
      if (mode === 'required') {
        await audit.record(context, {
          type: 'enrollment_required',
          userId: user.id,
          username: user.username,
        });
        throw new AppError(
          403,
          ErrorCode.enrollmentRequired,
          'Your practice requires a verification code, but there is no cell phone or email on your account. Your account manager will be available to assist you.',
        );
      }
      return {
        ...(await this.signIn(user, practice, context, { method: 'password' })),
        setupRecommended: true,
      };
    }

    const challenge: ChallengeRow = {
      ...newPendingFlow(newSortableId(now), now, CHALLENGE_TTL_SECONDS),
      user_id: user.id,
      code_channel: null,
    };
    await createChallenge(db, challenge);
    await audit.record(context, {
      type: 'challenge_created',
      userId: user.id,
      username: user.username,
      detail: {
        challengeId: challenge.id,
        policy: mode,
        ...(bypassOnly && { bypassOnly }),
        ...(request.requireSecondFactor === true && { requestedByApplication: true }),
      },
    });
    return {
      status: 'challenge',
      challengeId: challenge.id,
      targets,
      expiresAt: challenge.expires_at,
      ...rememberDaysOf(practice),
    };
  }

  async sendCode(challengeId: string, targetId: string, context: RequestContext): Promise<CodeSent> {
    const { challenge, user } = await this.liveChallenge(challengeId);
    // Only the factors the practice allows; the authenticator app has no send step.
    if (!targetsOf(user).some((t) => t.id === targetId && allowedFactorsOf(user).includes(t.channel))) {
      throw new AppError(400, ErrorCode.invalidTarget, 'Choose one of the listed places to send your code.');
    }
    const sending = this.flows.sending(SIGN_IN_FLOW, challenge, {
      storeCode: (codeHmac, expiresAt, channel) =>
        storeChallengeCode(this.deps.db, challenge.id, { codeHmac, expiresAt, channel }),
    });
    return this.deps.codes.send(sending, user, targetId, context);
  }

  /** What became of the latest code sent for a live challenge; 404 before the first send. */
  async deliveryStatus(challengeId: string): Promise<DeliveryStatus> {
    const { challenge, user } = await this.liveChallenge(challengeId);
    const row = await this.deps.delivery.lastForChallenge(challenge.id);
    if (!row) {
      throw new AppError(404, ErrorCode.notFound, 'No code has been sent for this sign-in yet.');
    }
    const other = targetsOf(user).find((t) => t.channel !== row.channel);
    return this.deps.delivery.describe(row, other && { channel: other.channel, masked: other.masked });
  }

  async verifyCode(
    challengeId: string,
    request: VerifyCodeRequest,
    context: RequestContext,
  ): Promise<Authenticated> {
    const { audit } = this.deps;
    const { challenge, user } = await this.liveChallenge(challengeId);
    const who = { userId: user.id, username: user.username };
    const attempt: Attempt = {
      kind: SIGN_IN_FLOW,
      flow: challenge,
      context,
      codeExpired: () => audit.record(context, { type: 'code_expired', ...who, detail: { challengeId } }),
      wrongCode: async (attemptsRemaining) => {
        await this.deps.lockout.accountFailed(user, context);
        await audit.record(context, {
          type: attemptsRemaining === 0 ? 'challenge_exhausted' : 'code_invalid',
          ...who,
          detail: { challengeId, attemptsRemaining },
        });
      },
    };
    const proof = await this.provers[factorOf(request, this.provers)].prove(attempt, request.code, user);
    if (!proof) return this.flows.refuse(attempt);
    // The challenge holds the code sent last, and where that code went.
    const channel = proof.factor === 'code' ? (challenge.code_channel ?? undefined) : undefined;
    const rememberDays = user.remember_days;
    const policy = { idle_lock_minutes: user.idle_lock_minutes };
    const deviceName = request.deviceName ?? context.userAgent?.slice(0, 100) ?? 'Workstation';
    const detail = { method: proof.factor, challengeId, ...(channel && { channel }) };
    // One transaction: the challenge is used up if and only if the session (and device) exist.
    return this.flows.settle(attempt, proof, {
      onSuccess: async (tx) => {
        // A bypass code is a one-off: it never makes a workstation trusted.
        if (!request.rememberDevice || rememberDays === 0 || proof.factor === 'bypass_code')
          return this.signIn(user, policy, context, detail, tx);
        const deviceToken = await this.deps.sessions.rememberDevice(user.id, deviceName, rememberDays, tx);
        await audit.record(
          context,
          { type: 'trusted_device_created', ...who, detail: { name: deviceName, days: rememberDays } },
          tx,
        );
        const session = await this.signIn(user, policy, context, detail, tx);
        return { ...session, deviceToken };
      },
    });
  }

  /** A pending, unexpired challenge with attempts left and its active user: one read. */
  private async liveChallenge(challengeId: string) {
    const { db, clock } = this.deps;
    const found = await findChallengeWithUser(db, challengeId);
    const challenge = this.flows.live(SIGN_IN_FLOW, found?.challenge);
    const user = found?.user;
    if (!user?.active) throw challengeExpired();
    // An end date that passed while the challenge was open closes it, as a deactivation does.
    if (!this.deps.accountEnds.within(user, user.time_zone)) throw challengeExpired();
    // A lock reached while a challenge is open (say, by password guessing elsewhere) stops codes too.
    if (isLocked(user, clock.now())) throw accountLocked(user.locked_until as string, clock.now());
    return { challenge, user };
  }

  /**
   * Starts a session; clearing the failure count, the session and its audit record commit together. The
   * answer carries the practice's idle lock, which the client enforces.
   */
  private signIn(
    user: SignInUser,
    policy: Pick<PracticeRow, 'idle_lock_minutes'>,
    context: RequestContext,
    detail: { method: SignInMethod; challengeId?: string; channel?: 'sms' | 'email' },
    tx?: AuditedTx,
  ): Promise<Authenticated> {
    const run = async (executor: AuditedTx): Promise<Authenticated> => {
      // A trusted workstation got past the count, so it leaves it alone: a lock an attacker caused stays.
      // A count that was clean when this sign-in read the user needs no write (most sign-ins): a failure
      // that lands meanwhile, from another request, stays counted, which errs on the side of the lock.
      const counted = user.failed_attempts > 0 || user.locked_until !== null;
      if (detail.method !== 'trusted_device' && counted) await clearFailures(executor, user.id);
      const session = await this.deps.sessions.start(user, executor, amrOf(detail.method, detail.channel));
      await this.deps.audit.record(
        context,
        { type: 'login_succeeded', userId: user.id, username: user.username, detail },
        executor,
      );
      return {
        status: 'authenticated',
        ...session,
        idleLockMinutes: idleLockMinutesOf(policy),
        // The temporary password got the user this far; it is good only for choosing their own.
        ...(user.temporary_password_until !== null && { passwordChangeRequired: true }),
      };
    };
    return tx ? run(tx) : this.deps.audit.transaction(run);
  }

  /** Unknown users cost one argon2 computation too, so neither time nor answer tells who exists. */
  private async checkPassword(user: UserRow | undefined, password: string): Promise<boolean> {
    try {
      return user
        ? await this.deps.hasher.verify(user.password_hash, password)
        : await this.deps.hasher.verifyAgainstDummy(password);
    } catch (error) {
      if (error instanceof HasherBusyError) throw serverBusy();
      throw error;
    }
  }

  private async limitLoginsFrom(context: RequestContext): Promise<void> {
    const now = this.deps.clock.now();
    const windowStart = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
    const hits = await hit(this.deps.db, `login:${context.ip ?? 'unknown'}`, windowStart);
    if (hits > this.deps.loginLimitPerMinute) {
      if (hits === this.deps.loginLimitPerMinute + 1) {
        await this.deps.audit.record(context, {
          type: 'login_rate_limited',
          detail: { limit: this.deps.loginLimitPerMinute },
        });
      }
      throw rateLimited(
        secondsUntil(addSeconds(windowStart, 60), now),
        'Too many sign-in attempts from this workstation. Please wait a moment and try again.',
      );
    }
  }
}
