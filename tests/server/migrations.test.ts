/**
 * Upgrades you can plan: `migrate --dry-run` lists what an older schema still needs and changes nothing,
 * `migrate` applies it, and a server refuses a schema newer than it knows. Real CLI processes over a real
 * SQLite data dir or PostgreSQL database (the vitest project picks which).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type ServerConfig } from '../../server/config';
import type { Db } from '../../server/db/database';
import { closeDatabase, openDatabase } from '../../server/db/database';
import { knownMigrations, migratorFor, SchemaTooNewError } from '../../server/db/migrations';
import { ensurePractice } from '../../server/repositories/practices';
import { makeDataDir, removeDataDir, runCli } from '../cli-helpers/wrsauth-process';
import { createTestDatabase, TEST_BACKEND, type TestDatabase } from '../support/test-database';

const FUTURE = '9999_from_a_newer_server';

let dataDir: string;
let database: TestDatabase | undefined;
let env: Record<string, string>;
let config: ServerConfig;

beforeEach(async () => {
  dataDir = makeDataDir();
  database = TEST_BACKEND === 'postgres' ? await createTestDatabase() : undefined;
  env = {
    WRSAUTH_DATA_DIR: dataDir,
    WRSAUTH_SECRET: randomBytes(32).toString('base64'),
    ...(database && { WRSAUTH_DATABASE_URL: database.url }),
  };
  config = loadConfig(env);
});
afterEach(async () => {
  await database?.drop();
  removeDataDir(dataDir);
});

const known = () => knownMigrations(config.database.kind);

/** Runs `work` on the database as it stands, without migrating it on opening. */
async function withRawDatabase<T>(work: (db: Kysely<unknown>) => Promise<T>): Promise<T> {
  const db = await openDatabase(config.database, config.dataDir, { migrate: false });
  try {
    return await work(db as Kysely<unknown>);
  } finally {
    await closeDatabase(db);
  }
}

/** The schema an older server left: every migration up to and including `last`. */
async function migrateUpTo(last: string): Promise<void> {
  await withRawDatabase(async (db) => {
    const { error } = await migratorFor(db, config.database.kind).migrateTo(last);
    if (error) throw error;
  });
}

const executed = () =>
  withRawDatabase(async (db) =>
    (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)).rows.map(
      (row) => row.name,
    ),
  );

describe('migrate --dry-run', () => {
  it('lists the migrations a database made by an older server still needs, in order, and runs none', async () => {
    const all = known();
    const olderLatest = all.at(-3) as string;
    await migrateUpTo(olderLatest);

    const result = await runCli(['migrate', '--dry-run'], env);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('2 migration(s) pending');
    const listed = result.stdout
      .split('\n')
      .filter((line) => line.startsWith('  '))
      .map((line) => line.trim());
    expect(listed).toEqual(all.slice(-2));
    expect(result.stdout).toContain('dry run: nothing changed');
    expect(await executed()).toEqual(all.slice(0, -2));
  });

  it('says the schema is up to date, naming its version, when nothing is pending', async () => {
    await migrateUpTo(known().at(-1) as string);

    const result = await runCli(['migrate', '--dry-run'], env);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`the schema is up to date (${known().at(-1)}); no migration to run`);
  });

  // SQLite only: a data dir (database file and key file) is what PostgreSQL does not have.
  it.runIf(TEST_BACKEND === 'sqlite')(
    'on an empty data dir lists every migration the first start will run, and makes no database or key file',
    async () => {
      const { WRSAUTH_SECRET: _, ...withoutSecret } = env;

      const result = await runCli(['migrate', '--dry-run'], withoutSecret);

      expect(result.code).toBe(0);
      expect(result.stdout).toContain(
        `no database yet; the first start creates it with all ${known().length}`,
      );
      expect(fs.readdirSync(dataDir)).toEqual([]);
    },
  );
});

describe('migrate', () => {
  it('applies the pending migrations and names them; a second dry run finds none', async () => {
    const all = known();
    await migrateUpTo(all.at(-3) as string);

    const result = await runCli(['migrate'], env);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`applied 2 migration(s):\n  ${all.at(-2)}\n  ${all.at(-1)}\n`);
    expect(await executed()).toEqual(all);
    expect((await runCli(['migrate', '--dry-run'], env)).stdout).toContain('the schema is up to date');
  });
});

describe('a schema newer than this server knows', () => {
  const refusal = () =>
    `the database schema is at ${FUTURE}, newer than this server knows (${known().at(-1)}): run the newer server, or restore the backup taken before the upgrade`;

  beforeEach(async () => {
    await migrateUpTo(known().at(-1) as string);
    await withRawDatabase((db) =>
      sql`insert into kysely_migration (name, timestamp) values (${FUTURE}, ${new Date().toISOString()})`.execute(
        db,
      ),
    );
  });

  it('stops the server at start with one line naming both versions, touching nothing', async () => {
    const result = await runCli([], { ...env, WRSAUTH_DEV_OUTBOX: '1', WRSAUTH_PORT: '0' }, 25_000);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`wrsauth: ${refusal()}\n`);
    expect(await executed()).toEqual([...known(), FUTURE]);
  });

  it('is refused by openDatabase, migrate and migrate --dry-run alike', async () => {
    await expect(openDatabase(config.database, config.dataDir)).rejects.toThrow(SchemaTooNewError);
    await expect(openDatabase(config.database, config.dataDir)).rejects.toThrow(refusal());
    for (const args of [['migrate'], ['migrate', '--dry-run']]) {
      const result = await runCli(args, env);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`wrsauth: ${refusal()}\n`);
    }
  });

  it('names the unknown migration when it sorts below the newest known one (a renamed or foreign step)', async () => {
    await withRawDatabase((db) => sql`delete from kysely_migration where name = ${FUTURE}`.execute(db));
    await withRawDatabase((db) =>
      sql`insert into kysely_migration (name, timestamp) values ('0000_foreign', ${new Date().toISOString()})`.execute(
        db,
      ),
    );

    await expect(openDatabase(config.database, config.dataDir)).rejects.toThrow(
      `the database has migration 0000_foreign, which this server does not know (it knows up to ${known().at(-1)})`,
    );
  });
});

describe('0021_user_search_keys', () => {
  it('gives the users already there the search keys of their names, accents and case folded', async () => {
    await migrateUpTo('0019_paging_indexes');
    const people = [
      ['José', 'Núñez'],
      ['ÅSA', "O'Brien"],
      ['Zoë  Anne', 'Smith'],
    ];
    await withRawDatabase(async (db) => {
      const now = new Date().toISOString();
      const practice = await ensurePractice(db as Db, new Date());
      for (const [i, [first, last]] of people.entries())
        await sql`insert into users (id, practice_id, username, username_key, password_hash, first_name, last_name, role, active, failed_attempts, created_at, updated_at)
          values (${`u${i}`}, ${practice.id}, ${`user${i}`}, ${`user${i}`}, 'x', ${first}, ${last}, 'staff', 1, 0, ${now}, ${now})`.execute(
          db,
        );
    });

    await migrateUpTo(known().at(-1) as string);

    const keys = await withRawDatabase(
      async (db) =>
        (
          await sql<{ first_name_key: string; last_name_key: string }>`
          select first_name_key, last_name_key from users order by id`.execute(db)
        ).rows,
    );
    expect(keys).toEqual([
      { first_name_key: 'jose', last_name_key: 'nunez' },
      { first_name_key: 'asa', last_name_key: "o'brien" },
      { first_name_key: 'zoe anne', last_name_key: 'smith' },
    ]);
  });
});
