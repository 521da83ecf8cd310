/**
 * "Forgot your password?": User ID → the masked targets → a code → (a second proof) → a new password.
 *
 * - One factor never takes an account that has two. A factor is what sign-in would offer: a phone or email
 *   on file on a channel the practice allows, or a confirmed authenticator app the practice allows. With two
 *   or more, the first right code answers `second_factor_required` and the password waits for a proof from
 *   another one: a code sent to it, the app's code, or a recovery code. With one, the practice's
 *   `self_service_reset` decides: `two_factors` sends the user to the account manager, `one_factor` lets the
 *   code do; `off` makes every reset a decoy from the start.
 * - It tells nobody who has an account, or how many factors, before a first right code: every reset offers
 *   one target per channel the practice allows, real or decoy (see ResetDecoys), and a decoy walks the same
 *   states with the same answers and pauses; no code ever matches it.
 * - Guesses are bounded three ways: 5 per step, a 30 s cooldown per contact between codes, and 10 wrong
 *   codes per User ID in 15 minutes, counted for decoys alike.
 * - Afterwards every session and trusted workstation of the user is revoked, their recovery codes are
 *   voided, the lock is lifted, and a notice goes to each contact.
 */
import { withinAccountDates } from '../../src/shared/account-dates';
import {
  type CodeSent,
  ErrorCode,
  type PasswordResetCode,
  type PasswordResetStarted,
  type PasswordResetVerifyResult,
} from '../../src/shared/api';
import { addSeconds, type Clock, secondsUntil } from '../clock';
import type { Db } from '../db/database';
import type { PasswordResetRow } from '../db/schema';
import { AppError, rateLimited, serverBusy } from '../errors';
import { HasherBusyError, type PasswordHasher } from '../password-hasher';
import { newPendingFlow } from '../repositories/code-flows';
import { findReset, insertReset, storeResetCode, useReset } from '../repositories/password-resets';
import { ensurePractice } from '../repositories/practices';
import { hit } from '../repositories/rate-limits';
import { revokeSessionsOf, revokeTrustedDevices } from '../repositories/sessions';
import { findUserByUsername, findUserWithPolicy, setPasswordHash, usernameKey } from '../repositories/users';
import { type Keyring, newSortableId } from '../secrets';
import { type AuditLog, type RequestContext, resetIdPrefix } from './audit-log';
import { CodeFlows } from './code-flow';
import { type CodeSender, publicTarget } from './code-sender';
import type { Notifier } from './notices';
import { decoyTargetsOf, invalidTarget, ResetDecoys } from './password-reset-decoys';
import {
  activeResetUser,
  RESET_FLOW,
  ResetProofs,
  resetOver,
  sendableTargetsOf,
} from './password-reset-proofs';
import { codesVoided, type RecoveryCodeService } from './recovery-codes';
import type { SendGuards } from './send-guards';
import { TOTP_TARGET, type TotpService } from './totp';
import { AdminInputError, checkPasswordRule } from './validators';

export const RESET_TTL_SECONDS = 15 * 60;

export interface PasswordResetDeps {
  db: Db;
  clock: Clock;
  keyring: Keyring;
  hasher: PasswordHasher;
  audit: AuditLog;
  codes: CodeSender;
  notices: Notifier;
  totp: TotpService;
  recoveryCodes: RecoveryCodeService;
  guards: SendGuards;
  /** Reset requests per client address per minute (the login limit). */
  limitPerMinute: number;
}

const ASK_ACCOUNT_MANAGER = 'Ask your account manager to reset your password.';

const notVerifiedYet = () =>
  new AppError(400, ErrorCode.badRequest, 'Enter the code we sent you before choosing a new password.');

export class PasswordResetService {
  private readonly decoys: ResetDecoys;
  private readonly proofs: ResetProofs;
  private readonly flows: CodeFlows;

  constructor(private readonly deps: PasswordResetDeps) {
    this.decoys = new ResetDecoys(deps.db, deps.clock, deps.keyring, deps.guards);
    this.proofs = new ResetProofs(deps);
    this.flows = new CodeFlows(deps);
  }

