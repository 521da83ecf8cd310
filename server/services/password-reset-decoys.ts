/**
 * The targets of a password reset that send nothing, so that the start of a reset tells nobody whether a
 * User ID has an account, or how many factors it has:
 * - a reset for an unknown User ID, an inactive user, a user with nothing to send a code to, or anyone while
 *   the practice has self-service reset off, offers only these;
 * - a real user's reset offers one in place of each channel the practice allows but the user lacks.
 * Either way the targets are one per channel the practice allows (text, then email), as a user with a phone
 * and an email would see them.
 */
import { z } from 'zod';
import { type CodeSent, DeliveryTarget, ErrorCode } from '../../src/shared/api';
import { addSeconds, type Clock, secondsUntil } from '../clock';
import type { Db } from '../db/database';
import type { PasswordResetRow, PracticeRow } from '../db/schema';
import { AppError, rateLimited } from '../errors';
import { maskEmail, maskPhone } from '../masking';
import { MAX_SENDS, takeSend } from '../repositories/code-flows';
import { storeResetCode } from '../repositories/password-resets';
import { ensurePractice } from '../repositories/practices';
import { commonEmailDomain, usernameKey } from '../repositories/users';
import type { Keyring } from '../secrets';
import type { RequestContext } from './audit-log';
import { allowedFactorsOf } from './policy';
import { claiming, RESEND_COOLDOWN_SECONDS, type SendGuards } from './send-guards';

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
    private readonly guards: SendGuards,
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
   * Answers like a real send: the same checks and budgets in the same order (SendGuards: the client address,
   * a cooldown, the practice's reset texts, as if the text went), the practice's code lifetime, a provider's
   * pause, and no message. The reset then holds a code that expires like a real one but that nothing matches.
   */
  async send(reset: PasswordResetRow, target: DeliveryTarget, context: RequestContext): Promise<CodeSent> {
    const { db, clock, guards } = this;
    const now = clock.now();
    const practice = await ensurePractice(db, now);
    const channel = target.channel;
    if (channel === 'totp' || !allowedFactorsOf(practice).includes(channel)) throw invalidTarget();
    if (reset.sends >= MAX_SENDS) throw sendsExhausted(reset.expires_at, now);
    // Refusals are audited under nobody: what was typed as the User ID may be a password.
    const subject = { userId: null, username: null };
    const shown = { channel, masked: target.masked };
    await claiming(async (claim) => {
      claim(await guards.claimAddress(context, subject, shown));
      const contactKey = `decoy:${channel}:${reset.username_key}`;
      claim(await guards.claimCooldown(contactKey, context, subject, shown));
      if (channel === 'sms') {
        const budget = { id: practice.id, smsPerHour: practice.sms_per_hour };
        claim(await guards.claimPracticeSms(budget, 'password_reset', context, subject));
      }
      if (!(await takeSend(db, 'password_resets', reset.id, now)))
        throw sendsExhausted(reset.expires_at, now);
    });
    await guards.imitateDelivery();
    const expiresAt = new Date(
      Math.min(addSeconds(now, practice.code_ttl_seconds).getTime(), Date.parse(reset.expires_at)),
    );
    await storeResetCode(db, reset.id, { codeHmac: null, expiresAt, target: null }, reset.first_factor);
    return {
      channel,
      masked: target.masked,
      expiresAt: expiresAt.toISOString(),
      resendAfter: RESEND_COOLDOWN_SECONDS,
    };
  }
}
