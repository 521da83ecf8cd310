/**
 * The Readiness view's counts come from user_factor_counts (migration 0020), which database triggers keep up
 * to date on every write to users and totp_factors. Whatever writes (the console, My settings, sign-in, the
 * CLI, a bulk load, a direct repository call), the counters must equal a plain recount of the active users;
 * sign-in must not write them at all; and the migration must count the users a database already had.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { closeDatabase, type Db, openDatabase } from '../../server/db/database';
import { migratorFor } from '../../server/db/migrations';
import { setContact } from '../../server/repositories/contact-changes';
import { ensurePractice } from '../../server/repositories/practices';
import { confirmTotp, deleteTotp, savePendingTotp } from '../../server/repositories/totp';
import { readinessCounts, updateUser } from '../../server/repositories/user-accounts';
import { insertUser, insertUsers, newUserRow, recordFailure } from '../../server/repositories/users';
import { makeDataDir, removeDataDir } from '../cli-helpers/wrsauth-process';
import { counters, recount } from '../support/factor-counts';
import { adminSession, bearer, call, staffSession, totpCode, userIdOf } from '../support/self-service';
import { createTestDatabase, TEST_BACKEND } from '../support/test-database';
import {
  createUser,
  login,
  PASSWORD,
  startWithUser,
  type TestServer,
  wrongCode,
} from '../support/test-server';

const allFactors = { sms: true, email: true, totp: true };

describe('through the API, the counters follow every write', () => {
  let t: TestServer;
  let admin: string;
  beforeEach(async () => {
    t = await startWithUser(); // ckiplock: phone and email
    admin = await adminSession(t); // manager: no contacts
  });
  afterEach(() => t.close());

  const api = (method: string, path: string, body?: unknown) =>
    call(t, method, `/api/v1/admin${path}`, body, bearer(admin));
  const expectCountersRight = async () =>
    expect(await counters(t.server.db)).toEqual(await recount(t.server.db));

  /** Enrols and confirms an authenticator app for the holder of `session`. */
  async function confirmApp(session: string): Promise<string> {
    const enrolled = await call(t, 'POST', '/api/v1/me/totp', { currentPassword: PASSWORD }, bearer(session));
    expect(enrolled.status).toBe(200);
    const code = await totpCode(t, enrolled.body.secret);
    const confirmed = await call(t, 'POST', '/api/v1/me/totp/confirm', { code }, bearer(session));
    expect(confirmed.status).toBe(200);
    t.clock.advance(30); // the next code of this app is a new time step
    return enrolled.body.secret as string;
  }

  it('equal a recount after users are made, given contacts, apps, resets, deactivated and given end dates', async () => {
    await expectCountersRight();
    const mainOffice = (await api('GET', '/locations')).body.locations[0].id;
    const created = await api('POST', '/users', {
      username: 'newhire',
      password: 'Welcome2026',
      locationIds: [mainOffice],
    });
    expect(created.status).toBe(201);
    const newhire = created.body.id;
    await expectCountersRight();

    // The console sets a phone at once, then an email by the code the user reads out.
    const phoneSet = await api('POST', `/users/${newhire}/contacts`, {
      channel: 'sms',
      value: '+12025550142',
      method: 'set_by_admin',
      reason: 'Given at hiring',
    });
    expect(phoneSet.body.status).toBe('applied');
    await expectCountersRight();
    const emailStarted = await api('POST', `/users/${newhire}/contacts`, {
      channel: 'email',
      value: 'newhire@clinic.example',
      method: 'code',
      reason: 'Read out by phone',
    });
    expect(emailStarted.body.status).toBe('code_sent');
    await expectCountersRight(); // a pending change is not on file
    const emailVerified = await api(
      'POST',
      `/users/${newhire}/contacts/${emailStarted.body.changeId}/verify`,
      {
        code: t.lastMailCode(),
      },
    );
    expect(emailVerified.status).toBe(200);
    await expectCountersRight();

    // My settings: ckiplock changes their email, then removes it.
    const session = await staffSession(t);
    const changed = await call(
      t,
      'POST',
      '/api/v1/me/contacts',
      { channel: 'email', value: 'casey@clinic.example', currentPassword: PASSWORD },
      bearer(session),
    );
    expect(changed.status).toBe(200);
    const applied = await call(
      t,
      'POST',
      `/api/v1/me/contacts/${changed.body.changeId}/verify`,
      { code: t.lastMailCode() },
      bearer(session),
    );
    expect(applied.status).toBe(200);
    await expectCountersRight();
    const removed = await call(
      t,
      'DELETE',
      '/api/v1/me/contacts/email',
      { currentPassword: PASSWORD },
      bearer(session),
    );
    expect(removed.status).toBe(204);
    await expectCountersRight();

    // An app: pending counts for nothing, confirmed counts, a console reset removes it.
    await confirmApp(session);
    await expectCountersRight();
    const reset = await api('POST', `/users/${await userIdOf(t, 'ckiplock')}/reset-2fa`, {
      reason: 'Lost phone',
      currentPassword: PASSWORD,
    });
    expect(reset.body.removedAuthenticator).toBe(true);
    await expectCountersRight();
    await confirmApp(await staffSession(t));

    // Deactivated with an app on file: out of every bucket; back again: in the app's bucket.
    const ckiplock = await userIdOf(t, 'ckiplock');
    expect((await api('PATCH', `/users/${ckiplock}`, { active: false })).status).toBe(200);
    await expectCountersRight();
    expect((await api('PATCH', `/users/${ckiplock}`, { active: true })).status).toBe(200);
    await expectCountersRight();

    // An end date already past ends access at once, but the user stays active, so stays counted.
    const ended = await api('PATCH', `/users/${newhire}`, { endDate: '2026-01-31' });
    expect(ended.status).toBe(200);
    await expectCountersRight();

    // The CLI's create-user, as an operator runs it.
    await createUser(t, { username: 'cliuser', phone: undefined, email: 'cli@clinic.example' });
    await expectCountersRight();

    const practiceId = (await t.server.db.selectFrom('practices').select('id').executeTakeFirstOrThrow()).id;
    expect(await counters(t.server.db)).toEqual([
      { practice_id: practiceId, has_phone: 0, has_email: 0, has_totp: 0, users: 1 }, // manager
      { practice_id: practiceId, has_phone: 0, has_email: 1, has_totp: 0, users: 1 }, // cliuser
      { practice_id: practiceId, has_phone: 1, has_email: 0, has_totp: 1, users: 1 }, // ckiplock
      { practice_id: practiceId, has_phone: 1, has_email: 1, has_totp: 0, users: 1 }, // newhire
    ]);
    const readiness = await api('GET', '/readiness');
    expect(readiness.body).toMatchObject({
      activeUsers: 4,
      counts: { phone: 2, email: 2, authenticator: 1, nothing: 1 },
    });
  });

  /** Counts every write to user_factor_counts into a table of the test's own, on either database. */
  async function watchCounterWrites(db: Db): Promise<() => Promise<number>> {
    await sql`create table test_counter_writes (n integer not null)`.execute(db);
    await sql`insert into test_counter_writes (n) values (0)`.execute(db);
    if (TEST_BACKEND === 'sqlite') {
      for (const op of ['INSERT', 'UPDATE', 'DELETE'])
        await sql
          .raw(`CREATE TRIGGER test_counter_${op.toLowerCase()} AFTER ${op} ON user_factor_counts
                BEGIN UPDATE test_counter_writes SET n = n + 1; END`)
          .execute(db);
    } else {
      await sql
        .raw(`CREATE FUNCTION test_counter_write() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN UPDATE test_counter_writes SET n = n + 1; RETURN NULL; END $$`)
        .execute(db);
      await sql
        .raw(`CREATE TRIGGER test_counter_write AFTER INSERT OR UPDATE OR DELETE ON user_factor_counts
              FOR EACH ROW EXECUTE FUNCTION test_counter_write()`)
        .execute(db);
    }
    return async () =>
      Number((await sql<{ n: number }>`select n from test_counter_writes`.execute(db)).rows[0]?.n);
  }

  it('are not written by sign-ins, failed ones, app codes, or updates that keep every user in their bucket', async () => {
    const writes = await watchCounterWrites(t.server.db);
    const secret = await confirmApp(await staffSession(t));
    const afterSetup = await writes();
    expect(afterSetup).toBeGreaterThan(0); // the watch sees the triggers' writes

    // Sign-ins: a wrong password, a wrong code, a right one by text, one by the app (which claims a time step).
    expect((await login(t, 'ckiplock', 'not-the-password')).status).toBe(401);
    const id = (await login(t)).body.challengeId;
    await t.send(id, 'sms');
    expect((await t.verify(id, wrongCode(t.lastSmsCode()))).status).toBe(400);
    expect((await t.verify(id, t.lastSmsCode())).status).toBe(200);
    const byApp = (await login(t)).body.challengeId;
    expect((await t.verify(byApp, await totpCode(t, secret), { targetId: 'totp' })).status).toBe(200);
    const app = await t.server.db
      .selectFrom('totp_factors')
      .select('last_time_step')
      .executeTakeFirstOrThrow();
    expect(app.last_time_step).toBe(Math.floor(t.clock.now().getTime() / 30_000));
    // The console edits a name (its update writes `active` too) and swaps a phone for another: same buckets.
    const ckiplock = await userIdOf(t, 'ckiplock');
    expect(
      (await call(t, 'PATCH', `/api/v1/admin/users/${ckiplock}`, { firstName: 'Kasey' }, bearer(admin)))
        .status,
    ).toBe(200);
    const swapped = await call(
      t,
      'POST',
      `/api/v1/admin/users/${ckiplock}/contacts`,
      { channel: 'sms', value: '+12025550177', method: 'set_by_admin', reason: 'New work phone' },
      bearer(admin),
    );
    expect(swapped.body.status).toBe('applied');
    // A failure counted straight on the row, as the sign-in path does.
    await recordFailure(t.server.db, ckiplock, t.clock.now(), t.clock.now());

    expect(await writes()).toBe(afterSetup);
    await expectCountersRight();
  });
});

