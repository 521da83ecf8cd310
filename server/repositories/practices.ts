import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database';
import type { PracticeRow, PracticeTable } from '../db/schema';

export const DEFAULT_LOCATION = 'Main Office';

export type PolicyChange = Partial<
  Pick<PracticeTable, 'policy_mode' | 'enforce_after' | 'code_ttl_seconds' | 'remember_days'>
>;

/** This server serves one practice; a new data dir gets it on first use, with policy `optional`. */
export async function ensurePractice(db: Db, now: Date): Promise<PracticeRow> {
  const existing = await db.selectFrom('practices').selectAll().orderBy('created_at').executeTakeFirst();
  if (existing) return existing;
  const at = now.toISOString();
  const practice: PracticeRow = {
    id: randomUUID(),
    name: 'Practice',
    policy_mode: 'optional',
    enforce_after: null,
    code_ttl_seconds: 600,
    remember_days: 30,
    idle_lock_minutes: 15,
    created_at: at,
    updated_at: at,
  };
  await db.transaction().execute(async (tx) => {
    await tx.insertInto('practices').values(practice).execute();
    await tx
      .insertInto('locations')
      .values({ id: randomUUID(), practice_id: practice.id, name: DEFAULT_LOCATION, created_at: at })
      .execute();
  });
  return practice;
}

export async function updatePolicy(db: Db, practiceId: string, change: PolicyChange, now: Date) {
  await db
    .updateTable('practices')
    .set({ ...change, updated_at: now.toISOString() })
    .where('id', '=', practiceId)
    .execute();
}

export async function findOrCreateLocation(db: Db, practiceId: string, name: string, now: Date) {
  await db
    .insertInto('locations')
    .values({ id: randomUUID(), practice_id: practiceId, name, created_at: now.toISOString() })
    .onConflict((oc) => oc.columns(['practice_id', 'name']).doNothing())
    .execute();
  return db
    .selectFrom('locations')
    .select(['id', 'name'])
    .where('practice_id', '=', practiceId)
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
}

export function findPractice(db: Db, id: string) {
  return db.selectFrom('practices').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}
