/**
 * Adding, changing and removing a user's cell phone or email, by the user (My settings) or by an account
 * manager on their behalf. One path for both:
 *
 * - A new contact is parsed (phones with libphonenumber-js, default country US) and held in a pending
 *   change, sealed under the server key. A code goes to the NEW contact through CodeSender (the same
 *   cooldown, SMS guards, outbox and retries as sign-in), stored only as an HMAC, 5 attempts, ≤10 minutes.
 * - Only a right code puts it on the users row, and so makes it a sign-in or password-reset target. An
 *   account manager may instead mark it `set_by_admin`, which applies at once and notifies the new contact.
 * - The contacts on file before the change are told (masked, never the full new contact).
 */
import {
  type ContactApplied,
  type ContactChannel,
  type ContactCodeSent,
  type ContactSetBy,
  ErrorCode,
} from '../../src/shared/api';
import { addSeconds, type Clock, secondsUntil } from '../clock';
import type { Db } from '../db/database';
import type { ContactChangeRow, UserRow } from '../db/schema';
import type { PhoneLookup } from '../delivery/twilio-lookup';
import { AppError, rateLimited } from '../errors';
import { maskEmail, maskPhone } from '../masking';
import { newPendingFlow } from '../repositories/code-flows';
import {
  findContactChange,
  insertContactChange,
  replacePendingChanges,
  setContact,
} from '../repositories/contact-changes';
import { cooldownEnd, releaseCooldown } from '../repositories/cooldowns';
import { findPractice } from '../repositories/practices';
import { hit } from '../repositories/rate-limits';
import { findTotpFactor } from '../repositories/totp';
import { findUserById, findUserWithPolicy } from '../repositories/users';
import { type Keyring, newSortableId } from '../secrets';
import type { AuditLog, RequestContext } from './audit-log';
import { type Attempt, type CodeFlowKind, CodeFlows } from './code-flow';
import type { CodeSender } from './code-sender';
import type { Notifier } from './notices';
import type { PasswordCheck } from './password-check';
import { allowedFactorsOf, effectiveMode } from './policy';
import { type SentCodeProver, sentCodeProver } from './provers';
import { AdminInputError, normalizeEmail, normalizePhone } from './validators';

/** A pending change lives 10 minutes (NIST's longest code life). */
export const CONTACT_CHANGE_TTL_SECONDS = 10 * 60;
/** Changes one user may start in an hour: each sends a code to a contact not yet proven. */
export const CONTACT_CHANGES_PER_HOUR = 10;

const CONTACT_WORDS: Record<ContactChannel, string> = { sms: 'cell phone', email: 'email address' };

export interface ContactServiceDeps {
  db: Db;
  clock: Clock;
  keyring: Keyring;
  audit: AuditLog;
  codes: CodeSender;
  notices: Notifier;
  passwords: PasswordCheck;
  lookup?: PhoneLookup;
}

/** Whose change it is and who may finish it: the user themselves, or an account manager for that user. */
interface ChangeScope {
  userId: string;
  method: ContactChangeRow['method'];
}

const changeOver = () =>
  new AppError(
    410,
    ErrorCode.challengeExpired,
    'This change has expired or was already finished. Please start again.',
  );

/** A contact change's code flow, in the words of a change. */
const CONTACT_CHANGE_FLOW: CodeFlowKind = {
  table: 'contact_changes',
  purpose: 'contact_change',
  words: { over: changeOver, startOver: 'Please start again.', tooManyAttempts: 'Please start again.' },
};

export class ContactService {
  private readonly flows: CodeFlows;
  /** A change takes one factor: the code sent to the new contact. */
  private readonly sentCode: SentCodeProver;

  constructor(private readonly deps: ContactServiceDeps) {
    this.flows = new CodeFlows(deps);
    this.sentCode = sentCodeProver(deps);
  }

  /** My settings: asks for the current password, then sends a code to the new contact. */
  async startOwn(
    user: UserRow,
    input: { channel: ContactChannel; value: string; currentPassword: string },
    context: RequestContext,
  ): Promise<ContactCodeSent> {
    const contact = this.parse(input.channel, input.value);
    await this.deps.passwords.confirm(user, input.currentPassword, context);
    return this.start(user, user, { ...contact, channel: input.channel, method: 'self' }, context);
  }

