/**
 * Guided recovery for a locked-out user: the account manager works through the practice's identity
 * checklist, gives a reason, and reads a one-time bypass code to the user. The code lives at most 15
 * minutes, signs in once, is kept only as an HMAC, and a new one voids the old. The user's contacts and the
 * other account managers are told.
 */
import { randomInt } from 'node:crypto';
import {
  BYPASS_CODE_ALPHABET,
  BYPASS_CODE_LENGTH,
  type BypassIssued,
  ErrorCode,
  looksLikeBypassCode,
  normalizeBypassCode,
  RecoveryChecklist,
  type RecoveryChecklistItem,
  type RecoveryChecklistUpdate,
} from '../../src/shared/api';
import { addSeconds, type Clock } from '../clock';
import type { Db } from '../db/database';
import type { UserRow } from '../db/schema';
import { AppError } from '../errors';
import { maskEmail, maskPhone } from '../masking';
import {
  liveBypassCodes,
  replaceBypassCode,
  spendBypassCode,
  usersWithLiveBypassCode,
} from '../repositories/bypass-codes';
import { ensurePractice, setRecoveryChecklist } from '../repositories/practices';
import { activeAdmins } from '../repositories/user-accounts';
import { clearFailures, findUserById, type SignInUser } from '../repositories/users';
import { type Keyring, newSortableId } from '../secrets';
import { type AuditLog, CLI_ACTOR, type RequestContext } from './audit-log';
import type { Notifier } from './notices';

/** NIST-minded: long enough to read out and type, short enough that a stolen note is soon worthless. */
export const BYPASS_CODE_TTL_SECONDS = 15 * 60;

/** Who acts: an account manager in the console, or IT at the admin CLI. */
export type Actor = UserRow | 'cli';
export const actorName = (actor: Actor) => (actor === 'cli' ? CLI_ACTOR : actor.username);

export const DEFAULT_RECOVERY_CHECKLIST: RecoveryChecklistItem[] = [
  {
    id: 'photo_id',
    text: 'I saw a photo ID, in person or on a video call, and it matches the employee.',
  },
  {
    id: 'call_back',
    text: 'I called the employee back at the number in the staff records (not a number they gave me now).',
  },
  {
    id: 'known_answer',
    text: 'The employee answered a question only they would know (for example their start date or their manager).',
  },
];

function newBypassCode(): string {
  const chars = Array.from(
    { length: BYPASS_CODE_LENGTH },
    () => BYPASS_CODE_ALPHABET[randomInt(BYPASS_CODE_ALPHABET.length)],
  ).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
}

