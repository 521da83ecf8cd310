/** Writes security events. Callers pass facts (channel, masked target, counts), never secrets. */
import os from 'node:os';
import type { Logger } from 'pino';
import type { AuditEventType } from '../../src/shared/audit-events';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import { auditLogger } from '../logger';
import { insertAuditEvent } from '../repositories/audit';
import { newSortableId } from '../secrets';

export type { AuditEventType } from '../../src/shared/audit-events';

/** Who asked, as far as the server can tell. */
export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
}

/**
 * The operating-system user running the admin CLI: an auditor must know who, not only that it was "the CLI".
 * os.userInfo() throws where the uid has no passwd entry (some containers); the environment is next best.
 * Run through sudo as the service's user (docs/deploy-server.md's `wrsauth` function passes SUDO_USER on), it
 * names the person too: "alice as wrsauth". SUDO_USER is the invoker's word, not proof: whoever runs the CLI
 * can already write to the database, so it attributes, it does not authorize.
 */
export function operatingSystemUser(env: NodeJS.ProcessEnv = process.env): string {
  const runAs = processUser(env);
  const invoker = env.SUDO_USER?.trim();
  return invoker && invoker !== runAs ? `${invoker} as ${runAs}` : runAs;
}

function processUser(env: NodeJS.ProcessEnv): string {
  try {
    const name = os.userInfo().username;
    if (name) return name;
  } catch {
    // No passwd entry for this uid: fall through.
  }
  return env.USER || env.USERNAME || 'unknown';
}

/** Who did it, when the admin CLI did: "(cli: alice)", as the audit trail's `by` names an actor. */
export const CLI_ACTOR = `(cli: ${operatingSystemUser()})`;

/** The admin CLI's context: no address, and a user agent naming the operating-system user. */
export const CLI_CONTEXT: RequestContext = { ip: null, userAgent: `wrsauth-cli ${CLI_ACTOR}` };

/**
 * A password reset's id as the audit trail and the logs may hold it: its first 8 characters. The whole id
 * lets whoever holds it go on with the reset, so it never leaves the reset's own row and the client.
 */
export const resetIdPrefix = (resetId: string) => resetId.slice(0, 8);

export interface AuditEntry {
  type: AuditEventType;
  userId?: string | null;
  username?: string | null;
  detail?: Record<string, string | number | boolean | null | undefined>;
}

declare const audited: unique symbol;

/**
 * A transaction opened by `AuditLog.transaction`: the only kind `record` writes into, so that an event of a
 * transaction that rolls back is never logged or counted.
 */
export type AuditedTx = Db & { readonly [audited]: true };

export class AuditLog {
  private readonly listeners: ((entry: AuditEntry) => void)[] = [];
  /** Per open transaction: what to log and count once it commits. */
  private readonly held = new WeakMap<Db, Array<() => void>>();
  private readonly log: Logger;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    log: Logger,
  ) {
    this.log = auditLogger(log);
  }

  /** Hears every event once it is committed (the metrics count them). */
  listen(listener: (entry: AuditEntry) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Runs `work` in one transaction. The events it records are written with it, and logged and told to the
   * listeners only once it commits: a rolled-back sign-in leaves no log line and no count behind.
   */
  async transaction<T>(work: (tx: AuditedTx) => Promise<T>): Promise<T> {
    const held: Array<() => void> = [];
    const result = await this.db.transaction().execute((tx) => {
      this.held.set(tx, held);
      return work(tx as Db as AuditedTx);
    });
    for (const tell of held) tell();
    return result;
  }

  /** Pass `tx` (from `transaction`) to write the event inside the caller's transaction. */
  async record(context: RequestContext, entry: AuditEntry, tx?: AuditedTx): Promise<void> {
    const executor = tx ?? this.db;
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
    const tell = () => {
      // Operators watch the log; the same secret-free facts go there as well.
      this.log.info(
        { audit: entry.type, userId: entry.userId, ip: context.ip, detail: entry.detail },
        entry.type,
      );
      for (const listener of this.listeners) listener(entry);
    };
    const held = tx && this.held.get(tx);
    if (held) held.push(tell);
    else tell();
  }
}
