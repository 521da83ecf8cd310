/**
 * "Within dates" (issue 15, finding 7): today's date in the practice's time zone is on or after the start
 * date and on or before the end date. One pure function, checked across zones and daylight-saving edges.
 */
import { describe, expect, it } from 'vitest';
import {
  accountDatesProblem,
  isCalendarDate,
  timeZoneName,
  todayIn,
  withinAccountDates,
} from '../../src/shared/account-dates';

const at = (iso: string) => new Date(iso);

describe('today in the practice time zone', () => {
  it.each([
    // Zone, instant, the practice's date.
    ['UTC', '2026-06-01T23:59:59.999Z', '2026-06-01'],
    ['UTC', '2026-06-02T00:00:00.000Z', '2026-06-02'],
    // New York on daylight time (UTC-4): midnight is 04:00Z.
    ['America/New_York', '2026-06-02T03:59:59.999Z', '2026-06-01'],
    ['America/New_York', '2026-06-02T04:00:00.000Z', '2026-06-02'],
    // The day clocks spring forward (2 a.m. skipped) and the day after: midnight at 05:00Z, then at 04:00Z.
    ['America/New_York', '2026-03-08T04:59:59.999Z', '2026-03-07'],
    ['America/New_York', '2026-03-08T05:00:00.000Z', '2026-03-08'],
    ['America/New_York', '2026-03-09T03:59:59.999Z', '2026-03-08'],
    ['America/New_York', '2026-03-09T04:00:00.000Z', '2026-03-09'],
    // The day clocks fall back: that day has 25 hours, from 04:00Z to 05:00Z the next day.
    ['America/New_York', '2026-11-02T04:59:59.999Z', '2026-11-01'],
    ['America/New_York', '2026-11-02T05:00:00.000Z', '2026-11-02'],
    // Santiago falls back AT midnight (April 5, 00:00 → April 4, 23:00): the hour before midnight repeats.
    ['America/Santiago', '2026-04-05T03:00:00.000Z', '2026-04-04'],
    ['America/Santiago', '2026-04-05T03:59:59.999Z', '2026-04-04'],
    ['America/Santiago', '2026-04-05T04:00:00.000Z', '2026-04-05'],
    // ...and springs forward at midnight (September 6 starts at 01:00): a day with no midnight at all.
    ['America/Santiago', '2026-09-06T03:59:59.999Z', '2026-09-05'],
    ['America/Santiago', '2026-09-06T04:00:00.000Z', '2026-09-06'],
    // The first and last zones to reach a date (UTC+14, UTC-11).
    ['Pacific/Kiritimati', '2026-06-01T09:59:59.999Z', '2026-06-01'],
    ['Pacific/Kiritimati', '2026-06-01T10:00:00.000Z', '2026-06-02'],
    ['Pacific/Pago_Pago', '2026-06-02T10:59:59.999Z', '2026-06-01'],
    ['Pacific/Pago_Pago', '2026-06-02T11:00:00.000Z', '2026-06-02'],
    // A half-hour zone.
    ['Asia/Kolkata', '2026-06-01T18:29:59.999Z', '2026-06-01'],
    ['Asia/Kolkata', '2026-06-01T18:30:00.000Z', '2026-06-02'],
  ])('in %s at %s it is %s', (zone, instant, date) => {
    expect(todayIn(zone, at(instant))).toBe(date);
  });
});

describe('within the account dates', () => {
  const both = { startDate: '2026-06-01', endDate: '2026-06-30' };

  it('includes the start date and the end date (the employee works their last day)', () => {
    expect(withinAccountDates(both, 'UTC', at('2026-06-01T00:00:00.000Z'))).toBe(true);
    expect(withinAccountDates(both, 'UTC', at('2026-06-30T23:59:59.999Z'))).toBe(true);
  });

  it('excludes the day before the start date and the day after the end date', () => {
    expect(withinAccountDates(both, 'UTC', at('2026-05-31T23:59:59.999Z'))).toBe(false);
    expect(withinAccountDates(both, 'UTC', at('2026-07-01T00:00:00.000Z'))).toBe(false);
  });

  it('has no bound where a date is null', () => {
    const none = { startDate: null, endDate: null };
    expect(withinAccountDates(none, 'UTC', at('1970-01-01T00:00:00.000Z'))).toBe(true);
    expect(
      withinAccountDates({ startDate: null, endDate: '2026-06-30' }, 'UTC', at('2000-01-01T00:00:00Z')),
    ).toBe(true);
    expect(
      withinAccountDates({ startDate: '2026-06-01', endDate: null }, 'UTC', at('2099-01-01T00:00:00Z')),
    ).toBe(true);
  });

  it('reads the dates in the practice zone, not in UTC', () => {
    // 22:00 on June 30 in New York is July 1 in UTC: still the last day at the practice.
    const lateLastDay = at('2026-07-01T02:00:00.000Z');
    expect(withinAccountDates(both, 'UTC', lateLastDay)).toBe(false);
    expect(withinAccountDates(both, 'America/New_York', lateLastDay)).toBe(true);
    // 08:00 on June 1 in Tokyo is May 31 in UTC: already the first day at the practice.
    const earlyFirstDay = at('2026-05-31T23:00:00.000Z');
    expect(withinAccountDates(both, 'UTC', earlyFirstDay)).toBe(false);
    expect(withinAccountDates(both, 'Asia/Tokyo', earlyFirstDay)).toBe(true);
  });

  it('ends at the first instant of the next day where daylight saving skips that midnight', () => {
    const lastDay = { startDate: null, endDate: '2026-09-05' };
    expect(withinAccountDates(lastDay, 'America/Santiago', at('2026-09-06T03:59:59.999Z'))).toBe(true);
    expect(withinAccountDates(lastDay, 'America/Santiago', at('2026-09-06T04:00:00.000Z'))).toBe(false);
  });

  it('keeps the last day through an hour that repeats at midnight', () => {
    const lastDay = { startDate: null, endDate: '2026-04-04' };
    expect(withinAccountDates(lastDay, 'America/Santiago', at('2026-04-05T03:30:00.000Z'))).toBe(true);
    expect(withinAccountDates(lastDay, 'America/Santiago', at('2026-04-05T04:00:00.000Z'))).toBe(false);
  });
});

describe('checking dates and zones', () => {
  it('accepts only days that exist', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    for (const bad of ['2026-02-29', '2026-02-30', '2026-13-01', '2026-6-1', '20260601', '']) {
      expect(isCalendarDate(bad), bad).toBe(false);
    }
  });

  it('names an impossible date and an end before the start', () => {
    expect(accountDatesProblem({ startDate: '2026-02-30', endDate: null })).toMatch(
      /start date .* not a real date/,
    );
    expect(accountDatesProblem({ startDate: null, endDate: '2026-02-30' })).toMatch(
      /end date .* not a real date/,
    );
    expect(accountDatesProblem({ startDate: '2026-07-01', endDate: '2026-06-30' })).toBe(
      'The end date is before the start date.',
    );
    expect(accountDatesProblem({ startDate: '2026-07-01', endDate: '2026-07-01' })).toBeUndefined();
  });

  it('takes IANA names (case corrected, aliases kept) and refuses offsets and made-up names', () => {
    expect(timeZoneName('UTC')).toBe('UTC');
    expect(timeZoneName('america/new_york')).toBe('America/New_York');
    expect(timeZoneName('Asia/Kolkata')).toBe('Asia/Kolkata');
    for (const bad of ['+05:00', '-0300', 'Mars/Olympus_Mons', '', ' ', 'America/New York']) {
      expect(timeZoneName(bad), bad).toBeUndefined();
    }
  });
});
