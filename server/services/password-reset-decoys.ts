/**
 * The targets of a password reset that send nothing, so that the start of a reset tells nobody whether a
 * User ID has an account, or how many factors it has:
 * - a reset for an unknown User ID, an inactive user, a user with nothing to send a code to, or anyone while
 *   the practice has self-service reset off, offers only these;
 * - a real user's reset offers one in place of each channel the practice allows but the user lacks.
 * Either way the targets are one per channel the practice allows (text, then email), as a user with a phone
 * and an email would see them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { type CodeSent, DeliveryTarget, ErrorCode } from '../../src/shared/api';
import { addSeconds, type Clock, secondsUntil } from '../clock';
import type { Db } from '../db/database';
import type { PasswordResetRow, PracticeRow } from '../db/schema';
import { AppError, rateLimited } from '../errors';
import { maskEmail, maskPhone } from '../masking';
import { MAX_SENDS } from '../repositories/challenges';
import { claimCooldown, cooldownEnd } from '../repositories/cooldowns';
import { storeResetCode, takeResetSend } from '../repositories/password-resets';
import { ensurePractice } from '../repositories/practices';
import { commonEmailDomain, usernameKey } from '../repositories/users';
import type { Keyring } from '../secrets';
import { RESEND_COOLDOWN_SECONDS } from './code-sender';
import { allowedFactorsOf } from './policy';

/** A decoy's "send" takes as long as a provider usually does, so timing does not tell it apart. */
const DECOY_SEND_MS: [number, number] = [150, 600];
/** Where a decoy email seems to go when no user of the practice has an email to copy the domain of. */
const FALLBACK_DOMAIN = 'gmail.com';

const DecoyTargets = z.array(DeliveryTarget);

export const invalidTarget = () =>
  new AppError(400, ErrorCode.invalidTarget, 'Choose one of the listed places to send your code.');

export const sendsExhausted = (expiresAt: string, now: Date) =>
  rateLimited(
    secondsUntil(expiresAt, now),
    'No more codes can be sent for this password reset. Use a code you received, or start again later.',
  );

/** The decoy targets a reset row keeps (see PasswordResetService.start). */
export function decoyTargetsOf(reset: Pick<PasswordResetRow, 'decoy_targets'>): DeliveryTarget[] {
  return reset.decoy_targets ? DecoyTargets.parse(JSON.parse(reset.decoy_targets)) : [];
}

export class ResetDecoys {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly keyring: Keyring,
  ) {}

  /**
   * One target per channel the practice allows. The text's last digits are picked by the server key from
   * the User ID, so asking twice shows the same; the email looks like the practice's own, begun with the
   * User ID, as most are.
   */
  async targetsFor(
    username: string,
    usernameHmac: string,
    practice: Pick<PracticeRow, 'allowed_factors'>,
  ): Promise<DeliveryTarget[]> {
    const allowed = allowedFactorsOf(practice);
    // Read for every reset, real or not, so that the work (and its time) is the same for all.
    const domain = (await commonEmailDomain(this.db)) ?? FALLBACK_DOMAIN;
    const targets: DeliveryTarget[] = [];
    if (allowed.includes('sms')) {
      const digits = Buffer.from(this.keyring.accountKey(`decoy\0${usernameHmac}`), 'base64url')
        .readUInt32BE(0)
        .toString()
        .slice(-4)
        .padStart(4, '0');
      targets.push({ id: 'sms', channel: 'sms', masked: maskPhone(`+1202555${digits}`) });
    }
    if (allowed.includes('email')) {
      targets.push({
        id: 'email',
        channel: 'email',
        masked: maskEmail(`${usernameKey(username)}@${domain}`),
      });
    }
    return targets;
  }

  /**
   * Answers like a real send: the same checks in the same order, the same cooldown, the practice's code
   * lifetime, a provider's pause, and no message. The reset then holds a code that expires like a real one
   * but that nothing matches.
   */
  async send(reset: PasswordResetRow, target: DeliveryTarget): Promise<CodeSent> {
    const { db, clock } = this;
    const now = clock.now();
    const practice = await ensurePractice(db, now);
    if (target.channel === 'totp' || !allowedFactorsOf(practice).includes(target.channel)) {
      throw invalidTarget();
    }
    if (reset.sends >= MAX_SENDS) throw sendsExhausted(reset.expires_at, now);
    const contactKey = `decoy:${target.channel}:${reset.username_key}`;
    const cooldownUntil = addSeconds(now, RESEND_COOLDOWN_SECONDS);
    if (!(await claimCooldown(db, contactKey, now, cooldownUntil))) {
      const retryAfter = secondsUntil((await cooldownEnd(db, contactKey)) ?? cooldownUntil, now);
      throw rateLimited(
        retryAfter,
        `A code was just sent there. You can request another in ${retryAfter} seconds.`,
      );
    }
    if (!(await takeResetSend(db, reset.id, now))) throw sendsExhausted(reset.expires_at, now);
    const [low, high] = DECOY_SEND_MS;
    await sleep(low + Math.random() * (high - low));
    const expiresAt = new Date(
      Math.min(addSeconds(now, practice.code_ttl_seconds).getTime(), Date.parse(reset.expires_at)),
    );
    await storeResetCode(db, reset.id, { codeHmac: null, expiresAt, target: null }, reset.first_factor);
    return {
      channel: target.channel,
      masked: target.masked,
      expiresAt: expiresAt.toISOString(),
      resendAfter: RESEND_COOLDOWN_SECONDS,
    };
  }
}
