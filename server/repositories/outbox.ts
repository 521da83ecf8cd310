/**
 * The outbox: what became of each message handed to a provider. A row is written `queued` before the provider
 * is called, so a send that dies with its process is still on record, and the sweep settles it.
 */
import type { Db } from '../db/database';
import { prepared } from '../db/prepared';
import type { OutboxRow, OutboxStatus, OutboxTable } from '../db/schema';
import { newSortableId } from '../secrets';

/** Statuses a message can no longer leave. */
export const FINAL_STATUSES = ['delivered', 'failed', 'undelivered'] as const satisfies OutboxStatus[];

/** The statuses a message may move to `status` from: forward only, since callbacks arrive in any order. */
const EARLIER: Record<OutboxStatus, OutboxStatus[]> = {
  queued: [],
  sent: ['queued'],
  delivered: ['queued', 'sent'],
  failed: ['queued', 'sent'],
  undelivered: ['queued', 'sent'],
};

export type NewOutboxMessage = Pick<
  OutboxTable,
  'challenge_id' | 'user_id' | 'channel' | 'masked_target' | 'provider'
>;

export async function enqueue(db: Db, message: NewOutboxMessage, now: Date): Promise<string> {
  const id = newSortableId(now);
  const at = now.toISOString();
  await db
    .insertInto('outbox')
    .values({
      id,
      ...message,
      provider_message_id: null,
      status: 'queued',
      error_code: null,
      created_at: at,
      sent_at: null,
      updated_at: at,
    })
    .execute();
  return id;
}

export interface StatusChange {
  status: OutboxStatus;
  errorCode?: string | null;
  providerMessageId?: string | null;
}

/** Moves a message forward; returns false when it already stands at (or past) that status. */
export async function advance(db: Db, id: string, change: StatusChange, now: Date): Promise<boolean> {
  const at = now.toISOString();
  const earlier = EARLIER[change.status];
  if (earlier.length === 0) return false;
  const result = await db
    .updateTable('outbox')
    .set((eb) => ({
      status: change.status,
      updated_at: at,
      ...(change.status === 'sent' ? { sent_at: at } : {}),
      ...(change.errorCode !== undefined ? { error_code: change.errorCode } : {}),
      provider_message_id:
        change.providerMessageId == null
          ? eb.ref('provider_message_id')
          : eb.fn.coalesce('provider_message_id', eb.val(change.providerMessageId)),
    }))
    .where('id', '=', id)
    .where('status', 'in', earlier)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function findMessage(db: Db, id: string): Promise<OutboxRow | undefined> {
  return db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The latest message sent for a sign-in challenge. */
/** Read by every verify of a sent code (which channel it went by): built once (see prepared). */
const lastMessageOf = prepared((db, p: { challengeId: string }) =>
  db
    .selectFrom('outbox')
    .selectAll()
    .where('challenge_id', '=', p.challengeId)
    .orderBy('id', 'desc')
    .limit(1),
);

export async function lastForChallenge(db: Db, challengeId: string): Promise<OutboxRow | undefined> {
  return lastMessageOf.first(db, { challengeId });
}

/**
 * Settles messages left `queued` by a process that died mid-send: a send ends within its deadline, so one still
 * queued after `olderThan` never reached an answer. Returns how many were settled.
 */
export async function settleAbandoned(db: Db, olderThan: Date, now: Date): Promise<number> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'failed', error_code: 'abandoned', updated_at: now.toISOString() })
    .where('status', '=', 'queued')
    .where('created_at', '<', olderThan.toISOString())
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Each channel's most recent message (by creation), for GET /readyz: its status and when, nothing else. */
export async function lastPerChannel(
  db: Db,
): Promise<
  Record<OutboxRow['channel'], Pick<OutboxRow, 'status' | 'updated_at' | 'error_code'> | undefined>
> {
  const last = (channel: OutboxRow['channel']) =>
    db
      .selectFrom('outbox')
      .select(['status', 'updated_at', 'error_code'])
      .where('channel', '=', channel)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  const [sms, email] = await Promise.all([last('sms'), last('email')]);
  return { sms, email };
}
