/**
 * Contacts contract: a user's cell phone and email, changed by the user in My settings
 * (`/api/v1/me/contacts/...`) or by an account manager on the user's behalf
 * (`/api/v1/admin/users/:id/contacts/...`). A new contact takes effect only once a code sent to it is
 * verified, or at once when an account manager marks it "set by admin". Until then it is never a sign-in or
 * password-reset target. Answers show contacts masked; the full value is only ever what the caller typed.
 */
import { z } from 'zod';

const IsoTime = z.string().describe('ISO 8601 UTC time');
const WholeSeconds = z.number().int().nonnegative();

/** The two contacts a code can be sent to. */
export const ContactChannel = z.enum(['sms', 'email']);
export type ContactChannel = z.infer<typeof ContactChannel>;

/**
 * How a contact on file came to be there:
 * - `user_code`: the user entered the code sent to it (My settings);
 * - `admin_code`: the user read the code sent to it out to an account manager, who entered it;
 * - `set_by_admin`: an account manager set it without a code (the user was notified);
 * - `on_file`: it was on file before contacts were verified in WRSAuth (created with the account).
 */
export const ContactSetBy = z.enum(['user_code', 'admin_code', 'set_by_admin', 'on_file']);
export type ContactSetBy = z.infer<typeof ContactSetBy>;

/** A cell phone (any format libphonenumber-js reads; default country US) or an email address. */
const ContactValue = z.string().trim().min(1).max(254);
const CurrentPassword = z.string().min(1).max(1024);

/** My settings: add or change my cell phone or email. A code goes to the NEW contact. */
export const ContactChangeRequest = z.object({
  channel: ContactChannel,
  value: ContactValue,
  currentPassword: CurrentPassword,
});
export type ContactChangeRequest = z.infer<typeof ContactChangeRequest>;

/** `/me/contacts/:id/...` */
export const ContactChangeParams = z.object({ id: z.string().min(1).max(64) });

/** `DELETE /me/contacts/:channel` */
export const ContactChannelParams = z.object({ channel: ContactChannel });

/** Removing a contact asks for the current password too. */
export const ContactRemoveRequest = z.object({ currentPassword: CurrentPassword });
export type ContactRemoveRequest = z.infer<typeof ContactRemoveRequest>;

/** The code that was sent to the new contact. */
export const ContactCodeRequest = z.object({ code: z.string().trim().max(32) });
export type ContactCodeRequest = z.infer<typeof ContactCodeRequest>;

/** A code went to the new contact; the change waits for it until `expiresAt` (at most 10 minutes). */
export const ContactCodeSent = z.object({
  status: z.literal('code_sent'),
  changeId: z.string(),
  channel: ContactChannel,
  masked: z.string(),
  expiresAt: IsoTime,
  /** Seconds before another code may be sent to the same contact. */
  resendAfter: WholeSeconds,
  /** E.g. Twilio Lookup says the number is a landline. Warnings never stop the change. */
  warnings: z.array(z.string()),
});
export type ContactCodeSent = z.infer<typeof ContactCodeSent>;

/** The contact is now on file and is a sign-in target (if the practice allows its channel). */
export const ContactApplied = z.object({
  status: z.literal('applied'),
  channel: ContactChannel,
  masked: z.string(),
  setBy: ContactSetBy,
  warnings: z.array(z.string()),
});
export type ContactApplied = z.infer<typeof ContactApplied>;

// ---- Account manager, on a user's behalf ------------------------------------------------------------------

/**
 * `POST /api/v1/admin/users/:id/contacts`. `code`: a code goes to the new contact; the user reads it out and
 * the account manager submits it at `.../contacts/:changeId/verify`. `set_by_admin`: on file at once,
 * marked as set by admin; the new and the old contact are notified. Both are audited with the reason.
 */
export const AdminContactRequest = z.object({
  channel: ContactChannel,
  value: ContactValue,
  method: z.enum(['code', 'set_by_admin']),
  reason: z.string().trim().min(3).max(500),
});
export type AdminContactRequest = z.infer<typeof AdminContactRequest>;

export const AdminContactResult = z.discriminatedUnion('status', [ContactCodeSent, ContactApplied]);
export type AdminContactResult = z.infer<typeof AdminContactResult>;

/** `/admin/users/:id/contacts` */
export const AdminUserParams = z.object({ id: z.string().min(1).max(64) });

/**
 * `POST /admin/users/:id/contacts/:changeId/send` resends the code (answers ContactCodeSent; 30 s cooldown per
 * contact, then 429 rate_limited with Retry-After) and `POST .../verify` takes ContactCodeRequest (answers
 * ContactApplied with setBy `admin_code`).
 */
export const AdminContactChangeParams = z.object({
  id: z.string().min(1).max(64),
  changeId: z.string().min(1).max(64),
});
