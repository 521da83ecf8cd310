/**
 * The `migrate` verb: what an upgrade will do to the schema, and doing it, without starting the server.
 * `serve` still migrates at start; this lets an administrator see the steps first and run them in a
 * maintenance window, right after the backup.
 */
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { ServerConfig } from './config';
import { closeDatabase, openDatabase, SQLITE_FILE, sqliteExists } from './db/database';
import { knownMigrations, migrateToLatest, pendingMigrations } from './db/migrations';
import { loadServerKey } from './secrets';

export interface MigrationPlan {
  /** Where the schema lives, fit to print: the SQLite file, or PostgreSQL without its URL (it may hold a password). */
  database: string;
  /** No database yet: the first start (or `migrate`) creates it with every migration. */
  fresh: boolean;
  /** The migrations still to run, in order. */
  pending: string[];
  /** The newest migration this build knows. */
  latest: string;
}

function databaseLabel(config: ServerConfig): string {
  return config.database.kind === 'postgres'
    ? 'the PostgreSQL database in WRSAUTH_DATABASE_URL'
    : path.join(config.dataDir, SQLITE_FILE);
}

/** Reads the schema's state and writes nothing: no database file, key file or migration table is made. */
export async function planMigrations(config: ServerConfig): Promise<MigrationPlan> {
  const dialect = config.database.kind;
  const known = knownMigrations(dialect);
  const plan = { database: databaseLabel(config), latest: known.at(-1) ?? '' };
  if (dialect === 'sqlite' && !sqliteExists(config.dataDir)) {
    return { ...plan, fresh: true, pending: known };
  }
  const db = await openDatabase(config.database, config.dataDir, { migrate: false });
  try {
    return { ...plan, fresh: false, pending: await pendingMigrations(db as Kysely<unknown>, dialect) };
  } finally {
    await closeDatabase(db);
  }
}

/** Runs the pending migrations; returns their names. Refuses a schema newer than this build, as `serve` does. */
export async function applyMigrations(config: ServerConfig): Promise<string[]> {
  // On SQLite the key comes first, as at a server's start: a database is never made without its key file,
  // and one whose key file has gone is not touched.
  if (config.database.kind === 'sqlite') loadServerKey(config.dataDir, config.secret);
  const db = await openDatabase(config.database, config.dataDir, { migrate: false });
  try {
    return await migrateToLatest(db as Kysely<unknown>, config.database.kind);
  } finally {
    await closeDatabase(db);
  }
}
