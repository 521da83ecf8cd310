/**
 * My settings contract (`/api/v1/me/profile`, `/me/password`, `/me/setup`): the signed-in user's own name,
 * date of birth and sex, their password, and what the mandate banner needs. Contacts are in api-contacts.ts.
 */
import { z } from 'zod';
import { ContactSetBy } from './api-contacts';

const Name = (max: number) => z.string().trim().max(max);
/** Blank or null means "not given" (stored as null). */
const OptionalName = (max: number) => Name(max).nullable();

export const Sex = z.enum(['female', 'male', 'other', 'undisclosed']);
export type Sex = z.infer<typeof Sex>;

/** What the user may edit about themselves. */
export const ProfileUpdate = z.object({
  firstName: Name(100).min(1, 'Enter your first name.'),
  middleName: OptionalName(100),
  lastName: Name(100).min(1, 'Enter your last name.'),
  /** "Dr.", "Ms." */
  namePrefix: OptionalName(20),
  /** Degree or suffix: "MD", "RN", "Jr." */
  nameSuffix: OptionalName(40),
  dateOfBirth: z.iso.date('Enter the date of birth as YYYY-MM-DD.').nullable(),
  sex: Sex.nullable(),
});
export type ProfileUpdate = z.infer<typeof ProfileUpdate>;

export const Profile = z.object({
  /** The login User ID: shown, never edited here. */
  username: z.string(),
  firstName: z.string(),
  middleName: z.string().nullable(),
  lastName: z.string(),
  namePrefix: z.string().nullable(),
  nameSuffix: z.string().nullable(),
  dateOfBirth: z.string().nullable().describe('YYYY-MM-DD'),
  sex: Sex.nullable(),
  /** Verified cell phone, E.164. */
  phone: z.string().nullable(),
  /** The same number in the practice's national format, for display: "(202) 555-3816". */
  phoneNational: z.string().nullable(),
  phoneSetBy: ContactSetBy.nullable(),
  email: z.string().nullable(),
  emailSetBy: ContactSetBy.nullable(),
  /** Set by the account manager, shown read-only: the resource type and the account's dates (YYYY-MM-DD). */
  resourceType: z.string().nullable(),
  startDate: z.string().nullable().describe('YYYY-MM-DD'),
  endDate: z.string().nullable().describe('YYYY-MM-DD'),
});
export type Profile = z.infer<typeof Profile>;

/** Asks for the current password before a security change (authenticator app set up or removed). */
export const CurrentPasswordRequest = z.object({ currentPassword: z.string().min(1).max(1024) });
export type CurrentPasswordRequest = z.infer<typeof CurrentPasswordRequest>;

/** Case-sensitive, 8 characters or longer, with letters and digits (checked on the server). */
export const PasswordChangeRequest = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(1).max(1024),
});
export type PasswordChangeRequest = z.infer<typeof PasswordChangeRequest>;

export const PasswordChanged = z.object({
  /** Other sessions of mine that were signed out; this one stays. */
  revokedSessions: z.number().int().nonnegative(),
  revokedDevices: z.number().int().nonnegative(),
});
export type PasswordChanged = z.infer<typeof PasswordChanged>;

const Mode = z.enum(['off', 'optional', 'required']);

/**
 * What the "add your cell phone" banner needs. `reminder` is `mandate_date` when `mandateDate` is set
 * ("2FA becomes mandatory on <date>. Add your cell phone now."), `no_date` while the policy is optional with
 * no date yet ("Your practice is turning on 2FA. Add your cell phone now, so you are not locked out."), and
 * `none` once the user has a verified contact or nothing is coming.
 */
export const SetupStatus = z.object({
  effectiveMode: Mode,
  mode: Mode,
  enforceAfter: z.string().nullable().describe('YYYY-MM-DD (UTC)'),
  hasVerifiedContact: z.boolean(),
  hasAuthenticator: z.boolean(),
  /** Set while 2FA is still to become mandatory on a future date and the user has no verified contact. */
  mandateDate: z.string().nullable().describe('YYYY-MM-DD (UTC)'),
  reminder: z.enum(['none', 'mandate_date', 'no_date']),
});
export type SetupStatus = z.infer<typeof SetupStatus>;
