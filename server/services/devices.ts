/** The signed-in user's trusted workstations: list, revoke one, revoke all. Every revocation is audited. */
import { ErrorCode, type TrustedDevice } from '../../src/shared/api';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import type { UserRow } from '../db/schema';
import { AppError } from '../errors';
import { revokeTrustedDevices } from '../repositories/sessions';
import {
  listLiveTrustedDevices,
  revokeAllTrustedDevices,
  revokeTrustedDevice,
} from '../repositories/trusted-devices';
import { type AuditLog, CLI_ACTOR, type RequestContext } from './audit-log';

export class DeviceService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  async list(userId: string): Promise<TrustedDevice[]> {
    const rows = await listLiveTrustedDevices(this.db, userId, this.clock.now());
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
      expiresAt: row.expires_at,
    }));
  }

  /** Revokes one of the user's workstations; `by` names the account manager doing it for them. */
  async revoke(user: UserRow, deviceId: string, context: RequestContext, by?: string): Promise<void> {
    if (!(await revokeTrustedDevice(this.db, user.id, deviceId, this.clock.now()))) {
      throw new AppError(
        404,
        ErrorCode.notFound,
        by
          ? 'There is no such trusted workstation on this account.'
          : 'There is no such trusted workstation on your account.',
      );
    }
    await this.audit.record(context, {
      type: 'trusted_device_revoked',
      userId: user.id,
      username: user.username,
      detail: { deviceId, ...(by && { by }) },
    });
  }

  async revokeAll(user: UserRow, context: RequestContext): Promise<number> {
    const revoked = await revokeTrustedDevices(this.db, user.id, this.clock.now());
    await this.audit.record(context, {
      type: 'trusted_devices_revoked',
      userId: user.id,
      username: user.username,
      detail: { revoked },
    });
    return revoked;
  }

  /**
   * Every trusted workstation of every user: each next sign-in asks for a code. `admin` is the account
   * manager doing it (on record as the event's user); undefined from the CLI.
   */
  async revokeEverywhere(
    admin: Pick<UserRow, 'id' | 'username'> | undefined,
    reason: string,
    context: RequestContext,
  ): Promise<number> {
    const revoked = await revokeAllTrustedDevices(this.db, this.clock.now());
    await this.audit.record(context, {
      type: 'trusted_devices_revoked_everywhere',
      userId: admin?.id,
      username: admin?.username,
      detail: { revoked, by: admin?.username ?? CLI_ACTOR, reason },
    });
    return revoked;
  }
}
