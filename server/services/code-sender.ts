/**
 * Sending a one-time code to a user's verified contact, for a sign-in challenge or a password reset (or to a
 * new contact, for a contact change): the SMS country guard, the budgets of SendGuards (cooldown, client
 * address, contact, practice texts), the flow's send budget, the outbox row, bounded retries, and only then
 * the code's HMAC. One path, so every code that leaves the server passes the same checks.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { type Channel, type CodeSent, type DeliveryTarget, ErrorCode } from '../../src/shared/api';
import { addSeconds, type Clock, secondsUntil } from '../clock';
import type { Db } from '../db/database';
import type { PracticeRow, UserRow } from '../db/schema';
import { type Courier, DeliveryError, type RetryOptions, sendWithRetry } from '../delivery/courier';
import { AppError, rateLimited } from '../errors';
import { maskEmail, maskPhone } from '../masking';
import { MAX_SENDS } from '../repositories/code-flows';
import { advance, enqueue } from '../repositories/outbox';
import type { SignInUser } from '../repositories/users';
import { generateCode, type Keyring } from '../secrets';
import { type AuditLog, type RequestContext, resetIdPrefix } from './audit-log';
import { type CodePurpose, claiming, RESEND_COOLDOWN_SECONDS, type SendGuards } from './send-guards';

export { type CodePurpose, RESEND_COOLDOWN_SECONDS } from './send-guards';

/** 429 for a text to a country the practice does not allow (SMS pumping guard). */
export const SMS_COUNTRY_BLOCKED = 'sms_country_blocked';

/** A target a code is sent to: text or email, never the authenticator app. */
export interface ResolvedTarget extends Omit<DeliveryTarget, 'channel'> {
  channel: Channel;
  contact: string;
}

/** The user's verified contacts as targets. The id names the channel, never the contact. */
export function targetsOf(user: Pick<UserRow, 'phone' | 'email'>): ResolvedTarget[] {
  const targets: ResolvedTarget[] = [];
  if (user.phone)
    targets.push({ id: 'sms', channel: 'sms', masked: maskPhone(user.phone), contact: user.phone });
  if (user.email)
    targets.push({ id: 'email', channel: 'email', masked: maskEmail(user.email), contact: user.email });
  return targets;
}

export const publicTarget = ({ id, channel, masked }: ResolvedTarget): DeliveryTarget => ({
  id,
  channel,
  masked,
});

export const CHANNEL_WORDS: Record<Channel, string> = { sms: 'a text message', email: 'an email' };

const FLOW_WORDS: Record<CodePurpose, string> = {
  sign_in: 'sign-in',
  password_reset: 'password reset',
  contact_change: 'contact change',
};
const FLOW_ID_NAMES: Record<CodePurpose, string> = {
  sign_in: 'challengeId',
  password_reset: 'resetId',
  contact_change: 'changeId',
};
/** What each flow calls its code, in the message and in the answers about it. */
export const CODE_NOUNS: Record<CodePurpose, string> = {
  sign_in: 'verification code',
  password_reset: 'password reset code',
  contact_change: 'confirmation code',
};

/** The sign-in challenge or password reset a code is for. */
export interface CodeFlow {
  /** Binds the code's HMAC and names the outbox row. */
  id: string;
  purpose: CodePurpose;
  sends: number;
  expiresAt: string;
  /** Takes one of the flow's sends (one conditional UPDATE); false when none is left. */
  takeSend(now: Date): Promise<boolean>;
  /** Keeps the new code's HMAC, sent by `channel`; earlier codes stop working. */
  storeCode(hmac: string, expiresAt: Date, channel: Channel): Promise<void>;
  /**
   * Given by a flow that must not tell who has an account (a password reset): a refusal only a real contact
   * can meet (its country is not allowed, or it has had its codes for the day) then answers as a decoy's send
   * does, after the same budgets and pause, and this keeps a code that expires like one but that nothing
   * matches. Without it, those refusals are 429s.
   */
  withhold?(expiresAt: Date): Promise<void>;
}

/** A user with the practice policy their codes follow (see findUserWithPolicy). */
export type CodeUser = SignInUser & Pick<PracticeRow, 'code_ttl_seconds' | 'sms_per_hour' | 'sms_countries'>;

export interface CodeSenderDeps {
  db: Db;
  clock: Clock;
  keyring: Keyring;
  couriers: Record<Channel, Courier>;
  audit: AuditLog;
  guards: SendGuards;
  retry?: RetryOptions;
}

export class CodeSender {
  constructor(private readonly deps: CodeSenderDeps) {}

  /** Sends to one of the user's verified contacts, named by target id. */
  async send(flow: CodeFlow, user: CodeUser, targetId: string, context: RequestContext): Promise<CodeSent> {
    const target = targetsOf(user).find((t) => t.id === targetId);
    if (!target) {
      throw new AppError(400, ErrorCode.invalidTarget, 'Choose one of the listed places to send your code.');
    }
    return this.sendTo(flow, user, target, context);
  }

