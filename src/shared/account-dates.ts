/**
 * A user's account dates (the seed's Resource Setup: START DATE and END DATE) and the practice's time zone
 * they are read in. Pure functions, shared so that the server, the CLI and the console check them alike.
 *
 * A user is within their dates when today's date in the practice's time zone is on or after the start
 * date and on or before the end date: the end date is inclusive, so an employee works their last day.
 */

/** The time zone a practice gets until an account manager chooses one. */
export const DEFAULT_TIME_ZONE = 'UTC';

/** YYYY-MM-DD naming a day that exists (2024-02-29 does, 2026-02-30 does not). */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/**
 * The IANA name as it is kept, or undefined when it names no time zone. Only names, never offsets such as
 * "+05:00": a practice's zone must follow its daylight-saving rules. The case is corrected ("america/new_york"
 * → "America/New_York"); an alias the runtime knows (US/Eastern, Asia/Kolkata) is kept as given.
 */
export function timeZoneName(raw: string): string | undefined {
  const name = raw.trim();
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) return undefined;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    return resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
  } catch {
    return undefined;
  }
}

export const isTimeZoneName = (raw: string): boolean => timeZoneName(raw) !== undefined;

export const TIME_ZONE_PROBLEM = 'Choose a time zone by its IANA name, such as America/New_York or UTC.';

/** Every IANA time zone the runtime knows, UTC first: the console's choices. */
export function timeZoneChoices(current?: string): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const names = [DEFAULT_TIME_ZONE, ...known.filter((name) => name !== DEFAULT_TIME_ZONE)];
  return current && !names.includes(current) ? [current, ...names] : names;
}

/**
 * One formatter per time zone and shape, made once: building an Intl.DateTimeFormat costs far more than
 * using one, and every sign-in reads the date in the practice's zone. The zones are the runtime's few
 * hundred, so the cache stays small.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${withTime ? 'time' : 'date'} ${timeZone}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      ...(withTime && { hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' }),
    });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** Today's date (YYYY-MM-DD) in the time zone, at the instant `now`. */
export function todayIn(timeZone: string, now: Date): string {
  const parts = formatterFor(timeZone, false).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`;
}

/** How far the zone's wall clock is ahead of UTC at the instant (ms; negative west of Greenwich). */
function offsetAt(instant: number, timeZone: string): number {
  const parts = formatterFor(timeZone, true).formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a day (YYYY-MM-DD) begins in the time zone: 2026-11-01 in America/New_York is
 * 2026-11-01T04:00:00Z. Twice round, so a daylight-saving change near midnight is read at the right offset.
 */
export function startOfDayIn(date: string, timeZone: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const wallMidnight = Date.UTC(year, month - 1, day);
  let instant = wallMidnight - offsetAt(wallMidnight, timeZone);
  instant = wallMidnight - offsetAt(instant, timeZone);
  return new Date(instant);
}

/** The day after a YYYY-MM-DD, as YYYY-MM-DD. */
export function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

export interface AccountDates {
  /** YYYY-MM-DD or null (no start: from the account's creation). */
  startDate: string | null;
  /** YYYY-MM-DD or null (no end); the last day the user may sign in. */
  endDate: string | null;
}

/** Where `today` falls against an account's dates: before its start, within them, or after its end. */
export type DatesStatus = 'not_started' | 'current' | 'ended';

/** Where `today` (YYYY-MM-DD in the practice's zone) falls against the dates, both ends included. */
export function datesStatusOn(dates: AccountDates, today: string): DatesStatus {
  if (dates.startDate !== null && today < dates.startDate) return 'not_started';
  if (dates.endDate !== null && today > dates.endDate) return 'ended';
  return 'current';
}

/** Whether `today` (YYYY-MM-DD in the practice's zone) lies within the dates, both ends included. */
export function withinDatesOn(dates: AccountDates, today: string): boolean {
  return datesStatusOn(dates, today) === 'current';
}

/** Whether the user may work at the instant `now`, their dates read in the practice's time zone. */
export function withinAccountDates(dates: AccountDates, timeZone: string, now: Date): boolean {
  // Most accounts have neither date: no need to read today's.
  if (dates.startDate === null && dates.endDate === null) return true;
  return withinDatesOn(dates, todayIn(timeZone, now));
}

/** What is wrong with a pair of dates, in words, or undefined when nothing is. */
export function accountDatesProblem(dates: AccountDates): string | undefined {
  if (dates.startDate !== null && !isCalendarDate(dates.startDate)) {
    return `The start date "${dates.startDate}" is not a real date (YYYY-MM-DD).`;
  }
  if (dates.endDate !== null && !isCalendarDate(dates.endDate)) {
    return `The end date "${dates.endDate}" is not a real date (YYYY-MM-DD).`;
  }
  if (dates.startDate !== null && dates.endDate !== null && dates.endDate < dates.startDate) {
    return 'The end date is before the start date.';
  }
  return undefined;
}
