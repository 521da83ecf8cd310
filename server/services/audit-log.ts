/** Writes security events. Callers pass facts (channel, masked target, counts), never secrets. */
import type { Logger } from 'pino';
import type { AuditEventType } from '../../src/shared/audit-events';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import { insertAuditEvent } from '../repositories/audit';
import { newSortableId } from '../secrets';

export type { AuditEventType } from '../../src/shared/audit-events';

/** Who asked, as far as the server can tell. */
export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
}

export const CLI_CONTEXT: RequestContext = { ip: null, userAgent: 'wrsauth-cli' };

export interface AuditEntry {
  type: AuditEventType;
  userId?: string | null;
  username?: string | null;
  detail?: Record<string, string | number | boolean | null | undefined>;
}

export class AuditLog {
  private readonly listeners: ((entry: AuditEntry) => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Hears every event once it is written (the metrics count them). */
  listen(listener: (entry: AuditEntry) => void): void {
    this.listeners.push(listener);
  }

  /** Pass `executor` to write the event inside the caller's transaction. */
  async record(context: RequestContext, entry: AuditEntry, executor: Db = this.db): Promise<void> {
    const now = this.clock.now();
    await insertAuditEvent(executor, {
      id: newSortableId(now),
      at: now.toISOString(),
      user_id: entry.userId ?? null,
      username: entry.username ?? null,
      ip: context.ip,
      user_agent: context.userAgent?.slice(0, 512) ?? null,
      event_type: entry.type,
      detail: JSON.stringify(entry.detail ?? {}),
    });
    // Operators watch the log; the same secret-free facts go there as well.
    this.log.info(
      { audit: entry.type, userId: entry.userId, ip: context.ip, detail: entry.detail },
      entry.type,
    );
    for (const listener of this.listeners) listener(entry);
  }
}
