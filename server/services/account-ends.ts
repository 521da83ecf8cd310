/**
 * A user's start and end dates as an access-control fact. Sign-in outside them answers as a wrong password
 * does (auth.ts); a session of a user outside them is refused on every request (sessions.ts); and once the
 * end date has passed in the practice's time zone, the user's sessions, trusted workstations, bypass codes
 * and recovery codes end: at once when an account manager sets a past end date, else by the sweep
 * (sweeps.ts), audited once per user as account_ended.
 */
import { todayIn, withinAccountDates } from '../../src/shared/account-dates';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import type { UserRow } from '../db/schema';
import { claimAccountEnd, practiceTimeZone, usersPastEndDate } from '../repositories/account-ends';
import { voidBypassCodes } from '../repositories/bypass-codes';
import { ensurePractice } from '../repositories/practices';
import { revokeSessionsOf, revokeTrustedDevices } from '../repositories/sessions';
import type { AuditedTx, AuditLog, RequestContext } from './audit-log';
import type { RecoveryCodeService } from './recovery-codes';

/** The sweep has no request: its events name the server as where they came from. */
const SWEEP_CONTEXT: RequestContext = { ip: null, userAgent: 'wrsauth-sweep' };

type Dated = Pick<UserRow, 'start_date' | 'end_date'>;

export class AccountEnds {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly recoveryCodes: Pick<RecoveryCodeService, 'voidAll'>,
  ) {}

  /** The practice's time zone, as the user's dates are read in it. */
  timeZoneOf(user: Pick<UserRow, 'practice_id'>, executor: Db = this.db): Promise<string> {
    return practiceTimeZone(executor, user.practice_id);
  }

  /** Whether the user may work now: today, in the practice's zone, within their dates. */
  within(user: Dated, timeZone: string): boolean {
    return withinAccountDates(
      { startDate: user.start_date, endDate: user.end_date },
      timeZone,
      this.clock.now(),
    );
  }

  /**
   * Ends the access of a user whose end date has passed, inside the caller's transaction, once: sessions
   * and trusted workstations revoked, bypass and recovery codes voided, audited as account_ended. Answers
   * whether this call did it (false: not past, or already done).
   */
  async endIfPast(
    tx: AuditedTx,
    user: Pick<UserRow, 'id' | 'username' | 'practice_id'>,
    context: RequestContext,
    by?: string,
  ): Promise<boolean> {
    const now = this.clock.now();
    const today = todayIn(await this.timeZoneOf(user, tx), now);
    const endDate = await claimAccountEnd(tx, user.id, today, now);
    if (endDate === undefined) return false;
    const ended = {
      revokedSessions: await revokeSessionsOf(tx, user.id, now),
      revokedDevices: await revokeTrustedDevices(tx, user.id, now),
      voidedBypassCodes: await voidBypassCodes(tx, user.id),
      voidedRecoveryCodes: await this.recoveryCodes.voidAll(tx, user.id),
    };
    await this.audit.record(
      context,
      {
        type: 'account_ended',
        userId: user.id,
        username: user.username,
        detail: { endDate, ...ended, by: by ?? '(sweep)' },
      },
      tx,
    );
    return true;
  }

  /**
   * The sweep: every user whose end date has passed and whose access has not yet been ended. Each user in
   * their own transaction, so one failure does not hold back the rest; idempotent, and safe with several
   * instances on one PostgreSQL (the claim lets exactly one of them act). Answers how many it ended.
   */
  async sweep(): Promise<number> {
    const practice = await ensurePractice(this.db, this.clock.now());
    const today = todayIn(practice.time_zone, this.clock.now());
    let ended = 0;
    for (const user of await usersPastEndDate(this.db, today)) {
      if (await this.audit.transaction((tx) => this.endIfPast(tx, user, SWEEP_CONTEXT))) ended++;
    }
    return ended;
  }
}
