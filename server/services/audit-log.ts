/** Writes security events. Callers pass facts (channel, masked target, counts), never secrets. */
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import { insertAuditEvent } from '../repositories/audit';
import { newSortableId } from '../secrets';

export type AuditEventType =
  | 'login_succeeded'
  | 'login_failed'
  | 'login_rate_limited'
  | 'login_blocked_locked'
  | 'account_locked'
  | 'enrollment_required'
  | 'challenge_created'
  | 'code_sent'
  | 'code_send_rate_limited'
  | 'sms_limit_reached'
  | 'sms_country_blocked'
  | 'code_delivery_failed'
  | 'code_delivery_reported'
  | 'password_reset_requested'
  | 'password_reset_code_invalid'
  | 'password_reset_verified'
  | 'password_reset_completed'
  | 'password_reset_rate_limited'
  | 'code_invalid'
  | 'code_expired'
  | 'challenge_exhausted'
  | 'trusted_device_created'
  | 'trusted_device_used'
  | 'session_signed_out'
  | 'user_created'
  | 'policy_changed'
  | 'account_unlocked'
  | 'two_factor_reset'
  | 'trusted_device_revoked'
  | 'trusted_devices_revoked'
  | 'totp_enrollment_started'
  | 'totp_enrolled'
  | 'totp_removed'
  | 'recovery_codes_generated'
  | 'recovery_code_used'
  | 'password_recheck_failed'
  | 'password_changed'
  | 'profile_updated'
  | 'contact_change_started'
  | 'contact_code_invalid'
  | 'contact_changed'
  | 'contact_set_by_admin'
  | 'contact_removed'
  | 'user_updated'
  | 'user_deactivated'
  | 'user_reactivated'
  | 'trusted_devices_revoked_everywhere'
  | 'location_created'
  | 'location_renamed'
  | 'recovery_checklist_changed'
  | 'recovery_bypass_issued'
  | 'bypass_code_used'
  | 'temporary_password_set';

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
