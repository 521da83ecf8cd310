/**
 * "Forgot your password?": User ID → the masked targets of verified contacts → a code → a new password.
 *
 * - It never bypasses the second factor: a new password needs a code sent to a verified contact, whatever
 *   the policy, and only by a factor the practice allows. A user with no verified contact cannot reset alone; the account manager helps.
 * - It tells nobody who has an account: an unknown User ID (or one with no verified contact, or inactive)
 *   gets a decoy reset with the same answers. Its one target is a text to a number picked by the server key
 *   from the User ID, so asking twice shows the same digits; sending "works" (with a provider's usual pause)
 *   and no code ever matches.
 * - Guesses are bounded three ways: 5 per reset, a 30 s cooldown per contact between codes, and 10 wrong
 *   codes per User ID in 15 minutes, counted for decoys alike.
 * - Afterwards every session and trusted workstation of the user is revoked, their recovery codes are
 *   voided, the lock is lifted, and a notice goes to each contact.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type CodeSent,
  ErrorCode,
  type PasswordResetStarted,
  type PasswordResetVerified,
} from '../../src/shared/api';
import { addSeconds, type Clock, secondsUntil } from '../clock';
import type { Db } from '../db/database';
import type { PasswordResetRow, UserRow } from '../db/schema';
import { AppError, challengeExpired, rateLimited, serverBusy, tooManyAttempts } from '../errors';
import { maskPhone } from '../masking';
import { HasherBusyError, type PasswordHasher } from '../password-hasher';
import { claimCooldown, cooldownEnd } from '../repositories/cooldowns';
import {
  findReset,
  insertReset,
  MAX_RESET_ATTEMPTS,
  markResetVerified,
  spendResetAttempt,
  storeResetCode,
  takeResetSend,
  useReset,
} from '../repositories/password-resets';
import { hit } from '../repositories/rate-limits';
import { revokeSessionsOf, revokeTrustedDevices } from '../repositories/sessions';
import { findUserByUsername, findUserWithPolicy, usernameKey } from '../repositories/users';
import { isWellFormedCode, type Keyring, newSortableId } from '../secrets';
import { AdminInputError, checkPasswordRule } from './admin';
import type { AuditLog, RequestContext } from './audit-log';
import { type CodeSender, publicTarget, RESEND_COOLDOWN_SECONDS, targetsOf } from './code-sender';
import type { Notifier } from './notices';
import { allowedFactorsOf } from './policy';
import { codesVoided, type RecoveryCodeService } from './recovery-codes';

export const RESET_TTL_SECONDS = 15 * 60;
/** Wrong reset codes one User ID may collect in a window, real account or decoy alike. */
export const RESET_FAILURES_PER_WINDOW = 10;
const FAILURE_WINDOW_SECONDS = 15 * 60;
/** A decoy's "send" takes as long as a provider usually does, so timing does not tell it apart. */
const DECOY_SEND_MS: [number, number] = [150, 600];
const DECOY_CODE_SECONDS = 600;

export interface PasswordResetDeps {
  db: Db;
  clock: Clock;
  keyring: Keyring;
  hasher: PasswordHasher;
  audit: AuditLog;
  codes: CodeSender;
  notices: Notifier;
  recoveryCodes: RecoveryCodeService;
  /** Reset requests per client address per minute (the login limit). */
  limitPerMinute: number;
}

const notVerifiedYet = () =>
  new AppError(400, ErrorCode.badRequest, 'Enter the code we sent you before choosing a new password.');

export class PasswordResetService {
  constructor(private readonly deps: PasswordResetDeps) {}

  async start(username: string, context: RequestContext): Promise<PasswordResetStarted> {
    const { db, clock, keyring, audit } = this.deps;
    await this.limitRequestsFrom(context);
    const now = clock.now();
    const found = await findUserByUsername(db, username);
    const user = found && (await findUserWithPolicy(db, found.id));
    const targets = user?.active ? this.targetsFor(user) : [];
    const decoy = !user || targets.length === 0;
    const key = usernameKey(username);
    const reset = {
      id: newSortableId(now),
      user_id: decoy ? null : user.id,
      username_key: keyring.accountKey(key),
      status: 'pending' as const,
      attempts_remaining: MAX_RESET_ATTEMPTS,
      sends: 0,
      code_hmac: null,
      code_expires_at: null,
      verified_at: null,
      created_at: now.toISOString(),
      expires_at: addSeconds(now, RESET_TTL_SECONDS).toISOString(),
    };
    await insertReset(db, reset);
    await audit.record(context, {
      type: 'password_reset_requested',
      userId: user?.id ?? null,
      username: user?.username ?? username,
      detail: {
        resetId: reset.id,
        ...(decoy ? { decoy: !user ? 'unknown_user' : !user.active ? 'inactive' : 'no_contact' } : {}),
      },
    });
    return {
      resetId: reset.id,
      targets: decoy ? [this.decoyTarget(reset)] : targets.map(publicTarget),
      expiresAt: reset.expires_at,
    };
  }

