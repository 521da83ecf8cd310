/** The console's words for the policy's values, as an account manager reads them. */
import type { Factor } from '../../../shared/api-admin';

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

/** A local date and time for an ISO instant. */
export function localTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
