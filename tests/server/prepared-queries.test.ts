/**
 * Prepared queries (server/db/prepared.ts): built and compiled once, run with each call's own values. The
 * rule they must keep is that nothing of one call's values reaches the next: the sign-in path reads a
 * challenge, a user and writes a session through them, and a leaked parameter would hand one person's row to
 * another. On a real SQLite data dir or PostgreSQL database (the vitest project picks which).
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../server/config';
import { closeDatabase, type Db, openDatabase } from '../../server/db/database';
import { prepared } from '../../server/db/prepared';
import { insertAuditEvent } from '../../server/repositories/audit';
import { createChallenge, findChallengeWithUser } from '../../server/repositories/challenges';
import { newPendingFlow } from '../../server/repositories/code-flows';
import { replaceUserLocations } from '../../server/repositories/locations';
import { ensurePractice } from '../../server/repositories/practices';
import {
  findUserWithPolicy,
  findUserWithTimeZone,
  insertUser,
  locationsOf,
  newUserRow,
  POLICY_COLUMNS,
  SIGN_IN_USER_COLUMNS,
} from '../../server/repositories/users';
import { makeDataDir, removeDataDir } from '../cli-helpers/wrsauth-process';
import { createTestDatabase, TEST_BACKEND, type TestDatabase } from '../support/test-database';

let dataDir: string;
let database: TestDatabase | undefined;
let db: Db;

beforeEach(async () => {
  dataDir = makeDataDir();
  database = TEST_BACKEND === 'postgres' ? await createTestDatabase() : undefined;
  const config = loadConfig({
    WRSAUTH_DATA_DIR: dataDir,
    WRSAUTH_SECRET: randomBytes(32).toString('base64'),
    ...(database && { WRSAUTH_DATABASE_URL: database.url }),
  });
  db = await openDatabase(config.database, config.dataDir);
});
afterEach(async () => {
  await closeDatabase(db);
  await database?.drop();
  removeDataDir(dataDir);
});

/** Casey, a staff user with a phone, in the practice. */
async function insertCasey() {
  const now = new Date();
  const practice = await ensurePractice(db, now);
  const user = newUserRow({
    practiceId: practice.id,
    username: 'casey',
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g',
    firstName: 'Casey',
    lastName: 'Kip',
    role: 'staff',
    phone: '+12025553816',
    email: null,
    now,
  });
  await insertUser(db, user);
  return { now, practice, user };
}

/** The locations l1 "North" and l2 "South". */
async function insertNorthAndSouth(practiceId: string) {
  const at = new Date().toISOString();
  await db
    .insertInto('locations')
    .values([
      { id: 'l1', practice_id: practiceId, name: 'North', created_at: at },
      { id: 'l2', practice_id: practiceId, name: 'South', created_at: at },
    ])
    .execute();
}

const event = (id: string, username: string, eventType: string) => ({
  id,
  at: '2026-12-05T10:00:00.000Z',
  user_id: null,
  username,
  ip: '127.0.0.1',
  user_agent: null,
  event_type: eventType,
  detail: JSON.stringify({ n: id }),
});

const byUserAndType = prepared((db, p: { username: string; eventType: string }) =>
  db
    .selectFrom('audit_events')
    .select(['id', 'detail'])
    .where('username', '=', p.username)
    .where('event_type', '=', p.eventType)
    .orderBy('id'),
);

