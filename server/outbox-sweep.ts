/**
 * Nothing stays stuck in the outbox: a send that died with its process (a crash, a kill) leaves its row
 * `queued`; every instance settles such rows as failed at start and then once a minute. Settling is one
 * idempotent UPDATE, so several instances sweeping the same PostgreSQL do no harm.
 */
import type { Logger } from 'pino';
import type { Services } from './services';

const SWEEP_EVERY_MS = 60_000;

export class OutboxSweep {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly services: Pick<Services, 'delivery'>,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.run();
    this.timer = setInterval(() => void this.run(), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async run(): Promise<void> {
    try {
      const settled = await this.services.delivery.settleAbandoned();
      if (settled > 0) this.log.warn({ settled }, 'outbox: settled sends left queued by a stopped server');
    } catch (error) {
      this.log.error({ err: error }, 'outbox sweep failed; it runs again in a minute');
    }
  }
}
