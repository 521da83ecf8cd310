/** The console's words for the policy's values, as an account manager reads them. */
import type { Factor, SelfServiceReset } from '../../../shared/api-admin';

export type PolicyMode = 'off' | 'optional' | 'required';

export const MODE_WORDS: Record<PolicyMode, string> = {
  off: 'Off',
  optional: 'Optional',
  required: 'Required',
};

export const FACTOR_WORDS: Record<Factor, string> = {
  sms: 'Text message',
  email: 'Email',
  totp: 'Authenticator app',
};

/** "Forgot your password?" for a user with only one factor, as the Policy tab offers it. */
export const SELF_SERVICE_RESET_WORDS: Record<SelfServiceReset, string> = {
  two_factors: 'Two factors needed: a user with only one asks the account manager (recommended)',
  one_factor: 'One factor is enough for a user who has only one',
  off: 'No self-service reset: every user asks the account manager',
};

/** "Friday, 28 November 2026" for a YYYY-MM-DD calendar date, read as UTC (as the server means it). */
export function calendarDate(date: string): string {
  return new Date(`${date}T00:00:00Z`).toLocaleDateString(undefined, {
    timeZone: 'UTC',
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  });
}

/** A date and time for an ISO instant, in the time zone given (the practice's), else this computer's. */
export function localTime(iso: string, timeZone?: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone });
}