  /** An account manager: a code to the new contact, which the user reads out to them. */
  async startForUser(
    admin: UserRow,
    userId: string,
    input: { channel: ContactChannel; value: string; reason: string },
    context: RequestContext,
  ): Promise<ContactCodeSent> {
    const user = await this.requireUser(userId);
    const contact = this.parse(input.channel, input.value);
    return this.start(
      user,
      admin,
      { ...contact, channel: input.channel, method: 'admin_code', reason: input.reason },
      context,
    );
  }

  async resend(changeId: string, scope: ChangeScope, context: RequestContext): Promise<ContactCodeSent> {
    const change = await this.livePending(changeId, scope);
    const contact = this.deps.keyring.open(change.value_sealed, change.id);
    if (!contact) throw changeOver();
    return this.sendCode(change, contact, [], context);
  }

  async verify(
    changeId: string,
    scope: ChangeScope,
    rawCode: string,
    context: RequestContext,
  ): Promise<ContactApplied> {
    const { clock, keyring, audit } = this.deps;
    const change = await this.livePending(changeId, scope);
    const attempt: Attempt = {
      kind: CONTACT_CHANGE_FLOW,
      flow: change,
      context,
      wrongCode: (attemptsRemaining) =>
        audit.record(context, {
          type: 'contact_code_invalid',
          userId: change.user_id,
          detail: { changeId: change.id, attemptsRemaining },
        }),
    };
    const proof = await this.sentCode.prove(attempt, rawCode);
    const contact = keyring.open(change.value_sealed, change.id);
    if (!proof || !contact) return this.flows.refuse(attempt);
    const user = await this.requireUser(change.user_id);
    const setBy: ContactSetBy = change.method === 'self' ? 'user_code' : 'admin_code';
    const by = change.method === 'admin_code' ? await this.usernameOf(change.requested_by) : undefined;
    const now = clock.now();
    await this.flows.settle(attempt, proof, {
      onSuccess: async (tx) => {
        await setContact(tx, change.user_id, change.channel, contact, setBy, now);
        await audit.record(
          context,
          {
            type: 'contact_changed',
            userId: user.id,
            username: user.username,
            detail: {
              changeId: change.id,
              channel: change.channel,
              masked: change.masked,
              setBy,
              replaced: this.onFile(user, change.channel) !== null,
              ...(by !== undefined && { by }),
            },
          },
          tx,
        );
      },
    });
    await this.endCooldownOf(change.channel, contact);
    this.noticeToOldContacts(user, change.channel, change.masked);
    return { status: 'applied', channel: change.channel, masked: change.masked, setBy, warnings: [] };
  }

  /** An account manager puts the contact on file at once, marked set by admin; new and old contacts hear of it. */
  async setForUser(
    admin: UserRow,
    userId: string,
    input: { channel: ContactChannel; value: string; reason: string },
    context: RequestContext,
  ): Promise<ContactApplied> {
    const { clock, audit, notices } = this.deps;
    const before = await this.requireUser(userId);
    const contact = this.parse(input.channel, input.value);
    const warnings = await this.warningsFor(input.channel, contact.value);
    const now = clock.now();
    await audit.transaction(async (tx) => {
      await replacePendingChanges(tx, before.id, input.channel);
      await setContact(tx, before.id, input.channel, contact.value, 'set_by_admin', now);
      await audit.record(
        context,
        {
          type: 'contact_set_by_admin',
          userId: before.id,
          username: before.username,
          detail: {
            channel: input.channel,
            masked: contact.masked,
            replaced: this.onFile(before, input.channel) !== null,
            by: admin.username,
            reason: input.reason,
          },
        },
        tx,
      );
    });
    const word = CONTACT_WORDS[input.channel];
    notices.notify(
      {
        id: before.id,
        phone: input.channel === 'sms' ? contact.value : null,
        email: input.channel === 'email' ? contact.value : null,
      },
      {
        subject: `Your ${word} on WRSAuth was set by your account manager`,
        text: `Your account manager set this ${word} on your WRSAuth account; sign-in codes may now come here. If you did not ask for this, call your account manager at once.`,
      },
    );
    this.noticeToOldContacts(before, input.channel, contact.masked);
    return {
      status: 'applied',
      channel: input.channel,
      masked: contact.masked,
      setBy: 'set_by_admin',
      warnings,
    };
  }

