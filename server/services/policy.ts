/** The practice's 2FA policy as it applies right now. */
import { todayIn } from '../../src/shared/account-dates';
import type { PolicyMode, PracticeRow } from '../db/schema';

/**
 * `optional` with an enforce-after date acts as `required` from that date on, with no restart: from midnight
 * in the practice's time zone, as its staff read the date, not midnight UTC.
 */
export function effectiveMode(
  practice: Pick<PracticeRow, 'policy_mode' | 'enforce_after' | 'time_zone'>,
  now: Date,
): PolicyMode {
  if (practice.policy_mode !== 'optional' || !practice.enforce_after) return practice.policy_mode;
  return todayIn(practice.time_zone, now) >= practice.enforce_after ? 'required' : 'optional';
}

export const CODE_TTL_BOUNDS = { min: 120, max: 600 } as const;
export const REMEMBER_DAYS_BOUNDS = { min: 0, max: 90 } as const;
/** Front-desk automatic logoff (HIPAA): at least a minute, at most an hour of an unattended signed-in screen. */
export const IDLE_LOCK_MINUTES_BOUNDS = { min: 1, max: 60 } as const;
export const SMS_PER_HOUR_BOUNDS = { min: 0, max: 100_000 } as const;

export type Factor = 'sms' | 'email' | 'totp';
const FACTORS: readonly Factor[] = ['sms', 'email', 'totp'];

/** The second factors the practice offers at sign-in (recovery codes always work, as the way back in). */
export function allowedFactorsOf(practice: { allowed_factors: string }): Factor[] {
  const listed = practice.allowed_factors.split(',').map((factor) => factor.trim());
  return FACTORS.filter((factor) => listed.includes(factor));
}

/** What the client applies from the policy: how long "Remember this workstation" lasts (absent when off). */
export function rememberDaysOf(practice: Pick<PracticeRow, 'remember_days'>): { rememberDays?: number } {
  return practice.remember_days > 0 ? { rememberDays: practice.remember_days } : {};
}

/** The client's idle lock in whole minutes; a row below one still locks, after one minute, rather than never. */
export function idleLockMinutesOf(practice: Pick<PracticeRow, 'idle_lock_minutes'>): number {
  return Math.max(1, Math.trunc(practice.idle_lock_minutes));
}
