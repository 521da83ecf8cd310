/**
 * The server's housekeeping, with no request to set it off: every instance runs each job at start and then
 * once a minute, so nothing waits for a restart. Each job is idempotent (conditional UPDATEs and DELETEs), so
 * several instances sweeping one PostgreSQL do no harm. A job that fails is logged and runs again next time;
 * it never stops the others.
 *
 * - outbox: settles sends left `queued` by a process that died mid-send, as failed;
 * - account ends: ends the access of users whose end date has passed in the practice's time zone;
 * - oidc: deletes expired provider storage, and signing keys 24 hours after their rotation;
 * - oidc tickets: deletes the desktop client's tickets into a login prompt once their minute is over;
 * - send and lock counters: deletes per-contact send records older than their 24-hour window, and locks of
 *   unknown User IDs that have run out (a lock that has run out counts as no failure at all).
 */
import type { Logger } from 'pino';
import type { Services } from './services';

export const SWEEP_EVERY_MS = 60_000;

/** What one pass of a job did, by name; logged when any of it is not zero. */
export type SweepCounts = Record<string, number>;

export interface SweepJob {
  name: string;
  run(): Promise<SweepCounts>;
  /** Whether what it did deserves a warning (sends lost to a crash), rather than a note. */
  warn?: boolean;
}

export function serverSweepJobs(
  services: Pick<
    Services,
    'delivery' | 'accountEnds' | 'oidcStorage' | 'signingKeys' | 'oidcTickets' | 'guards' | 'lockout'
  >,
): SweepJob[] {
  return [
    {
      name: 'outbox',
      warn: true,
      run: async () => ({ abandonedSendsSettled: await services.delivery.settleAbandoned() }),
    },
    { name: 'account ends', run: async () => ({ usersEnded: await services.accountEnds.sweep() }) },
    {
      name: 'oidc',
      run: async () => ({
        expiredPayloads: await services.oidcStorage.deleteExpired(),
        retiredKeyGenerations: await services.signingKeys.deleteExpired(),
      }),
    },
    {
      name: 'oidc tickets',
      run: async () => ({ expiredTickets: await services.oidcTickets.deleteExpired() }),
    },
    {
      name: 'send and lock counters',
      run: async () => ({
        contactSendsPastWindow: await services.guards.forgetPastSends(),
        unknownUserLocksEnded: await services.lockout.forgetEndedLocks(),
      }),
    },
  ];
}

/**
 * Logout for "Login with WRSAuth", run every second rather than every minute: sign-ins that ended end their
 * provider sessions, and back-channel logout tokens that are due are delivered (services/oidc-logout.ts).
 */
export function logoutSweepJob(services: Pick<Services, 'oidcLogout'>): SweepJob {
  return { name: 'oidc logout', run: () => services.oidcLogout.sweep() };
}

export class Sweeps {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly jobs: SweepJob[],
    private readonly log: Logger,
    private readonly everyMs = SWEEP_EVERY_MS,
  ) {}

  async start(): Promise<void> {
    await this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One pass of every job, in order; answers what each did (nothing for one that failed). */
  async runOnce(): Promise<Record<string, SweepCounts>> {
    const done: Record<string, SweepCounts> = {};
    for (const job of this.jobs) {
      try {
        const counts = await job.run();
        done[job.name] = counts;
        if (Object.values(counts).some((count) => count > 0)) {
          this.log[job.warn ? 'warn' : 'info']({ sweep: job.name, ...counts }, `sweep: ${job.name}`);
        }
      } catch (error) {
        this.log.error({ err: error, sweep: job.name }, `sweep: ${job.name} failed; it runs again next time`);
      }
    }
    return done;
  }
}
