/**
 * Ending signed-in sessions on purpose: one user's, or everyone's after a theft or a breach. Ending a
 * WRSAuth session also ends the single sign-on of the applications behind it: the back-channel logout sweep
 * (oidc-logout.ts) finds the revoked sessions and tells each relying party.
 */
import type { Clock } from '../clock';
import type { UserRow } from '../db/schema';
import { revokeLiveSessions } from '../repositories/sessions';
import { type AuditLog, CLI_ACTOR, type RequestContext } from './audit-log';

/** The account manager who asks, and the session they ask from (kept, so they can go on working). */
export interface SessionRevoker {
  user: Pick<UserRow, 'id' | 'username'>;
  sessionId: string;
}

export class SessionRevocation {
  constructor(
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Ends every live session of every user, but the asking account manager's own (undefined from the CLI,
   * which has no session: then every one). Returns how many ended.
   */
  async everywhere(by: SessionRevoker | undefined, reason: string, context: RequestContext): Promise<number> {
    return this.audit.transaction(async (tx) => {
      const revoked = await revokeLiveSessions(tx, this.clock.now(), { keepSessionId: by?.sessionId });
      await this.audit.record(
        context,
        {
          type: 'sessions_revoked_everywhere',
          userId: by?.user.id,
          username: by?.user.username,
          detail: { revoked, by: by?.user.username ?? CLI_ACTOR, reason, keptOwnSession: by !== undefined },
        },
        tx,
      );
      return revoked;
    });
  }

  /** Ends every live session of one user (from the CLI). Returns how many ended. */
  async ofUser(
    user: Pick<UserRow, 'id' | 'username'>,
    reason: string,
    context: RequestContext,
  ): Promise<number> {
    return this.audit.transaction(async (tx) => {
      const revoked = await revokeLiveSessions(tx, this.clock.now(), { userId: user.id });
      await this.audit.record(
        context,
        {
          type: 'sessions_revoked',
          userId: user.id,
          username: user.username,
          detail: { revoked, by: CLI_ACTOR, reason },
        },
        tx,
      );
      return revoked;
    });
  }
}
