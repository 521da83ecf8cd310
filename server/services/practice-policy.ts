/**
 * The practice policy as the console reads and writes it. Every change is audited with who made it and
 * why; the admin CLI's set-policy remains for IT at a terminal.
 */
import { TIME_ZONE_PROBLEM, timeZoneName } from '../../src/shared/account-dates';
import { ErrorCode, type PolicyUpdate, type PolicyView } from '../../src/shared/api';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import type { PracticeRow, UserRow } from '../db/schema';
import { AppError } from '../errors';
import { ensurePractice, updatePolicy } from '../repositories/practices';
import type { AuditLog, RequestContext } from './audit-log';
import { allowedFactorsOf, effectiveMode } from './policy';

export class PracticePolicyService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  async get(): Promise<PolicyView> {
    return this.view(await ensurePractice(this.db, this.clock.now()));
  }

  async update(admin: UserRow, input: PolicyUpdate, context: RequestContext): Promise<PolicyView> {
    const now = this.clock.now();
    const practice = await ensurePractice(this.db, now);
    const timeZone = input.timeZone === undefined ? practice.time_zone : timeZoneName(input.timeZone);
    if (timeZone === undefined)
      throw new AppError(400, ErrorCode.badRequest, `timeZone: ${TIME_ZONE_PROBLEM}`);
    const change = {
      policy_mode: input.mode,
      enforce_after: input.enforceAfter,
      code_ttl_seconds: input.codeTtlSeconds,
      remember_days: input.rememberDays,
      idle_lock_minutes: input.idleLockMinutes,
      allowed_factors: [...new Set(input.allowedFactors)].join(','),
      // Left out by a console older than it: the practice's setting stays.
      self_service_reset: input.selfServiceReset ?? practice.self_service_reset,
      time_zone: timeZone,
    };
    await updatePolicy(this.db, practice.id, change, now);
    await this.audit.record(context, {
      type: 'policy_changed',
      userId: admin.id,
      username: admin.username,
      detail: { ...change, reason: input.reason, by: admin.username },
    });
    return this.view({ ...practice, ...change, updated_at: now.toISOString() });
  }

  private view(practice: PracticeRow): PolicyView {
    return {
      mode: practice.policy_mode,
      enforceAfter: practice.enforce_after,
      effectiveMode: effectiveMode(practice, this.clock.now()),
      codeTtlSeconds: practice.code_ttl_seconds,
      rememberDays: practice.remember_days,
      idleLockMinutes: practice.idle_lock_minutes,
      allowedFactors: allowedFactorsOf(practice),
      selfServiceReset: practice.self_service_reset,
      timeZone: practice.time_zone,
      updatedAt: practice.updated_at,
    };
  }
}