  /**
   * My settings: removes a contact after the current password. Refused while the practice requires 2FA and
   * it is the last factor the practice allows that the user has.
   */
  async removeOwn(
    user: UserRow,
    channel: ContactChannel,
    currentPassword: string,
    context: RequestContext,
  ): Promise<void> {
    const { db, clock, audit, notices } = this.deps;
    const current = this.onFile(user, channel);
    if (!current)
      throw new AppError(404, ErrorCode.notFound, `There is no ${CONTACT_WORDS[channel]} on file.`);
    await this.deps.passwords.confirm(user, currentPassword, context);
    const now = clock.now();
    const practice = await findPractice(db, user.practice_id);
    if (effectiveMode(practice, now) === 'required') {
      const allowed = allowedFactorsOf(practice);
      const left =
        (channel !== 'sms' && user.phone !== null && allowed.includes('sms')) ||
        (channel !== 'email' && user.email !== null && allowed.includes('email')) ||
        (allowed.includes('totp') && Boolean((await findTotpFactor(db, user.id))?.confirmed_at));
      if (!left) {
        throw new AppError(
          409,
          ErrorCode.conflict,
          `Your practice requires 2FA, and your ${CONTACT_WORDS[channel]} is the last way you can get a code. Add another way first.`,
        );
      }
    }
    const masked = channel === 'sms' ? maskPhone(current) : maskEmail(current);
    await audit.transaction(async (tx) => {
      await replacePendingChanges(tx, user.id, channel);
      await setContact(tx, user.id, channel, null, null, now);
      await audit.record(
        context,
        { type: 'contact_removed', userId: user.id, username: user.username, detail: { channel, masked } },
        tx,
      );
    });
    const word = CONTACT_WORDS[channel];
    notices.notify(user, {
      subject: `Your ${word} was removed from WRSAuth`,
      text: `The ${word} ${masked} was removed from your WRSAuth account; codes no longer go there. If this was not you, call your account manager at once.`,
    });
  }

  private async start(
    user: UserRow,
    requester: UserRow,
    input: {
      channel: ContactChannel;
      value: string;
      masked: string;
      method: ContactChangeRow['method'];
      reason?: string;
    },
    context: RequestContext,
  ): Promise<ContactCodeSent> {
    const { db, clock, keyring, audit } = this.deps;
    if (this.onFile(user, input.channel)?.toLowerCase() === input.value.toLowerCase()) {
      throw new AppError(
        409,
        ErrorCode.conflict,
        `That is already the ${CONTACT_WORDS[input.channel]} on file.`,
      );
    }
    const now = clock.now();
    await this.limitChangesOf(user, requester, now);
    const warnings = await this.warningsFor(input.channel, input.value);
    const id = newSortableId(now);
    const change: ContactChangeRow = {
      ...newPendingFlow(id, now, CONTACT_CHANGE_TTL_SECONDS),
      user_id: user.id,
      channel: input.channel,
      value_sealed: keyring.seal(input.value, id),
      masked: input.masked,
      method: input.method,
      requested_by: requester.id,
    };
    await db.transaction().execute(async (tx) => {
      await replacePendingChanges(tx, user.id, input.channel);
      await insertContactChange(tx, change);
    });
    await audit.record(context, {
      type: 'contact_change_started',
      userId: user.id,
      username: user.username,
      detail: {
        changeId: id,
        channel: input.channel,
        masked: input.masked,
        method: input.method,
        ...(input.method === 'admin_code' && { by: requester.username, reason: input.reason }),
      },
    });
    return this.sendCode(change, input.value, warnings, context);
  }

