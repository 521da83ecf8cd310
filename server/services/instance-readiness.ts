/**
 * GET /readyz: can this instance sign people in right now? The database must answer; each code channel's
 * provider and its last message are reported beside it. Read from configuration and the outbox only: no
 * provider is called, so a probe every few seconds costs no text message, email or API quota. GET /healthz
 * asks only the first question (databaseAnswers).
 *
 * Every channel always has a courier here (a server with a channel that has none does not start), so the
 * channels inform rather than decide: a dev outbox was switched on on purpose (WRSAUTH_DEV_OUTBOX=1) and
 * shows as `dev_outbox`; a failed last message is one address or one outage at the provider, and taking every
 * instance out of the load balancer for it would turn it into an outage of all sign-ins.
 */
import type { Logger } from 'pino';
import type { Channel, InstanceReadiness } from '../../src/shared/api';
import type { Db } from '../db/database';
import type { Courier } from '../delivery/courier';
import { lastPerChannel } from '../repositories/outbox';
import { FIRST_PRACTICE_ID, findPractice, pingDatabase } from '../repositories/practices';
import { allowedFactorsOf } from './policy';

export class InstanceReadinessCheck {
  constructor(
    private readonly db: Db,
    private readonly couriers: Record<Channel, Courier>,
    private readonly log: Pick<Logger, 'error'>,
  ) {}

  /** Liveness (GET /healthz): resolves when the database answers, throws when it does not. */
  databaseAnswers(): Promise<void> {
    return pingDatabase(this.db);
  }

  async report(): Promise<InstanceReadiness> {
    let practice: Awaited<ReturnType<typeof findPractice>>;
    let last: Awaited<ReturnType<typeof lastPerChannel>>;
    try {
      practice = await findPractice(this.db, FIRST_PRACTICE_ID);
      last = await lastPerChannel(this.db);
    } catch (error) {
      this.log.error({ err: error }, 'readiness check: database did not answer');
      return {
        status: 'not_ready',
        database: 'unavailable',
        channels: null,
        reasons: ['the database does not answer'],
      };
    }
    const allowed = new Set<string>(allowedFactorsOf(practice));
    const channel = (name: Channel) => {
      const courier = this.couriers[name];
      const provider = courier.provider === 'dev' ? ('dev_outbox' as const) : courier.provider;
      const row = last[name];
      return {
        provider,
        allowed: allowed.has(name),
        lastDelivery: row ? { status: row.status, at: row.updated_at, errorCode: row.error_code } : null,
      };
    };
    return {
      status: 'ready',
      database: 'ok',
      channels: { sms: channel('sms'), email: channel('email') },
      reasons: [],
    };
  }
}
