/**
 * The readiness counters under concurrent writers on PostgreSQL (several instances, READ COMMITTED): two
 * connections interleave, in explicit transactions, the writes the triggers of migration 0020 must get right.
 * A change of a user's phone and the confirmation of their app wait for each other (the app's trigger locks
 * the user's row), so neither counts the user from the other's old state; and two users moved between the
 * same two buckets in opposite directions lock the counter rows in one order, so neither transaction
 * deadlocks. After each, the counters equal a plain recount.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/database';
import { openPostgres } from '../../server/db/postgres';
import { ensurePractice } from '../../server/repositories/practices';
import { insertUser, newUserRow } from '../../server/repositories/users';
import { counters, recount } from '../support/factor-counts';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let database: TestDatabase;
let db: Db;
let practiceId: string;
const clients: pg.Client[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  db = await openPostgres(database.url);
  practiceId = (await ensurePractice(db, new Date())).id;
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.end()));
});
afterAll(async () => {
  await db.destroy();
  await database.drop();
});

/** A connection of its own, as another server instance has, in an open transaction. */
async function transaction(): Promise<{ client: pg.Client; pid: number }> {
  const client = new pg.Client({ connectionString: database.url });
  clients.push(client);
  await client.connect();
  const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid as number;
  await client.query('begin');
  return { client, pid };
}

/**
 * Whether `statement`, running on backend `pid`, waits for a lock (polled in pg_stat_activity) or has
 * finished without waiting; bounded, so a statement that does neither fails the test instead of hanging it.
 */
async function waitsOrFinishes(pid: number, statement: Promise<unknown>): Promise<'waits' | 'finished'> {
  let finished = false;
  statement.then(
    () => {
      finished = true;
    },
    () => {
      finished = true;
    },
  );
  for (let polls = 0; polls < 500; polls++) {
    if (finished) return 'finished';
    const row = await sql<{ wait: string | null }>`
      select wait_event_type as wait from pg_stat_activity where pid = ${pid}`.execute(db);
    if (row.rows[0]?.wait === 'Lock') return 'waits';
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`backend ${pid} neither waited for a lock nor finished`);
}

let made = 0;
/** An active user of the practice with `phone` (or none) and no email; with `app`, an app not yet confirmed. */
async function userWith(phone: string | null, app = false): Promise<string> {
  const row = newUserRow({
    practiceId,
    username: `concurrent${made++}`,
    passwordHash: 'not-a-hash: these users never sign in',
    role: 'staff',
    phone,
    email: null,
    now: new Date(),
  });
  await insertUser(db, row);
  if (app)
    await db
      .insertInto('totp_factors')
      .values({
        user_id: row.id,
        secret_sealed: 'sealed',
        created_at: new Date().toISOString(),
        confirmed_at: null,
        last_time_step: null,
      })
      .execute();
  return row.id;
}

/** The bucket user `id` is counted in, by the recount's rule. */
async function bucketOf(id: string) {
  const user = await db
    .selectFrom('users')
    .select(['phone', 'email'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const app = await db
    .selectFrom('totp_factors')
    .select('confirmed_at')
    .where('user_id', '=', id)
    .executeTakeFirst();
  return { phone: user.phone !== null, email: user.email !== null, app: Boolean(app?.confirmed_at) };
}

const removePhone = (client: pg.Client, id: string) =>
  client.query('update users set phone = null where id = $1', [id]);
const addPhone = (client: pg.Client, id: string) =>
  client.query("update users set phone = '+12025550123' where id = $1", [id]);
const confirmApp = (client: pg.Client, id: string) =>
  client.query('update totp_factors set confirmed_at = now()::text where user_id = $1', [id]);

describe('a phone change and an app confirmation of one user, at once', () => {
  it('the confirmation waits for the phone change, then counts the user from their new phone', async () => {
    const id = await userWith('+12025550100', true);
    const phoneChange = await transaction();
    const confirmation = await transaction();
    await removePhone(phoneChange.client, id);

    const confirming = confirmApp(confirmation.client, id);
    expect(await waitsOrFinishes(confirmation.pid, confirming)).toBe('waits');
    await phoneChange.client.query('commit');
    await confirming;
    await confirmation.client.query('commit');

    expect(await bucketOf(id)).toEqual({ phone: false, email: false, app: true });
    expect(await counters(db)).toEqual(await recount(db));
  });

  it('the phone change waits for the confirmation, then counts the user with their app', async () => {
    const id = await userWith('+12025550100', true);
    const phoneChange = await transaction();
    const confirmation = await transaction();
    await confirmApp(confirmation.client, id);

    const changing = removePhone(phoneChange.client, id);
    expect(await waitsOrFinishes(phoneChange.pid, changing)).toBe('waits');
    await confirmation.client.query('commit');
    await changing;
    await phoneChange.client.query('commit');

    expect(await bucketOf(id)).toEqual({ phone: false, email: false, app: true });
    expect(await counters(db)).toEqual(await recount(db));
  });
});

describe('two users moved between the same two buckets in opposite directions, at once', () => {
  it('lock the counter rows in one order: both commit, no deadlock', async () => {
    const gaining = await userWith(null); // from (no phone) to (phone)
    const losing = await userWith('+12025550100'); // from (phone) to (no phone)
    // A third transaction holds the lower bucket (no phone), so both moves queue behind it: the first for its
    // old bucket, the second for its new one. Were the second to take its old bucket (phone) first, as a move
    // in old-then-new order would, the first would then wait for it while it waits for the first: deadlock.
    const holder = await transaction();
    await holder.client.query(
      `select users from user_factor_counts
       where practice_id = $1 and has_phone = 0 and has_email = 0 and has_totp = 0 for update`,
      [practiceId],
    );
    const first = await transaction();
    const second = await transaction();
    const firstMove = addPhone(first.client, gaining);
    expect(await waitsOrFinishes(first.pid, firstMove)).toBe('waits');
    const secondMove = removePhone(second.client, losing);
    expect(await waitsOrFinishes(second.pid, secondMove)).toBe('waits');

    await holder.client.query('commit');
    await expect(firstMove).resolves.toBeDefined();
    await first.client.query('commit');
    await expect(secondMove).resolves.toBeDefined();
    await second.client.query('commit');

    expect(await bucketOf(gaining)).toMatchObject({ phone: true });
    expect(await bucketOf(losing)).toMatchObject({ phone: false });
    expect(await counters(db)).toEqual(await recount(db));
  });
});