  async start(username: string, context: RequestContext): Promise<PasswordResetStarted> {
    const { db, clock, keyring, audit } = this.deps;
    await this.limitRequestsFrom(context);
    const now = clock.now();
    const practice = await ensurePractice(db, now);
    const found = await findUserByUsername(db, username);
    const user = found && (await findUserWithPolicy(db, found.id));
    const usernameHmac = keyring.accountKey(usernameKey(username));
    const decoys = await this.decoys.targetsFor(username, usernameHmac, practice);
    // Outside their start and end dates the account is as closed as a deactivated one: nothing is sent.
    const withinDates =
      user !== undefined &&
      withinAccountDates({ startDate: user.start_date, endDate: user.end_date }, user.time_zone, now);
    const own = user?.active && withinDates ? sendableTargetsOf(user).map(publicTarget) : [];
    const decoy = !user
      ? 'unknown_user'
      : !user.active
        ? 'inactive'
        : !withinDates
          ? 'outside_account_dates'
          : practice.self_service_reset === 'off'
            ? 'self_service_off'
            : own.length === 0
              ? 'no_contact'
              : undefined;
    // The user's own target where they have one; a decoy for each channel they lack.
    const targets = decoy ? decoys : decoys.map((target) => own.find((o) => o.id === target.id) ?? target);
    const reset = {
      ...newPendingFlow(newSortableId(now), now, RESET_TTL_SECONDS),
      user_id: decoy || !user ? null : user.id,
      username_key: usernameHmac,
      code_target: null,
      first_factor: null,
      second_factor: null,
      decoy_targets: JSON.stringify(targets.filter((target) => !own.includes(target))),
      verified_at: null,
    };
    await insertReset(db, reset);
    await audit.record(context, {
      type: 'password_reset_requested',
      userId: user?.id ?? null,
      username: user?.username ?? username,
      detail: { resetId: resetIdPrefix(reset.id), ...(decoy && { decoy }) },
    });
    return { resetId: reset.id, targets, expiresAt: reset.expires_at };
  }

  async send(resetId: string, targetId: string, context: RequestContext): Promise<CodeSent> {
    const { db } = this.deps;
    const reset = await this.livePendingReset(resetId);
    const decoy = decoyTargetsOf(reset).find((target) => target.id === targetId);
    if (!reset.user_id) {
      if (!decoy) throw invalidTarget();
      return this.decoys.send(reset, decoy, context);
    }
    const user = await activeResetUser(db, reset.user_id);
    const firstFactor = reset.first_factor;
    if (firstFactor === null && decoy) return this.decoys.send(reset, decoy, context);
    if (firstFactor !== null && targetId === firstFactor) {
      throw new AppError(
        409,
        ErrorCode.conflict,
        'Your first code already came from there. Choose another of your factors for the second.',
      );
    }
    if (targetId === TOTP_TARGET.id && firstFactor !== null) {
      throw new AppError(
        400,
        ErrorCode.invalidTarget,
        'The authenticator app sends nothing: type the code it shows now.',
      );
    }
    if (!sendableTargetsOf(user).some((target) => target.id === targetId)) throw invalidTarget();
    const flow = this.flows.sending(RESET_FLOW, reset, {
      storeCode: (codeHmac, expiresAt) =>
        storeResetCode(db, reset.id, { codeHmac, expiresAt, target: targetId }, firstFactor),
      // A code withheld (the phone's country, the contact's daily limit) answers as a decoy's send does.
      withhold: (expiresAt) =>
        storeResetCode(db, reset.id, { codeHmac: null, expiresAt, target: targetId }, firstFactor),
    });
    return this.deps.codes.send(flow, user, targetId, context);
  }

  async verify(
    resetId: string,
    request: PasswordResetCode,
    context: RequestContext,
  ): Promise<PasswordResetVerifyResult> {
    const reset = await this.livePendingReset(resetId);
    return reset.first_factor === null
      ? this.proofs.verifyFirst(reset, request, context)
      : this.proofs.verifySecond(reset, request, context);
  }

  async setPassword(resetId: string, password: string, context: RequestContext): Promise<void> {
    const { db, clock, audit } = this.deps;
    const reset = await findReset(db, resetId);
    const now = clock.now();
    if (!reset || reset.expires_at <= now.toISOString() || reset.status === 'used') throw resetOver();
    if (reset.status === 'refused') throw new AppError(400, ErrorCode.badRequest, ASK_ACCOUNT_MANAGER);
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
      await setPasswordHash(tx, userId, { passwordHash, temporaryUntil: null, unlock: true }, now);
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
          detail: {
            resetId: resetIdPrefix(reset.id),
            firstFactor: reset.first_factor,
            secondFactor: reset.second_factor,
            ...result,
          },
        },
        tx,
      );
      return result;
    });
    if (!revoked) throw resetOver();
    if (user) {
      // In the background: a slow mail server must not hold up the person at the desk.
      this.deps.notices.notify(user, {
        subject: 'Your WRSAuth password was changed',
        text: `Your WRSAuth password was just changed with a code sent to you, and every session and remembered workstation was signed out.${codesVoided(revoked.voidedRecoveryCodes)} If this was not you, call your account manager at once.`,
      });
    }
  }

  /** A pending, unexpired reset with attempts left. */
  private async livePendingReset(resetId: string): Promise<PasswordResetRow> {
    return this.flows.live(RESET_FLOW, await findReset(this.deps.db, resetId));
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
