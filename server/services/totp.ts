/**
 * The authenticator-app factor (TOTP, RFC 6238, 6 digits every 30 s, through otplib). The secret is sealed
 * under the server key and shown only once, at enrollment. A code is accepted one step either side of the
 * server's time, and never twice: each accepted code moves the factor's last used time step forward.
 */
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import type { TotpEnrollment, TotpStatus } from '../../src/shared/api';
import { ErrorCode } from '../../src/shared/api';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import type { UserRow } from '../db/schema';
import { AppError } from '../errors';
import {
  claimTimeStep,
  confirmTotp,
  deleteTotp,
  findTotpFactor,
  savePendingTotp,
} from '../repositories/totp';
import { isWellFormedCode, type Keyring } from '../secrets';
import type { AuditLog, RequestContext } from './audit-log';

export const TOTP_ISSUER = 'WRSAuth';
/** One 30 s step either side, for a phone whose clock drifts a little. */
const TOLERANCE_SECONDS = 30;

/** The sign-in target of the authenticator app: no send step, nothing to mask. */
export const TOTP_TARGET = { id: 'totp', channel: 'totp', masked: 'Authenticator app' } as const;

export class TotpService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly keyring: Keyring,
    private readonly audit: AuditLog,
  ) {}

  async status(userId: string): Promise<TotpStatus> {
    const factor = await findTotpFactor(this.db, userId);
    if (!factor) return { status: 'none', confirmedAt: null };
    return factor.confirmed_at
      ? { status: 'confirmed', confirmedAt: factor.confirmed_at }
      : { status: 'pending', confirmedAt: null };
  }

  /** A new secret for the user's app; it counts only once confirmed with a code from that app. */
  async enroll(user: UserRow, context: RequestContext): Promise<TotpEnrollment> {
    const now = this.clock.now();
    const secret = generateSecret();
    const saved = await savePendingTotp(this.db, user.id, this.keyring.seal(secret, user.id), now);
    if (!saved) {
      throw new AppError(
        409,
        ErrorCode.conflict,
        'An authenticator app is already set up. Remove it first to set up another.',
      );
    }
    await this.audit.record(context, {
      type: 'totp_enrollment_started',
      userId: user.id,
      username: user.username,
    });
    const otpauthUri = generateURI({ issuer: TOTP_ISSUER, label: user.username, secret });
    const qrCodeDataUrl = await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 2 });
    return { status: 'pending', otpauthUri, secret, qrCodeDataUrl };
  }

  async confirm(user: UserRow, rawCode: string, context: RequestContext): Promise<TotpStatus> {
    const factor = await findTotpFactor(this.db, user.id);
    if (!factor) {
      throw new AppError(404, ErrorCode.notFound, 'Set up the authenticator app first, then enter its code.');
    }
    if (factor.confirmed_at) {
      throw new AppError(409, ErrorCode.conflict, 'The authenticator app is already confirmed.');
    }
    const step = await this.timeStepOf(user.id, factor.secret_sealed, rawCode, null);
    if (step === undefined) {
      throw new AppError(
        400,
        ErrorCode.invalidCode,
        'That code is not right. Enter the 6 digits your authenticator app shows now.',
      );
    }
    const now = this.clock.now();
    if (!(await confirmTotp(this.db, user.id, step, now))) {
      throw new AppError(409, ErrorCode.conflict, 'The authenticator app is already confirmed.');
    }
    await this.audit.record(context, { type: 'totp_enrolled', userId: user.id, username: user.username });
    return { status: 'confirmed', confirmedAt: now.toISOString() };
  }

  async remove(user: UserRow, context: RequestContext): Promise<void> {
    if (!(await deleteTotp(this.db, user.id))) {
      throw new AppError(404, ErrorCode.notFound, 'No authenticator app is set up.');
    }
    await this.audit.record(context, { type: 'totp_removed', userId: user.id, username: user.username });
  }

  async isConfirmed(userId: string): Promise<boolean> {
    return Boolean((await findTotpFactor(this.db, userId))?.confirmed_at);
  }

  /**
   * At sign-in or a password reset's second proof: the time step of a right code from the user's confirmed
   * app that is newer than any code used before; undefined for a wrong, replayed or badly formed code, or
   * when no app is confirmed.
   */
  async matchUnusedCode(userId: string, code: string): Promise<number | undefined> {
    const factor = await findTotpFactor(this.db, userId);
    if (!factor?.confirmed_at) return undefined;
    return this.timeStepOf(userId, factor.secret_sealed, code, factor.last_time_step);
  }

  /** Uses up the time step inside the caller's transaction; false if another request took it first. */
  claim(executor: Db, userId: string, timeStep: number): Promise<boolean> {
    return claimTimeStep(executor, userId, timeStep);
  }

  private async timeStepOf(
    userId: string,
    sealed: string,
    rawCode: string,
    lastTimeStep: number | null,
  ): Promise<number | undefined> {
    const code = rawCode.replace(/[\s-]/g, '');
    if (!isWellFormedCode(code)) return undefined;
    const secret = this.keyring.open(sealed, userId);
    if (!secret) return undefined;
    const result = await verify({
      secret,
      token: code,
      epoch: Math.floor(this.clock.now().getTime() / 1000),
      epochTolerance: TOLERANCE_SECONDS,
      ...(lastTimeStep !== null && { afterTimeStep: lastTimeStep }),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : undefined;
  }
}