  /**
   * Sends to a given contact with the same guards. Only a contact change passes a contact that is not on
   * file: the code proves the user holds the new contact before it becomes a target.
   */
  async sendTo(
    flow: CodeFlow,
    user: CodeUser,
    target: ResolvedTarget,
    context: RequestContext,
  ): Promise<CodeSent> {
    const { db, clock, keyring, audit, guards } = this.deps;
    const now = clock.now();
    const subject = { userId: user.id, username: user.username };
    const sendsExhausted = () =>
      rateLimited(
        secondsUntil(flow.expiresAt, now),
        `No more codes can be sent for this ${FLOW_WORDS[flow.purpose]}. Use a code you received, or start again later.`,
      );
    if (flow.sends >= MAX_SENDS) throw sendsExhausted();

    let withheld = false;
    if (target.channel === 'sms' && !this.countryAllowed(user, target)) {
      await audit.record(context, {
        type: 'sms_country_blocked',
        ...subject,
        detail: { masked: target.masked, ...(flow.withhold && { withheld: true }) },
      });
      if (!flow.withhold) {
        throw new AppError(
          429,
          SMS_COUNTRY_BLOCKED,
          `This practice does not send text messages to ${target.masked}. Choose email instead.`,
        );
      }
      withheld = true;
    }

    // In this order, each given back when a later one refuses, so a refused send costs no budget.
    const contactKey = keyring.contactKey(target.channel, target.contact);
    const endCooldown = await claiming(async (claim) => {
      // Sends a person asks for before they are signed in; a contact change comes from a signed-in session.
      if (flow.purpose !== 'contact_change') claim(await guards.claimAddress(context, subject, target));
      const cooldown = await guards.claimCooldown(contactKey, context, subject, target);
      claim(cooldown);
      if (!withheld) {
        const contact = await guards.claimContact(contactKey, flow.purpose, context, subject, target);
        if ('release' in contact) claim(contact.release);
        else if (flow.withhold) withheld = true;
        else throw contact.refusal;
      }
      if (target.channel === 'sms') {
        const practice = { id: user.practice_id, smsPerHour: user.sms_per_hour };
        claim(await guards.claimPracticeSms(practice, flow.purpose, context, subject));
      }
      if (!(await flow.takeSend(now))) throw sendsExhausted();
      return cooldown;
    });

    const ttl = user.code_ttl_seconds;
    const codeExpiresAt = new Date(
      Math.min(addSeconds(now, ttl).getTime(), new Date(flow.expiresAt).getTime()),
    );
    const sent: CodeSent = {
      channel: target.channel,
      masked: target.masked,
      expiresAt: codeExpiresAt.toISOString(),
      resendAfter: RESEND_COOLDOWN_SECONDS,
    };
    if (withheld && flow.withhold) {
      await guards.imitateDelivery();
      await flow.withhold(codeExpiresAt);
      return sent;
    }

    const code = generateCode();
    const courier = this.deps.couriers[target.channel];
    const outboxId = await enqueue(
      db,
      {
        challenge_id: flow.id,
        user_id: user.id,
        channel: target.channel,
        masked_target: target.masked,
        provider: courier.provider,
      },
      now,
    );
    try {
      const receipt = await sendWithRetry(
        courier,
        {
          channel: target.channel,
          to: target.contact,
          subject: `Your WRSAuth ${CODE_NOUNS[flow.purpose]}`,
          text: `Your WRSAuth ${CODE_NOUNS[flow.purpose]} is ${code}. It expires in ${Math.round(ttl / 60)} minutes. Never share it; WRSAuth staff will never ask for it.`,
          outboxId,
        },
        this.deps.retry,
      );
      await advance(
        db,
        outboxId,
        { status: receipt.status, providerMessageId: receipt.providerMessageId ?? null },
        clock.now(),
      );
    } catch (error) {
      const failure = error instanceof DeliveryError ? error : undefined;
      await advance(db, outboxId, { status: 'failed', errorCode: failure?.code ?? 'error' }, clock.now());
      // The cooldown only: the user may try again at once, but the text was attempted, so it still counts.
      await endCooldown();
      const reason = failure?.message ?? 'delivery error';
      await audit.record(context, {
        type: 'code_delivery_failed',
        userId: user.id,
        username: user.username,
        detail: { channel: target.channel, masked: target.masked, reason },
      });
      const other = targetsOf(user).find((t) => t.channel !== target.channel);
      const suggestion =
        flow.purpose === 'contact_change'
          ? ' Check it and try again.'
          : other
            ? ` Try ${CHANNEL_WORDS[other.channel]} to ${other.masked} instead.`
            : ' Try again.';
      throw new AppError(
        502,
        ErrorCode.deliveryFailed,
        `We could not send ${CHANNEL_WORDS[target.channel]} to ${target.masked}.${suggestion}`,
      );
    }
    await flow.storeCode(keyring.codeHmac(flow.id, code), codeExpiresAt, target.channel);
    await audit.record(context, {
      type: 'code_sent',
      userId: user.id,
      username: user.username,
      detail: {
        [FLOW_ID_NAMES[flow.purpose]]: flow.purpose === 'password_reset' ? resetIdPrefix(flow.id) : flow.id,
        channel: target.channel,
        masked: target.masked,
      },
    });
    return sent;
  }

  /** SMS pumping guard, part one: texts go only to the country calling codes the practice allows. */
  private countryAllowed(user: Pick<PracticeRow, 'sms_countries'>, target: ResolvedTarget): boolean {
    const allowed = user.sms_countries?.split(',').map((code) => code.trim());
    if (!allowed) return true;
    const country = parsePhoneNumberFromString(target.contact)?.countryCallingCode;
    return country !== undefined && allowed.includes(country);
  }
}