export class GuidedRecoveryService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly keyring: Keyring,
    private readonly audit: AuditLog,
    private readonly notices: Notifier,
  ) {}

  async checklist(): Promise<RecoveryChecklist> {
    const practice = await ensurePractice(this.db, this.clock.now());
    if (practice.recovery_checklist === null) return { items: DEFAULT_RECOVERY_CHECKLIST, updatedAt: null };
    const stored = RecoveryChecklist.safeParse(JSON.parse(practice.recovery_checklist));
    return stored.success ? stored.data : { items: DEFAULT_RECOVERY_CHECKLIST, updatedAt: null };
  }

  async setChecklist(
    admin: UserRow,
    input: RecoveryChecklistUpdate,
    context: RequestContext,
  ): Promise<RecoveryChecklist> {
    const now = this.clock.now();
    const practice = await ensurePractice(this.db, now);
    const current = new Set((await this.checklist()).items.map((item) => item.id));
    const ids = input.items.map((item) => item.id).filter((id) => id !== undefined);
    if (ids.some((id) => !current.has(id)) || new Set(ids).size !== ids.length) {
      throw new AppError(
        400,
        ErrorCode.badRequest,
        'The checklist changed meanwhile, or names an item twice. Reload it and try again.',
      );
    }
    const checklist: RecoveryChecklist = {
      items: input.items.map((item) => ({ id: item.id ?? newSortableId(now), text: item.text })),
      updatedAt: now.toISOString(),
    };
    await setRecoveryChecklist(this.db, practice.id, JSON.stringify(checklist));
    await this.audit.record(context, {
      type: 'recovery_checklist_changed',
      userId: admin.id,
      username: admin.username,
      detail: { items: checklist.items.length, by: admin.username, reason: input.reason },
    });
    return checklist;
  }

  /**
   * Issues a bypass code for the user, voiding any earlier one, and unlocks the account. From the console
   * `checked` must confirm every checklist item; the CLI (IT at a terminal) passes none and records its
   * reason only.
   */
  async issueBypass(
    actor: Actor,
    userId: string,
    input: { checked?: string[]; reason: string },
    context: RequestContext,
  ): Promise<BypassIssued> {
    const user = await findUserById(this.db, userId);
    if (!user) throw new AppError(404, ErrorCode.notFound, 'There is no such user.');
    if (!user.active) {
      throw new AppError(409, ErrorCode.conflict, 'This account is deactivated. Reactivate it first.');
    }
    // A bypass code stands in for the second factor: nobody vouches for their own identity.
    if (actor !== 'cli' && actor.id === user.id) {
      throw new AppError(
        409,
        ErrorCode.conflict,
        'You cannot issue a bypass code to yourself. Ask another account manager, or IT at the server.',
      );
    }
    let checks = 'cli';
    if (input.checked !== undefined) {
      const items = (await this.checklist()).items;
      const checked = new Set(input.checked);
      if (items.some((item) => !checked.has(item.id)) || checked.size !== items.length) {
        throw new AppError(
          400,
          ErrorCode.badRequest,
          'Confirm every item of the identity check before issuing a code.',
        );
      }
      checks = items.map((item) => item.id).join(',');
    }

    const now = this.clock.now();
    const code = newBypassCode();
    const expiresAt = addSeconds(now, BYPASS_CODE_TTL_SECONDS).toISOString();
    const by = actorName(actor);
    const admins = (await activeAdmins(this.db, user.practice_id)).filter(
      (admin) => admin.id !== user.id && (actor === 'cli' || admin.id !== actor.id),
    );
    const toldAdmins = admins.filter((admin) => admin.phone || admin.email);
    const userContacts = [
      ...(user.phone ? [{ channel: 'sms' as const, masked: maskPhone(user.phone) }] : []),
      ...(user.email ? [{ channel: 'email' as const, masked: maskEmail(user.email) }] : []),
    ];
    await this.audit.transaction(async (tx) => {
      await replaceBypassCode(tx, {
        id: newSortableId(now),
        user_id: user.id,
        code_hmac: this.keyring.sealCode('bypass', user.id, normalizeBypassCode(code)),
        issued_by: actor === 'cli' ? null : actor.id,
        created_at: now.toISOString(),
        expires_at: expiresAt,
        used_at: null,
      });
      await clearFailures(tx, user.id);
      await this.audit.record(
        context,
        {
          type: 'recovery_bypass_issued',
          userId: user.id,
          username: user.username,
          detail: {
            by,
            reason: input.reason,
            checks,
            expiresAt,
            notifiedContacts: userContacts.length,
            notifiedAdmins: toldAdmins.length,
          },
        },
        tx,
      );
    });

    this.notices.notify(user, {
      subject: 'Your account manager issued a WRSAuth sign-in code',
      text: `Your account manager (${by}) issued a one-time code to sign in to your WRSAuth account (${user.username}) without your usual second factor. If you did not ask for this, tell your practice now.`,
    });
    for (const admin of toldAdmins) {
      this.notices.notify(admin, {
        subject: 'A WRSAuth bypass code was issued',
        text: `Account manager ${by} issued a one-time bypass sign-in code for ${user.username} after an identity check. The reason is in the audit log.`,
      });
    }
    return {
      bypassCode: code,
      expiresAt,
      notified: {
        user: userContacts,
        admins: toldAdmins.map((admin) => ({ id: admin.id, username: admin.username })),
      },
    };
  }

  async hasLiveBypass(userId: string): Promise<boolean> {
    return (await usersWithLiveBypassCode(this.db, this.clock.now(), [userId])).has(userId);
  }

  /** The id of the user's live bypass code matching the typed one, or undefined. */
  async match(userId: string, raw: string): Promise<string | undefined> {
    if (!looksLikeBypassCode(raw)) return undefined;
    const code = normalizeBypassCode(raw);
    const stored = await liveBypassCodes(this.db, userId, this.clock.now());
    return stored.find((row) => this.keyring.storedCodeMatches('bypass', userId, code, row.code_hmac))?.id;
  }

  /** Uses the code up inside the sign-in's transaction; false if another sign-in used it first. */
  spend(executor: Db, id: string): Promise<boolean> {
    return spendBypassCode(executor, id, this.clock.now());
  }

  /** After a bypass sign-in: on record, and the user's contacts are told. */
  async used(user: SignInUser, context: RequestContext): Promise<void> {
    await this.audit.record(context, { type: 'bypass_code_used', userId: user.id, username: user.username });
    this.notices.notify(user, {
      subject: 'A WRSAuth bypass code was used',
      text: `The one-time code from your account manager was just used to sign in to your WRSAuth account (${user.username}). If this was not you, tell your account manager now.`,
    });
  }
}