  async send(resetId: string, targetId: string, context: RequestContext): Promise<CodeSent> {
    const { db } = this.deps;
    const reset = await this.livePendingReset(resetId);
    if (!reset.user_id) return this.decoySend(reset, targetId);
    const user = await findUserWithPolicy(db, reset.user_id);
    if (!user?.active) throw challengeExpired();
    if (!this.targetsFor(user).some((target) => target.id === targetId)) {
      throw new AppError(400, ErrorCode.invalidTarget, 'Choose one of the listed places to send your code.');
    }
    return this.deps.codes.send(
      {
        id: reset.id,
        purpose: 'password_reset',
        sends: reset.sends,
        expiresAt: reset.expires_at,
        takeSend: (now) => takeResetSend(db, reset.id, now),
        storeCode: (hmac, expiresAt) => storeResetCode(db, reset.id, hmac, expiresAt),
      },
      user,
      targetId,
      context,
    );
  }

  async verify(resetId: string, rawCode: string, context: RequestContext): Promise<PasswordResetVerified> {
    const { db, clock, keyring, audit } = this.deps;
    const reset = await this.livePendingReset(resetId);
    const now = clock.now();
    const code = rawCode.replace(/[\s-]/g, '');
    if (!isWellFormedCode(code)) {
      throw new AppError(400, ErrorCode.invalidCode, 'Enter the 6 digits of the code we sent you.', {
        attemptsRemaining: reset.attempts_remaining,
      });
    }
    await this.refuseIfGuessedTooOften(reset, now, context);
    if (reset.code_hmac && reset.code_expires_at && reset.code_expires_at <= now.toISOString()) {
      throw new AppError(400, ErrorCode.codeExpired, 'This code has expired. Request another code.');
    }
    const stored = reset.code_hmac;
    if (stored && keyring.codeMatches(reset.id, code, stored) && reset.user_id) {
      if (!(await markResetVerified(db, reset.id, stored, now))) throw challengeExpired();
      await audit.record(context, {
        type: 'password_reset_verified',
        userId: reset.user_id,
        detail: { resetId: reset.id },
      });
      return { status: 'verified', expiresAt: reset.expires_at };
    }

    const spent = await spendResetAttempt(db, reset.id);
    if (!spent) throw tooManyAttempts();
    await hit(db, this.failureKey(reset), this.failureWindow(now));
    await audit.record(context, {
      type: 'password_reset_code_invalid',
      userId: reset.user_id,
      detail: { resetId: reset.id, attemptsRemaining: spent.attempts_remaining },
    });
    const left = spent.attempts_remaining;
    throw new AppError(
      400,
      ErrorCode.invalidCode,
      left > 0
        ? `That code is not right. ${left} ${left === 1 ? 'attempt' : 'attempts'} left.`
        : 'That code is not right, and no attempts are left. Please start again.',
      { attemptsRemaining: left },
    );
  }

  async setPassword(resetId: string, password: string, context: RequestContext): Promise<void> {
    const { db, clock, audit } = this.deps;
    const reset = await findReset(db, resetId);
    const now = clock.now();
    if (!reset || reset.expires_at <= now.toISOString() || reset.status === 'used') throw challengeExpired();
    if (reset.status !== 'verified' || !reset.user_id) throw notVerifiedYet();
    try {
      checkPasswordRule(password);
    } catch (error) {
      if (!(error instanceof AdminInputError)) throw error;
      throw new AppError(
        400,
        ErrorCode.passwordRule,
        'Choose a password of 8 or more characters with both letters and digits. Passwords are case-sensitive.',
      );
    }
    let passwordHash: string;
    try {
      passwordHash = await this.deps.hasher.hash(password);
    } catch (error) {
      if (error instanceof HasherBusyError) throw serverBusy();
      throw error;
    }
    const userId = reset.user_id;
    const user = await findUserWithPolicy(db, userId);
    // One transaction: the reset is used up if and only if the password changed, every session ended, the
    // recovery codes were voided and the event was written.
    const revoked = await audit.transaction(async (tx) => {
      if (!(await useReset(tx, reset.id, now))) return undefined;
      await tx
        .updateTable('users')
        .set({
          password_hash: passwordHash,
          temporary_password_until: null,
          failed_attempts: 0,
          locked_until: null,
          updated_at: now.toISOString(),
        })
        .where('id', '=', userId)
        .execute();
      const result = {
        revokedSessions: await revokeSessionsOf(tx, userId, now),
        revokedDevices: await revokeTrustedDevices(tx, userId, now),
        voidedRecoveryCodes: await this.deps.recoveryCodes.voidAll(tx, userId),
      };
      await audit.record(
        context,
        {
          type: 'password_reset_completed',
          userId,
          username: user?.username ?? null,
          detail: { resetId: reset.id, ...result },
        },
        tx,
      );
      return result;
    });
    if (!revoked) throw challengeExpired();
    if (user) {
      // In the background: a slow mail server must not hold up the person at the desk.
      this.deps.notices.notify(user, {
        subject: 'Your WRSAuth password was changed',
        text: `Your WRSAuth password was just changed with a code sent to you, and every session and remembered workstation was signed out.${codesVoided(revoked.voidedRecoveryCodes)} If this was not you, call your account manager at once.`,
      });
    }
  }

