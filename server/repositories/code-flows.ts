/**
 * The shared columns of every flow that sends a one-time code to a contact (CodeFlowColumns: sign-in
 * challenges, password resets, contact changes), moved on for any of their tables. Every change that guards
 * against guessing is one conditional UPDATE, so parallel requests (or several server instances) cannot get
 * more than their share. Each flow's own repository inserts and reads its rows and adds its own columns.
 */
import type { Updateable } from 'kysely';
import { addSeconds } from '../clock';
import type { Db } from '../db/database';
import { type Prepared, prepared } from '../db/prepared';
import type { CodeFlowColumns, Database } from '../db/schema';

export const MAX_ATTEMPTS = 5;
export const MAX_SENDS = 5;

/** The tables of flows that hold a one-time code: sign-in challenges, password resets, contact changes. */
export type CodeFlowTable = 'challenges' | 'password_resets' | 'contact_changes';

/**
 * Where a right proof moves a pending flow: `used` or `verified` (a password reset, until its new password),
 * `refused` (a reset whose user must ask the account manager), or `pending` still, at its next step.
 */
export type CodeFlowMove = 'pending' | 'verified' | 'used' | 'refused';

/** A flow's own columns, set together with the shared ones. */
export type OwnColumns = { [T in CodeFlowTable]: Updateable<Database[T]> }[CodeFlowTable];

/** An UPDATE of one pending flow, before its SET; a flow with steps narrows it to the step (see narrow). */
function pendingFlow(db: Db, table: CodeFlowTable, id: string) {
  return db.updateTable(table).where('id', '=', id).where('status', '=', 'pending');
}
export type PendingFlowUpdate = ReturnType<typeof pendingFlow>;

/** What a flow with steps (a password reset) adds to an update so it lands only at the step it was made for. */
export type Narrow = (update: PendingFlowUpdate) => PendingFlowUpdate;
const asIs: Narrow = (update) => update;

/** Takes one of the flow's sends; false once all are used or the flow is over. */
export async function takeSend(db: Db, table: CodeFlowTable, id: string, now: Date): Promise<boolean> {
  const row = await pendingFlow(db, table, id)
    .set((eb) => ({ sends: eb('sends', '+', 1) }))
    .where('sends', '<', MAX_SENDS)
    .where('expires_at', '>', now.toISOString())
    .returning('sends')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Replaces the flow's code: earlier codes stop working. A null `codeHmac` keeps a code that expires like a
 * sent one but that nothing matches (a password reset's decoy or withheld send).
 */
export async function storeCode(
  db: Db,
  table: CodeFlowTable,
  id: string,
  code: { codeHmac: string | null; expiresAt: Date },
  options: { also?: OwnColumns; narrow?: Narrow } = {},
): Promise<void> {
  const { also, narrow = asIs } = options;
  await narrow(pendingFlow(db, table, id))
    .set({ ...also, code_hmac: code.codeHmac, code_expires_at: code.expiresAt.toISOString() })
    .execute();
}

/** Spends one attempt; answers how many are left, or undefined when none was. */
export async function spendAttempt(db: Db, table: CodeFlowTable, id: string): Promise<number | undefined> {
  const row = await pendingFlow(db, table, id)
    .set((eb) => ({ attempts_remaining: eb('attempts_remaining', '-', 1) }))
    .where('attempts_remaining', '>', 0)
    .returning('attempts_remaining')
    .executeTakeFirst();
  return row?.attempts_remaining;
}

/** The attempts a flow has left, read again after a proof lost its race (0 says guesses ran it out). */
export async function attemptsLeft(db: Db, table: CodeFlowTable, id: string): Promise<number | undefined> {
  const row = await db.selectFrom(table).select('attempts_remaining').where('id', '=', id).executeTakeFirst();
  return row?.attempts_remaining;
}

/**
 * Moves a pending flow on with a right proof (pending → `to`), only while it has attempts left and is
 * unexpired and, for a sent code, still holds the code that was checked: exactly one of several parallel
 * right answers wins. Proofs that send nothing (authenticator app, recovery or bypass code) pass no
 * `codeHmac`. The code is gone either way. `also` sets the flow's own columns; `narrow` holds it to the step
 * the proof was for.
 */
export async function advanceFlow(
  db: Db,
  table: CodeFlowTable,
  id: string,
  end: { to: CodeFlowMove; codeHmac?: string; now: Date },
  options: { also?: OwnColumns; narrow?: Narrow } = {},
): Promise<boolean> {
  const { also, narrow = asIs } = options;
  if (!also && narrow === asIs) {
    // The plain move (every sign-in's): built once per table and kind of proof.
    const { codeHmac } = end;
    const values = { id, to: end.to, now: end.now.toISOString() };
    const row =
      codeHmac === undefined
        ? await plainMove(table, false).first(db, values)
        : await plainMove(table, true).first(db, { ...values, codeHmac });
    return row !== undefined;
  }
  let update = narrow(pendingFlow(db, table, id))
    .where('attempts_remaining', '>', 0)
    .where('expires_at', '>', end.now.toISOString());
  if (end.codeHmac !== undefined) update = update.where('code_hmac', '=', end.codeHmac);
  const row = await update
    .set({ ...also, status: end.to, code_hmac: null })
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

type PlainMoveValues = { id: string; to: CodeFlowMove; now: string; codeHmac?: string };
const plainMoves = new Map<string, Prepared<PlainMoveValues, { id: string }>>();

/** advanceFlow's update without a flow's own columns or step, for a proof that holds a sent code or not. */
function plainMove(table: CodeFlowTable, withCode: boolean): Prepared<PlainMoveValues, { id: string }> {
  const key = `${table} ${withCode}`;
  let move = plainMoves.get(key);
  if (!move) {
    move = prepared((db, p: PlainMoveValues) => {
      const update = pendingFlow(db, table, p.id)
        .where('attempts_remaining', '>', 0)
        .where('expires_at', '>', p.now);
      return (withCode ? update.where('code_hmac', '=', p.codeHmac as string) : update)
        .set({ status: p.to, code_hmac: null })
        .returning('id');
    });
    plainMoves.set(key, move);
  }
  return move;
}

/** The shared columns of a new pending flow: all its attempts and sends, no code yet. */
export function newPendingFlow(id: string, now: Date, ttlSeconds: number): CodeFlowColumns<'pending'> {
  return {
    id,
    status: 'pending',
    attempts_remaining: MAX_ATTEMPTS,
    sends: 0,
    code_hmac: null,
    code_expires_at: null,
    created_at: now.toISOString(),
    expires_at: addSeconds(now, ttlSeconds).toISOString(),
  };
}
