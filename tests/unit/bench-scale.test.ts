/**
 * The scale bench's harness, checked cheaply so a broken one shows up in the tests rather than as odd figures:
 * its statistics, the batched inserts it seeds through, and the small practice's shape (what each
 * measurement relies on). No timings are asserted here; the figures are the bench's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AUDIT_WINDOW_DAYS,
  BUSY_USER_EVENTS,
  BUSY_USER_INDEX,
  EXPORT_MANAGER_INDEX,
  MANAGER_INDEX,
  PRACTICE_SIZES,
  SEARCH_PREFIX,
  SIGN_IN_USERS,
  seedPractice,
  signInUserIndexes,
  usernameOf,
} from '../../bench/scale-practice';
import { median, percentile, ratioOf } from '../../bench/statistics';
import { closeDatabase, type Db, openSqlite } from '../../server/db/database';
import { insertInBatches, rowsPerStatement } from '../../server/repositories/batches';

describe('bench statistics', () => {
  it('takes the middle sample, or the mean of the two middle ones, whatever the order', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('takes percentiles by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 1)).toBe(7);
  });

  it('gives no ratio without a positive baseline or a figure', () => {
    expect(ratioOf(3, 2)).toBe(1.5);
    expect(ratioOf(3, 0)).toBeUndefined();
    expect(ratioOf(undefined, 2)).toBeUndefined();
    expect(ratioOf(Number.NaN, 2)).toBeUndefined();
  });
});

describe('batched inserts', () => {
  it('keeps every statement under 30 000 bound parameters, and inserts every row once, in order', async () => {
    const rows = Array.from({ length: 10_001 }, (_, i) => ({ a: i, b: i, c: i }));
    const batches: number[][] = [];
    await insertInBatches(rows, async (batch) => {
      batches.push(batch.map((row) => row.a));
    });
    expect(rowsPerStatement(3)).toBe(10_000);
    expect(batches.map((b) => b.length)).toEqual([10_000, 1]);
    expect(batches.flat()).toEqual(rows.map((row) => row.a));
  });
});

describe('the small scale practice', () => {
  let dir: string | undefined;
  let db: Db | undefined;
  afterEach(async () => {
    if (db) await closeDatabase(db);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    db = undefined;
    dir = undefined;
  });

  it('holds what the scale measurements rely on', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-scale-test-'));
    const seeded = await openSqlite(dir);
    db = seeded;
    const figures = await seedPractice(seeded, 'small', '$argon2id$v=19$m=19456,t=2,p=1$stand-in');
    const size = PRACTICE_SIZES.small;
    expect(figures).toMatchObject(size);

    const count = async (table: 'users' | 'audit_events' | 'trusted_devices') =>
      Number(
        (
          await seeded
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count('users')).toBe(size.users);
    expect(await count('audit_events')).toBe(size.auditEvents);
    expect(await count('trusted_devices')).toBe(size.trustedDevices);

    const users = await seeded
      .selectFrom('users')
      .select(['username', 'last_name', 'phone', 'email', 'role'])
      .execute();
    const byName = new Map(users.map((u) => [u.username, u]));
    // The Users search matches one user in 20, so the small practice fills a page too.
    expect(users.filter((u) => u.last_name.startsWith(SEARCH_PREFIX)).length).toBe(size.users / 20);
    // Readiness: every tenth user would be refused if the policy were required.
    expect(users.filter((u) => !u.phone && !u.email).length).toBe(size.users / 10);
    expect(byName.get(usernameOf(MANAGER_INDEX))?.role).toBe('admin');
    expect(byName.get(usernameOf(EXPORT_MANAGER_INDEX))).toMatchObject({
      role: 'admin',
      phone: expect.any(String),
    });

    // Each sign-in sample has a user of its own, with a phone of their own.
    const signIns = signInUserIndexes(size.users).map((i) => byName.get(usernameOf(i)));
    expect(signIns).toHaveLength(SIGN_IN_USERS);
    expect(new Set(signIns.map((u) => u?.phone)).size).toBe(SIGN_IN_USERS);
    expect(signIns.every((u) => u?.phone && u.role === 'staff')).toBe(true);

    // The busy user's events fill 100 audit pages of 50 within the filtered 30 days, and ids follow time.
    const windowStart = new Date(Date.now() - (AUDIT_WINDOW_DAYS - 1) * 86_400_000).toISOString();
    const busy = await seeded
      .selectFrom('audit_events')
      .select(['id', 'at'])
      .where('username', '=', usernameOf(BUSY_USER_INDEX))
      .where('at', '>=', windowStart)
      .orderBy('id')
      .execute();
    expect(busy.length).toBeGreaterThanOrEqual(BUSY_USER_EVENTS);
    expect(busy.length).toBeGreaterThan(100 * 50);
    expect(busy.map((e) => e.at)).toEqual([...busy.map((e) => e.at)].sort());
  });
});
