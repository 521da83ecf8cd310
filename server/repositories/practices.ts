import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database';
import { DEFAULT_SMS_PER_HOUR } from '../db/migrations';
import type { PracticeRow, PracticeTable, SelfServiceResetValue } from '../db/schema';

export const DEFAULT_LOCATION = 'Main Office';

export type PolicyChange = Partial<
  Pick<
    PracticeTable,
    | 'policy_mode'
    | 'enforce_after'
    | 'code_ttl_seconds'
    | 'remember_days'
    | 'idle_lock_minutes'
    | 'sms_per_hour'
    | 'sms_countries'
  >
> & { allowed_factors?: string; self_service_reset?: SelfServiceResetValue; time_zone?: string };

/**
 * The id of the practice a new database gets. Fixed, so that two instances (or a CLI run and a server)
 * starting together on one empty database cannot each create one: the second insert does nothing.
 */
export const FIRST_PRACTICE_ID = '00000000-0000-4000-8000-000000000001';

/** This server serves one practice; a new database gets it on first use, with policy `optional`. */
export async function ensurePractice(db: Db, now: Date): Promise<PracticeRow> {
  const existing = await firstPractice(db);
  if (existing) return existing;
  const at = now.toISOString();
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('practices')
      .values({
        id: FIRST_PRACTICE_ID,
        name: 'Practice',
        policy_mode: 'optional',
        enforce_after: null,
        code_ttl_seconds: 600,
        remember_days: 30,
        idle_lock_minutes: 15,
        sms_per_hour: DEFAULT_SMS_PER_HOUR,
        sms_countries: null,
        created_at: at,
        updated_at: at,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    await tx
      .insertInto('locations')
      .values({ id: randomUUID(), practice_id: FIRST_PRACTICE_ID, name: DEFAULT_LOCATION, created_at: at })
      .onConflict((oc) => oc.columns(['practice_id', 'name']).doNothing())
      .execute();
  });
  const practice = await firstPractice(db);
  if (!practice) throw new Error('the practice row vanished while it was being created');
  return practice;
}

function firstPractice(db: Db) {
  return db.selectFrom('practices').selectAll().orderBy('created_at').orderBy('id').executeTakeFirst();
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

/** The practice's guided-recovery checklist (RecoveryChecklist as JSON text). */
export async function setRecoveryChecklist(db: Db, practiceId: string, checklist: string): Promise<void> {
  await db
    .updateTable('practices')
    .set({ recovery_checklist: checklist })
    .where('id', '=', practiceId)
    .execute();
}

/** The cheapest read that shows the database answers (GET /healthz); throws when it does not. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.selectFrom('practices').select('id').limit(1).execute();
}
