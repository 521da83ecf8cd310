/**
 * GET /readyz: can this instance sign people in right now? The database must answer, and every code channel
 * the practice allows must reach people through a real provider. Reported from configuration and the outbox
 * only: no provider is called, so a probe every few seconds costs no text message, email or API quota.
 */
import type { Channel, InstanceReadiness } from '../../src/shared/api';
import type { Db } from '../db/database';
import type { Courier } from '../delivery/courier';
import { lastPerChannel } from '../repositories/outbox';
import { FIRST_PRACTICE_ID, findPractice } from '../repositories/practices';
import { allowedFactorsOf } from './policy';

export class InstanceReadinessCheck {
  constructor(
    private readonly db: Db,
    private readonly couriers: Record<Channel, Courier>,
  ) {}

  async report(): Promise<InstanceReadiness> {
    let practice: Awaited<ReturnType<typeof findPractice>>;
    let last: Awaited<ReturnType<typeof lastPerChannel>>;
    try {
      practice = await findPractice(this.db, FIRST_PRACTICE_ID);
      last = await lastPerChannel(this.db);
    } catch {
      return {
        status: 'not_ready',
        database: 'unavailable',
        channels: null,
        reasons: ['the database does not answer'],
      };
    }
    const allowed = new Set<string>(allowedFactorsOf(practice));
    const reasons: string[] = [];
    const channel = (name: Channel) => {
      const courier = this.couriers[name];
      const provider = courier.provider === 'dev' ? ('dev_outbox' as const) : courier.provider;
      // A failed last message is reported, not counted: one bad number must not take every instance out.
      if (provider === 'dev_outbox' && allowed.has(name)) {
        reasons.push(
          `${name} codes go to the dev outbox (WRSAUTH_DEV_OUTBOX=1), never to a person: configure ${name === 'sms' ? 'Twilio' : 'SMTP'}`,
        );
      }
      const row = last[name];
      return {
        provider,
        allowed: allowed.has(name),
        lastDelivery: row ? { status: row.status, at: row.updated_at, errorCode: row.error_code } : null,
      };
    };
    const channels = { sms: channel('sms'), email: channel('email') };
    return {
      status: reasons.length === 0 ? 'ready' : 'not_ready',
      database: 'ok',
      channels,
      reasons,
    };
  }
}