/** A small deterministic generator (mulberry32), so a failing sequence can be run again as it was. */
function randomFrom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    below: (n: number) => Math.floor(next() * n),
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
  };
}

describe('direct repository writes in random order', () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startWithUser();
  });
  afterEach(() => t.close());

  const SEED = 20_261_205;
  const STEPS = 150;

  it(`keep the counters equal to a recount after each of ${STEPS} steps (seed ${SEED})`, async () => {
    const db = t.server.db;
    const random = randomFrom(SEED);
    const now = t.clock.now();
    const practice = await ensurePractice(db, now);
    // A second practice, so a user moving between practices moves between their counters too.
    const other = `${practice.id.slice(0, -1)}2`;
    await db
      .insertInto('practices')
      .values({ ...practice, id: other, name: 'Other' })
      .execute();
    const userIds: string[] = [];
    let made = 0;
    const newRow = () =>
      newUserRow({
        practiceId: random.chance(0.8) ? practice.id : other,
        username: `random${made++}`,
        passwordHash: 'not-a-hash: these users never sign in',
        role: 'staff',
        phone: random.chance(0.5) ? `+1202555${String(1000 + made).slice(-4)}` : null,
        email: random.chance(0.5) ? `r${made}@clinic.example` : null,
        now,
      });
    const someone = () => random.pick(userIds);
    const steps: Array<[string, () => Promise<unknown>]> = [
      [
        'insert a user',
        async () => {
          const row = { ...newRow(), active: random.chance(0.8) ? 1 : 0 };
          await insertUser(db, row);
          userIds.push(row.id);
        },
      ],
      [
        'insert users in one statement',
        async () => {
          const rows = Array.from({ length: 1 + random.below(5) }, newRow);
          await insertUsers(db, rows);
          userIds.push(...rows.map((row) => row.id));
        },
      ],
      [
        'set or clear a phone',
        () => setContact(db, someone(), 'sms', random.chance(0.5) ? '+12025550100' : null, null, now),
      ],
      [
        'set or clear an email',
        () => setContact(db, someone(), 'email', random.chance(0.5) ? 'x@clinic.example' : null, null, now),
      ],
      [
        'deactivate or reactivate',
        () =>
          updateUser(db, someone(), { active: random.chance(0.5) ? 1 : 0, updated_at: now.toISOString() }),
      ],
      [
        'move to the other practice',
        () =>
          db
            .updateTable('users')
            .set({ practice_id: random.chance(0.5) ? practice.id : other })
            .where('id', '=', someone())
            .execute(),
      ],
      [
        'deactivate or reactivate several in one statement',
        () =>
          db
            .updateTable('users')
            .set({ active: random.chance(0.5) ? 1 : 0 })
            .where('id', 'in', [someone(), someone(), someone()])
            .execute(),
      ],
      ['start an app', () => savePendingTotp(db, someone(), 'sealed', now)],
      [
        'confirm an app',
        async () => {
          // Mostly one that is pending, so that confirmations happen; else anyone's (often a no-op).
          const pending = await db
            .selectFrom('totp_factors')
            .select('user_id')
            .where('confirmed_at', 'is', null)
            .execute();
          const id = pending.length > 0 && random.chance(0.8) ? random.pick(pending).user_id : someone();
          await confirmTotp(db, id, random.below(1_000_000), now);
        },
      ],
      ['remove an app', () => deleteTotp(db, someone())],
      ['count a failed sign-in', () => recordFailure(db, someone(), now, now)],
      [
        'delete a user (their app first, as the reference requires)',
        async () => {
          const id = someone();
          await db.transaction().execute(async (tx) => {
            await deleteTotp(tx, id);
            await tx.deleteFrom('users').where('id', '=', id).execute();
          });
          userIds.splice(userIds.indexOf(id), 1);
        },
      ],
    ];
    for (let i = 0; i < 5; i++) await steps[0]?.[1]();
    const done: string[] = [];
    let appsCounted = 0;
    for (let step = 0; step < STEPS; step++) {
      const [name, write] = random.pick(steps);
      if (userIds.length === 0 && name !== 'insert a user') continue;
      await write();
      done.push(name);
      const kept = await counters(db);
      expect({ step, name, counters: kept }).toEqual({ step, name, counters: await recount(db) });
      if (kept.some((b) => b.has_totp === 1)) appsCounted++;
    }
    // The sequence reached every kind of write, counted apps in many steps, and left users in both practices.
    expect(new Set(done).size).toBe(steps.length);
    const buckets = await counters(db);
    expect(new Set(buckets.map((b) => b.practice_id))).toEqual(new Set([practice.id, other]));
    expect(appsCounted).toBeGreaterThan(STEPS / 4);
    // The view's answer from the counters agrees with the recount's.
    const expected = (await recount(db)).filter((b) => b.practice_id === practice.id);
    const sum = (keep: (b: (typeof expected)[number]) => boolean) =>
      expected.filter(keep).reduce((total, b) => total + b.users, 0);
    expect(await readinessCounts(db, practice.id, allFactors)).toEqual({
      activeUsers: sum(() => true),
      counts: {
        phone: sum((b) => b.has_phone === 1),
        email: sum((b) => b.has_email === 1),
        authenticator: sum((b) => b.has_totp === 1),
        nothing: sum((b) => !b.has_phone && !b.has_email && !b.has_totp),
      },
    });
    expect(await readinessCounts(db, practice.id, { sms: false, email: true, totp: false })).toMatchObject({
      counts: { nothing: sum((b) => !b.has_email) },
    });
  });
});

