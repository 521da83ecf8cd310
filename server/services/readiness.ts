/**
 * Readiness before the mandate: which active users have which second factor, and who would be refused at
 * sign-in (403 enrollment_required) if the practice required a code today.
 */
import type { Readiness, ReadinessUser } from '../../src/shared/api';
import { csvCell } from '../../src/shared/csv';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import { ensurePractice } from '../repositories/practices';
import { activeUsersWithFactors } from '../repositories/user-accounts';
import { allowedFactorsOf } from './policy';

export class ReadinessService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async report(): Promise<Readiness> {
    const now = this.clock.now();
    const practice = await ensurePractice(this.db, now);
    const users = await activeUsersWithFactors(this.db, practice.id);
    const allowed = allowedFactorsOf(practice);
    const counts = { phone: 0, email: 0, authenticator: 0, nothing: 0 };
    const wouldBeLockedOut: ReadinessUser[] = [];
    for (const user of users) {
      if (user.phone) counts.phone++;
      if (user.email) counts.email++;
      if (user.confirmed_at) counts.authenticator++;
      const canSignIn =
        (allowed.includes('sms') && user.phone) ||
        (allowed.includes('email') && user.email) ||
        (allowed.includes('totp') && user.confirmed_at);
      if (!canSignIn) {
        counts.nothing++;
        wouldBeLockedOut.push({
          id: user.id,
          username: user.username,
          firstName: user.first_name,
          lastName: user.last_name,
          role: user.role,
        });
      }
    }
    return {
      asOf: now.toISOString(),
      policy: { mode: practice.policy_mode, enforceAfter: practice.enforce_after },
      activeUsers: users.length,
      counts,
      wouldBeLockedOut,
    };
  }
}

/** The readiness list as CSV, one row per user who would be locked out; cells that start a formula are quoted. */
export function readinessCsv(readiness: Readiness): string {
  const rows = [
    ['username', 'first_name', 'last_name', 'role'],
    ...readiness.wouldBeLockedOut.map((user) => [user.username, user.firstName, user.lastName, user.role]),
  ];
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
