/**
 * Readiness before the mandate: which active users have which second factor, and who would be refused at
 * sign-in (403 enrollment_required) if the practice required a code today. The counts are read from counters
 * the database keeps on write (at most 8 rows a practice, whatever its size); the list is paged by User ID
 * (keyset), and its CSV is read in keyset batches and streamed, so neither the view nor the file holds the
 * practice's users in memory.
 */
import type { Readiness, ReadinessQuery } from '../../src/shared/api';
import { csvLine } from '../../src/shared/csv';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import { ensurePractice } from '../repositories/practices';
import {
  type FactorsAllowed,
  readinessCounts,
  usersWithoutAllowedFactor,
} from '../repositories/user-accounts';
import { toApiUser, usernameKey } from '../repositories/users';
import { allowedFactorsOf } from './policy';

/** Users read per query while writing readiness.csv: enough to be quick, few enough to keep memory flat. */
export const READINESS_CSV_BATCH = 1000;

const READINESS_CSV_HEADER = ['username', 'first_name', 'last_name', 'role'];

export class ReadinessService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  private async practiceAndFactors() {
    const now = this.clock.now();
    const practice = await ensurePractice(this.db, now);
    const allowed = allowedFactorsOf(practice);
    const factors: FactorsAllowed = {
      sms: allowed.includes('sms'),
      email: allowed.includes('email'),
      totp: allowed.includes('totp'),
    };
    return { now, practice, factors };
  }

  /** The counts and one page of the list; one more row than the page is read to know if another follows. */
  async report(query: ReadinessQuery): Promise<Readiness> {
    const { now, practice, factors } = await this.practiceAndFactors();
    const [totals, rows] = await Promise.all([
      readinessCounts(this.db, practice.id, factors),
      usersWithoutAllowedFactor(this.db, practice.id, factors, {
        afterKey: query.after === undefined ? undefined : usernameKey(query.after),
        limit: query.limit + 1,
      }),
    ]);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      asOf: now.toISOString(),
      policy: { mode: practice.policy_mode, enforceAfter: practice.enforce_after },
      ...totals,
      wouldBeLockedOut: page.map(toApiUser),
      nextAfter: rows.length > query.limit && last ? last.username : null,
    };
  }

  /**
   * The whole readiness list as CSV, one row per user who would be locked out (cells that start a formula
   * are quoted): a header, then one chunk per batch, read by keyset so memory stays flat however many.
   */
  async *csv(): AsyncGenerator<string> {
    const { practice, factors } = await this.practiceAndFactors();
    yield csvLine(READINESS_CSV_HEADER);
    let afterKey: string | undefined;
    for (;;) {
      const rows = await usersWithoutAllowedFactor(this.db, practice.id, factors, {
        afterKey,
        limit: READINESS_CSV_BATCH,
      });
      if (rows.length === 0) return;
      yield rows.map((row) => csvLine([row.username, row.first_name, row.last_name, row.role])).join('');
      afterKey = rows.at(-1)?.username_key;
      if (rows.length < READINESS_CSV_BATCH) return;
    }
  }
}