  private async sendCode(
    change: ContactChangeRow,
    contact: string,
    warnings: string[],
    context: RequestContext,
  ): Promise<ContactCodeSent> {
    const { db } = this.deps;
    const user = await findUserWithPolicy(db, change.user_id);
    if (!user) throw changeOver();
    const sent = await this.deps.codes.sendTo(
      this.flows.sending(CONTACT_CHANGE_FLOW, change),
      user,
      { id: change.channel, channel: change.channel, masked: change.masked, contact },
      context,
    );
    return {
      status: 'code_sent',
      changeId: change.id,
      channel: change.channel,
      masked: change.masked,
      expiresAt: sent.expiresAt,
      resendAfter: sent.resendAfter,
      warnings,
    };
  }

  /** A pending, unexpired change in this scope with attempts left; another user's change is "not found". */
  private async livePending(changeId: string, scope: ChangeScope): Promise<ContactChangeRow> {
    const change = await findContactChange(this.deps.db, changeId);
    if (!change || change.user_id !== scope.userId || change.method !== scope.method) {
      throw new AppError(404, ErrorCode.notFound, 'No such contact change.');
    }
    return this.flows.live(CONTACT_CHANGE_FLOW, change);
  }

  private parse(channel: ContactChannel, raw: string): { value: string; masked: string } {
    try {
      if (channel === 'sms') {
        const value = normalizePhone(raw);
        return { value, masked: maskPhone(value) };
      }
      const value = normalizeEmail(raw);
      return { value, masked: maskEmail(value) };
    } catch (error) {
      if (!(error instanceof AdminInputError)) throw error;
      throw new AppError(
        400,
        ErrorCode.badRequest,
        channel === 'sms'
          ? 'That is not a valid cell phone number. Enter it with its area code, e.g. (202) 555-0123.'
          : 'That is not a valid email address.',
      );
    }
  }

  private async warningsFor(channel: ContactChannel, value: string): Promise<string[]> {
    if (channel !== 'sms' || !this.deps.lookup) return [];
    const warning = await this.deps.lookup.warningFor(value);
    return warning ? [warning] : [];
  }

  /** At most 10 changes started per user per clock hour, whoever starts them. */
  private async limitChangesOf(user: UserRow, requester: UserRow, now: Date): Promise<void> {
    const hourStart = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
    const started = await hit(this.deps.db, `contact-change:${user.id}`, hourStart);
    if (started > CONTACT_CHANGES_PER_HOUR) {
      const who = requester.id === user.id ? 'your account' : 'this user';
      throw rateLimited(
        secondsUntil(addSeconds(hourStart, 3600), now),
        `Too many contact changes for ${who} in the last hour. Please try again later.`,
      );
    }
  }

  /** The contacts on file before the change hear of it: masked, never the full new contact. */
  private noticeToOldContacts(before: UserRow, channel: ContactChannel, masked: string): void {
    const word = CONTACT_WORDS[channel];
    const old = this.onFile(before, channel);
    this.deps.notices.notify(before, {
      subject: old ? `Your ${word} on WRSAuth was changed` : `A ${word} was added to WRSAuth`,
      text: old
        ? `The ${word} on your WRSAuth account was changed to ${masked}; codes will no longer go to the old one. If this was not you, call your account manager at once.`
        : `The ${word} ${masked} was added to your WRSAuth account; codes may now go there. If this was not you, call your account manager at once.`,
    });
  }

  /**
   * The contact is proven and its code used: the resend cooldown its code started has done its job, so the
   * user can sign in with the new contact at once ("add a phone, then sign in with it").
   */
  private async endCooldownOf(channel: ContactChannel, contact: string): Promise<void> {
    const key = this.deps.keyring.contactKey(channel, contact);
    const until = await cooldownEnd(this.deps.db, key);
    if (until) await releaseCooldown(this.deps.db, key, new Date(until));
  }

  private onFile(user: Pick<UserRow, 'phone' | 'email'>, channel: ContactChannel): string | null {
    return channel === 'sms' ? user.phone : user.email;
  }

  private async requireUser(userId: string): Promise<UserRow> {
    const user = await findUserById(this.deps.db, userId);
    if (!user) throw new AppError(404, ErrorCode.notFound, 'No such user.');
    return user;
  }

  private async usernameOf(userId: string): Promise<string | null> {
    return (await findUserById(this.deps.db, userId))?.username ?? null;
  }
}