describe('migration 0020_user_factor_counts', () => {
  it('counts the users, contacts and apps a database already had at 0019', async () => {
    const dataDir = makeDataDir();
    const database = TEST_BACKEND === 'postgres' ? await createTestDatabase() : undefined;
    const config = loadConfig({
      WRSAUTH_DATA_DIR: dataDir,
      WRSAUTH_SECRET: randomBytes(32).toString('base64'),
      ...(database && { WRSAUTH_DATABASE_URL: database.url }),
    });
    const db = await openDatabase(config.database, config.dataDir, { migrate: false });
    try {
      const migrator = migratorFor(db as never, config.database.kind);
      const before = await migrator.migrateTo('0019_paging_indexes');
      expect(before.error).toBeUndefined();
      const now = new Date('2026-06-01T12:00:00.000Z');
      const practice = await ensurePractice(db, now);
      const user = (username: string, phone: string | null, email: string | null, active = 1) => {
        // A row as the schema of 0019 holds it: the name search keys came with 0021.
        const {
          first_name_key: _,
          last_name_key: __,
          ...row
        } = newUserRow({
          practiceId: practice.id,
          username,
          passwordHash: 'x',
          role: 'staff',
          phone,
          email,
          now,
        });
        return { ...row, active };
      };
      const users = [
        user('both', '+12025550101', 'both@clinic.example'),
        user('phone', '+12025550102', null),
        user('email', null, 'email@clinic.example'),
        user('app', null, null),
        user('pending', null, null),
        user('nothing', null, null),
        user('gone', '+12025550103', null, 0),
      ];
      // Typed by today's schema, which has the 0021 columns these rows must not have.
      await insertUsers(db, users as never);
      const app = (userId: string, confirmed: boolean) => ({
        user_id: userId,
        secret_sealed: 'sealed',
        created_at: now.toISOString(),
        confirmed_at: confirmed ? now.toISOString() : null,
        last_time_step: null,
      });
      const idOf = (name: string) => users.find((u) => u.username === name)?.id as string;
      await db
        .insertInto('totp_factors')
        .values([
          app(idOf('app'), true),
          app(idOf('pending'), false),
          app(idOf('gone'), true),
          app(idOf('both'), true),
        ])
        .execute();

      const after = await migrator.migrateTo('0020_user_factor_counts');
      expect(after.error).toBeUndefined();

      expect(await counters(db)).toEqual(await recount(db));
      expect(await readinessCounts(db, practice.id, allFactors)).toEqual({
        activeUsers: 6,
        counts: { phone: 2, email: 2, authenticator: 2, nothing: 2 },
      });
      // And from then on the triggers keep them: the pending app confirmed.
      await confirmTotp(db, idOf('pending'), 1, now);
      expect((await readinessCounts(db, practice.id, allFactors)).counts).toEqual({
        phone: 2,
        email: 2,
        authenticator: 3,
        nothing: 1,
      });
    } finally {
      await closeDatabase(db);
      await database?.drop();
      removeDataDir(dataDir);
    }
  });
});
