/**
 * What a typed-in password, cell phone or email address must be, wherever it is typed: the CLI, the console,
 * My settings, a password reset. A value that breaks a rule raises AdminInputError, whose message is the
 * whole one-line answer; the web services turn it into their own 400. Its own module, so that the services
 * sharing these rules need not import the CLI's service (services/admin.ts), nor it theirs.
 */
import { isValidPhoneNumber, parsePhoneNumberWithError } from 'libphonenumber-js';
import { z } from 'zod';

/** Bad input from an account manager: the message is the whole, one-line answer. */
export class AdminInputError extends Error {}

export const DEFAULT_COUNTRY = 'US';

/** The seed's rule: case-sensitive, 8 characters or longer, with letters and digits. */
export function checkPasswordRule(password: string): void {
  if (password.length < 8) throw new AdminInputError('password must be at least 8 characters long');
  if (!/\p{L}/u.test(password) || !/\p{Nd}/u.test(password)) {
    throw new AdminInputError('password must contain both letters and digits');
  }
}

/** A cell phone in E.164, from any format libphonenumber-js reads (a number without +1 is taken as US). */
export function normalizePhone(raw: string): string {
  if (!isValidPhoneNumber(raw, DEFAULT_COUNTRY)) {
    throw new AdminInputError(`"${raw}" is not a valid phone number (use E.164, e.g. +12025550123)`);
  }
  return parsePhoneNumberWithError(raw, DEFAULT_COUNTRY).number;
}

/** An email address, trimmed. */
export function normalizeEmail(raw: string): string {
  const email = raw.trim();
  if (!z.email().safeParse(email).success) throw new AdminInputError(`"${raw}" is not a valid email address`);
  return email;
}
