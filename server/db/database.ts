/**
 * Opens the database behind Kysely and brings its schema up to date: the embedded SQLite (WAL) in the data
 * dir by default, or PostgreSQL when WRSAUTH_DATABASE_URL names one (see postgres.ts).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { Kysely, type SqliteDatabase, SqliteDialect, type SqliteStatement } from 'kysely';
import type { Logger } from 'pino';
import type { DatabaseConfig } from '../config';
import { migrateToLatest } from './migrations';
import { openPostgres } from './postgres';
import type { Database } from './schema';

export type Db = Kysely<Database>;

export interface OpenDatabaseOptions extends SqliteOptions {
  log?: Pick<Logger, 'error'>;
}

/** A database file already in the data dir (SQLite): what decides whether a missing key file may be made. */
export function sqliteExists(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, SQLITE_FILE));
}

/** The configured database: SQLite in `dataDir`, or the PostgreSQL database in `database.url`. */
export function openDatabase(
  database: DatabaseConfig,
  dataDir: string,
  options: OpenDatabaseOptions = {},
): Promise<Db> {
  if (database.kind === 'postgres') {
    return openPostgres(database.url, { log: options.log, migrate: options.migrate });
  }
  return openSqlite(dataDir, {
    backgroundCheckpoints: options.backgroundCheckpoints,
    migrate: options.migrate,
  });
}

/** Closes either kind: a SQLite checkpoint worker is stopped first; a PostgreSQL pool just ends. */
export function closeDatabase(db: Db): Promise<void> {
  return closeSqlite(db);
}

export const SQLITE_FILE = 'wrsauth.sqlite';

/**
 * Every server connection's settings. WAL lets the admin CLI work while the server runs; busy_timeout makes
 * either side wait its turn.
 */
export const SQLITE_PRAGMAS = [
  'journal_mode = WAL',
  'synchronous = NORMAL',
  'busy_timeout = 5000',
  'foreign_keys = ON',
] as const;

export interface SqliteOptions {
  /** Checkpoint the WAL from a worker thread instead of during commits (for the long-running server). */
  backgroundCheckpoints?: boolean;
  /** Bring the schema up to date on opening (the default); `migrate --dry-run` opens without. */
  migrate?: boolean;
}

export async function openSqlite(dataDir: string, options: SqliteOptions = {}): Promise<Db> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, SQLITE_FILE);
  const sqlite = new SQLite(file);
  for (const pragma of SQLITE_PRAGMAS) sqlite.pragma(pragma);
  fs.chmodSync(file, 0o600);
  if (options.backgroundCheckpoints) {
    // An automatic checkpoint runs inside whichever commit crosses the threshold, and its fsync stalls the
    // event loop for milliseconds. A worker with its own connection checkpoints every second instead.
    sqlite.pragma('wal_autocheckpoint = 0');
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  if (options.backgroundCheckpoints) {
    const worker = startCheckpointer(file);
    // Should the worker die, commits go back to checkpointing themselves.
    worker.on('error', () => sqlite.pragma('wal_autocheckpoint = 1000'));
    checkpointers.set(db, worker);
  }
  if (options.migrate === false) return db;
  try {
    await migrateToLatest(db as Kysely<unknown>, 'sqlite');
  } catch (error) {
    await closeSqlite(db);
    throw error;
  }
  return db;
}

const STATEMENT_CACHE_SIZE = 200;

/**
 * Kysely prepares every query afresh, and preparing costs more than running a small query. The server
 * issues a few dozen distinct statements, so keep them prepared (least recently used out first).
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      // Fold the WAL back into the database file, so a closed data dir is one self-contained file.
      if (sqlite.open && !sqlite.readonly) sqlite.pragma('wal_checkpoint(TRUNCATE)');
      sqlite.close();
    },
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}

const CHECKPOINTER_SOURCE = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
setInterval(() => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} }, workerData.everyMs);
`;

const checkpointers = new WeakMap<Db, Worker>();

function startCheckpointer(file: string): Worker {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(CHECKPOINTER_SOURCE, { eval: true, workerData: { file, driver, everyMs: 1000 } });
  worker.unref();
  return worker;
}

/** Closes the database: stops the checkpoint worker, then checkpoints what is left and closes. */
export async function closeSqlite(db: Db): Promise<void> {
  const worker = checkpointers.get(db);
  if (worker) await worker.terminate();
  await db.destroy();
}
