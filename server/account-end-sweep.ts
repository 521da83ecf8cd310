/**
 * An end date passes at midnight in the practice's time zone, with no request to notice it: every instance
 * ends the access of users past their end date at start and then once a minute, without waiting for a
 * restart. Each user's end is claimed by one conditional UPDATE, so several instances sweeping the same
 * PostgreSQL end each user, and audit it, once.
 */
import type { Logger } from 'pino';
import type { Services } from './services';

export const ACCOUNT_END_SWEEP_EVERY_MS = 60_000;

export class AccountEndSweep {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly services: Pick<Services, 'accountEnds'>,
    private readonly log: Logger,
    private readonly everyMs = ACCOUNT_END_SWEEP_EVERY_MS,
  ) {}

  async start(): Promise<void> {
    await this.run();
    this.timer = setInterval(() => void this.run(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async run(): Promise<void> {
    try {
      const ended = await this.services.accountEnds.sweep();
      if (ended > 0) this.log.info({ ended }, 'account dates: ended the access of users past their end date');
    } catch (error) {
      this.log.error({ err: error }, 'account end sweep failed; it runs again in a minute');
    }
  }
}