  /** The verified contacts a code may go to: only the factors the practice allows, as at sign-in. */
  private targetsFor(user: UserRow & { allowed_factors: string }) {
    const allowed = allowedFactorsOf(user);
    return targetsOf(user).filter((target) => allowed.includes(target.channel));
  }

  /** A pending, unexpired reset with attempts left. */
  private async livePendingReset(resetId: string): Promise<PasswordResetRow> {
    const reset = await findReset(this.deps.db, resetId);
    if (reset?.status !== 'pending' || reset.expires_at <= this.deps.clock.now().toISOString()) {
      throw challengeExpired();
    }
    if (reset.attempts_remaining <= 0) throw tooManyAttempts();
    return reset;
  }

  /** The decoy's one target: a text to "•••-•••-NNNN", the digits fixed by the server key and User ID. */
  private decoyTarget(reset: Pick<PasswordResetRow, 'username_key'>) {
    const digits = Buffer.from(this.deps.keyring.accountKey(`decoy\0${reset.username_key}`), 'base64url')
      .readUInt32BE(0)
      .toString()
      .slice(-4)
      .padStart(4, '0');
    return { id: 'sms', channel: 'sms' as const, masked: maskPhone(`+1202555${digits}`) };
  }

  /** Answers like a real send: the same checks, the same cooldown, a provider's pause, and no message. */
  private async decoySend(reset: PasswordResetRow, targetId: string): Promise<CodeSent> {
    const { db, clock } = this.deps;
    const target = this.decoyTarget(reset);
    if (targetId !== target.id) {
      throw new AppError(400, ErrorCode.invalidTarget, 'Choose one of the listed places to send your code.');
    }
    const now = clock.now();
    const contactKey = `decoy:${reset.username_key}`;
    const cooldownUntil = addSeconds(now, RESEND_COOLDOWN_SECONDS);
    if (!(await claimCooldown(db, contactKey, now, cooldownUntil))) {
      const retryAfter = secondsUntil((await cooldownEnd(db, contactKey)) ?? cooldownUntil, now);
      throw rateLimited(
        retryAfter,
        `A code was just sent there. You can request another in ${retryAfter} seconds.`,
      );
    }
    if (!(await takeResetSend(db, reset.id, now))) {
      throw rateLimited(
        secondsUntil(reset.expires_at, now),
        'No more codes can be sent for this password reset. Use a code you received, or start again later.',
      );
    }
    const [low, high] = DECOY_SEND_MS;
    await sleep(low + Math.random() * (high - low));
    const expiresAt = Math.min(addSeconds(now, DECOY_CODE_SECONDS).getTime(), Date.parse(reset.expires_at));
    return {
      channel: target.channel,
      masked: target.masked,
      expiresAt: new Date(expiresAt).toISOString(),
      resendAfter: RESEND_COOLDOWN_SECONDS,
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
    const row = await this.deps.db
      .selectFrom('rate_limits')
      .select(['hits', 'window_start'])
      .where('key', '=', this.failureKey(reset))
      .executeTakeFirst();
    if (!row || row.window_start !== windowStart.toISOString() || row.hits < RESET_FAILURES_PER_WINDOW)
      return;
    await this.deps.audit.record(context, {
      type: 'password_reset_rate_limited',
      userId: reset.user_id,
      detail: { resetId: reset.id },
    });
    throw rateLimited(
      secondsUntil(addSeconds(windowStart, FAILURE_WINDOW_SECONDS), now),
      'Too many wrong codes for this User ID. Please wait and try again, or ask your account manager.',
    );
  }

  private async limitRequestsFrom(context: RequestContext): Promise<void> {
    const now = this.deps.clock.now();
    const windowStart = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
    const hits = await hit(this.deps.db, `reset:${context.ip ?? 'unknown'}`, windowStart);
    if (hits > this.deps.limitPerMinute) {
      throw rateLimited(
        secondsUntil(addSeconds(windowStart, 60), now),
        'Too many password reset requests from this workstation. Please wait a moment and try again.',
      );
    }
  }
}