describe('a prepared query', () => {
  it("binds each call's own values: the first call's do not leak into the second", async () => {
    // insertAuditEvent is itself prepared: each row must hold its own call's values.
    await insertAuditEvent(db, event('e1', 'alice', 'login_succeeded'));
    await insertAuditEvent(db, event('e2', 'bob', 'login_succeeded'));
    await insertAuditEvent(db, event('e3', 'bob', 'login_failed'));

    expect(await byUserAndType.all(db, { username: 'alice', eventType: 'login_succeeded' })).toEqual([
      { id: 'e1', detail: JSON.stringify({ n: 'e1' }) },
    ]);
    expect(await byUserAndType.all(db, { username: 'bob', eventType: 'login_failed' })).toEqual([
      { id: 'e3', detail: JSON.stringify({ n: 'e3' }) },
    ]);
    // Values in the other order than the builder placed them still land where they belong.
    expect(await byUserAndType.first(db, { eventType: 'login_succeeded', username: 'bob' })).toEqual({
      id: 'e2',
      detail: JSON.stringify({ n: 'e2' }),
    });
    expect(
      await byUserAndType.first(db, { username: 'nobody', eventType: 'login_succeeded' }),
    ).toBeUndefined();
  });

  it('runs inside a transaction as on the database, and its writes roll back with it', async () => {
    await db
      .transaction()
      .execute(async (tx) => {
        await insertAuditEvent(tx, event('t1', 'carol', 'login_succeeded'));
        expect(await byUserAndType.all(tx, { username: 'carol', eventType: 'login_succeeded' })).toHaveLength(
          1,
        );
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(await byUserAndType.all(db, { username: 'carol', eventType: 'login_succeeded' })).toEqual([]);
  });

  it("answers how many rows a write changed, with that call's values", async () => {
    await insertNorthAndSouth((await ensurePractice(db, new Date())).id);
    const rename = prepared((db, p: { name: string; id: string }) =>
      db.updateTable('locations').set({ name: p.name }).where('id', '=', p.id),
    );
    expect(await rename.run(db, { name: 'North Clinic', id: 'l1' })).toBe(1n);
    expect(await rename.run(db, { name: 'South Clinic', id: 'l2' })).toBe(1n);
    expect(await rename.run(db, { name: 'Nowhere', id: 'l3' })).toBe(0n);
    const names = await db
      .selectFrom('locations')
      .select(['id', 'name'])
      .where('id', 'in', ['l1', 'l2'])
      .orderBy('id')
      .execute();
    expect(names).toEqual([
      { id: 'l1', name: 'North Clinic' },
      { id: 'l2', name: 'South Clinic' },
    ]);
  });

  it("reads a sign-in's challenge with only the sign-in's columns of its user: never the password hash", async () => {
    // Every send and verify reads this row; what it does not need it must not carry (or pay for).
    const { now, user } = await insertCasey();
    await createChallenge(db, { ...newPendingFlow('c1', now, 900), user_id: user.id, code_channel: null });
    const found = await findChallengeWithUser(db, 'c1');
    expect(found?.challenge).toMatchObject({ id: 'c1', user_id: user.id, status: 'pending' });
    expect(Object.keys(found?.user ?? {}).sort()).toEqual(
      [
        ...SIGN_IN_USER_COLUMNS.map((column) => column.slice('users.'.length)),
        ...POLICY_COLUMNS.map((column) => column.slice('practices.'.length)),
      ].sort(),
    );
    expect(found?.user).toMatchObject({ id: user.id, username: 'casey', phone: '+12025553816' });
    expect(JSON.stringify(found)).not.toContain('argon2');
  });
});

/**
 * How many times better-sqlite3 built a row function while `run` ran: it builds one when a statement is
 * prepared, and again whenever SQLite prepared the statement again, so this counts the plans made.
 */
async function plansMadeDuring(run: () => Promise<void>): Promise<number> {
  const rowFunction = /^return \(v0/;
  const spy = vi.spyOn(globalThis, 'Function');
  try {
    await run();
    return spy.mock.calls.filter((args) => rowFunction.test(String(args.at(-1)))).length;
  } finally {
    spy.mockRestore();
  }
}

// SQLite's planner only: PostgreSQL plans a statement its own way, and its driver builds no row functions.
describe.skipIf(TEST_BACKEND === 'postgres')("the sign-in's joins on SQLite", () => {
  it('are planned once, not again on every run as a join compared to a bound value with = is', async () => {
    const { now, practice, user } = await insertCasey();
    await insertNorthAndSouth(practice.id);
    await replaceUserLocations(db, user.id, ['l1', 'l2']);
    const first = 'c1';
    const rest = ['c2', 'c3', 'c4'];
    for (const id of [first, ...rest]) {
      await createChallenge(db, { ...newPendingFlow(id, now, 900), user_id: user.id, code_channel: 'sms' });
    }
    // The same join with `=`: the control, which shows the count sees each new plan.
    const joinedWithEquals = (id: string) =>
      db
        .selectFrom('challenges')
        .innerJoin('users', 'users.id', 'challenges.user_id')
        .select(['challenges.id', 'users.username'])
        .where('challenges.id', '=', id)
        .executeTakeFirst();
    const signInReads = async (id: string) => {
      expect((await findChallengeWithUser(db, id))?.challenge.code_channel).toBe('sms');
      expect(await locationsOf(db, user.id)).toEqual([
        { id: 'l1', name: 'North' },
        { id: 'l2', name: 'South' },
      ]);
      expect((await findUserWithPolicy(db, user.id))?.username).toBe('casey');
      expect((await findUserWithTimeZone(db, { id: user.id }))?.user.username).toBe('casey');
      expect((await findUserWithTimeZone(db, { username: 'casey' }))?.user.id).toBe(user.id);
    };
    // Each statement's first run prepares it; count the runs after that, each with a value of its own.
    await joinedWithEquals(first);
    await signInReads(first);
    const replans = await plansMadeDuring(async () => {
      for (const id of rest) expect((await joinedWithEquals(id))?.username).toBe('casey');
    });
    expect(replans).toBe(rest.length);
    expect(
      await plansMadeDuring(async () => {
        for (const id of rest) await signInReads(id);
      }),
    ).toBe(0);
  });
});
