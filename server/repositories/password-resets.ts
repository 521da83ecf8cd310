/**
 * Password resets: a code flow (see code-flows) with two steps. A reset holds where its code went
 * (`code_target`) and the factors proven so far; every update that moves it on is held to the step it was
 * made for (`first_factor` as it was read), so a send or a proof that lands after the step moved is dropped.
 */
import type { Db } from '../db/database';
import type { PasswordResetTable } from '../db/schema';
import { advanceFlow, MAX_ATTEMPTS, type Narrow, storeCode } from './code-flows';

export async function insertReset(db: Db, reset: PasswordResetTable): Promise<void> {
  await db.insertInto('password_resets').values(reset).execute();
}

export function findReset(db: Db, id: string) {
  return db.selectFrom('password_resets').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The proof a reset holds so far: none yet (`null`), or the factor the first code proved. */
type FirstFactor = string | null;

/** Holds an update to the reset's step: no proof yet, or this first factor. */
const atStep =
  (firstFactor: FirstFactor): Narrow =>
  (update) =>
    update.where('first_factor', firstFactor === null ? 'is' : '=', firstFactor);

/**
 * Replaces the reset's code (earlier codes stop working) with one sent to `target`, or, for a decoy's send,
 * with none (`codeHmac` and `target` null) that still expires like a real one. Only while the reset is at
 * the step the send was made for.
 */
export async function storeResetCode(
  db: Db,
  id: string,
  code: { codeHmac: string | null; expiresAt: Date; target: string | null },
  firstFactor: FirstFactor,
): Promise<void> {
  await storeCode(db, 'password_resets', id, code, {
    also: { code_target: code.target },
    narrow: atStep(firstFactor),
  });
}

/**
 * The first code was right and a second proof is needed: the factor is kept, the code is gone, and the second
 * step gets its own attempts and sends.
 */
export const markFirstProof = (db: Db, id: string, codeHmac: string, factor: string, now: Date) =>
  advanceFlow(
    db,
    'password_resets',
    id,
    { to: 'pending', codeHmac, now },
    {
      also: {
        first_factor: factor,
        code_target: null,
        code_expires_at: null,
        attempts_remaining: MAX_ATTEMPTS,
        sends: 0,
      },
      narrow: atStep(null),
    },
  );

/**
 * pending → verified, with every proof it needed, or pending → refused (the first code was right, but this
 * user must ask the account manager): only at the step the proof was checked for and, for a sent code,
 * while the reset still holds that code.
 */
export function endReset(
  db: Db,
  id: string,
  end: { to: 'verified' | 'refused'; firstFactor: FirstFactor; codeHmac?: string; now: Date },
  factors: { first: string; second: string | null },
): Promise<boolean> {
  const { to, codeHmac, now } = end;
  return advanceFlow(
    db,
    'password_resets',
    id,
    { to, codeHmac, now },
    {
      also: {
        code_target: null,
        first_factor: factors.first,
        ...(to === 'verified' && { second_factor: factors.second, verified_at: now.toISOString() }),
      },
      narrow: atStep(end.firstFactor),
    },
  );
}

/** verified → used: exactly one new password per verified reset. */
export async function useReset(db: Db, id: string, now: Date): Promise<boolean> {
  const row = await db
    .updateTable('password_resets')
    .set({ status: 'used' })
    .where('id', '=', id)
    .where('status', '=', 'verified')
    .where('expires_at', '>', now.toISOString())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
