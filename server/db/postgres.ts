/**
 * Opens a shared PostgreSQL database (WRSAUTH_DATABASE_URL) behind the same Kysely code and migrations as the
 * embedded SQLite. Several server instances may use it at once: every rule that guards against guessing or
 * flooding is one conditional statement in the database, never state in one process.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { ConfigError } from '../config';
import { migrateToLatest } from './migrations';
import type { Database } from './schema';

export interface PostgresOptions {
  log?: Pick<Logger, 'error'>;
  /** Connections per process; the server needs few, since every statement is short. */
  maxConnections?: number;
  /** A statement running longer is cancelled, so a stuck database fails requests instead of piling them up. */
  statementTimeoutMs?: number;
  /** Bring the schema up to date on opening (the default); `migrate --dry-run` opens without. */
  migrate?: boolean;
}

export const STATEMENT_TIMEOUT_MS = 10_000;

/**
 * pg's Client, but a query without a callback is answered through pg's callback form. Kysely asks
 * `client.query(sql, parameters)` and awaits it; pg's own promise form (a promise with a `.catch` that
 * rewrites the stack) made the rows of every result outlive two young-generation collections, so V8
 * copied them into its old generation: a million-row audit export promoted about 300 MiB that way (against
 * 5 MiB through the callback), grew the young generation to its largest and held the rest until a full
 * collection, 2.1 times the memory of a short export. Measured, README "Audit export memory". Errors are pg's
 * own, unchanged (Kysely adds the caller's stack to them).
 */
class CallbackQueryClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg's overloads; only the (text, values) promise form is changed
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config !== 'string' || callback !== undefined || typeof values === 'function') {
      return super.query(config, values, callback);
    }
    return new Promise((resolve, reject) => {
      super.query(config, values, (error: Error | null, result: pg.QueryResult) =>
        error ? reject(error) : resolve(result),
      );
    });
  }
}

export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<Kysely<Database>> {
  const pool = new pg.Pool({
    Client: CallbackQueryClient,
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS,
    // A session left inside a transaction (a process frozen mid-request) must not hold its row locks.
    idle_in_transaction_session_timeout: 60_000,
    application_name: 'wrsauth',
  });
  // An idle connection that the database drops (a restart, a failover) must not take the process down;
  // the pool opens a new one on next use.
  pool.on('error', (error) => options.log?.error({ err: error }, 'PostgreSQL connection lost'));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    throw new ConfigError(`cannot reach the PostgreSQL database in WRSAUTH_DATABASE_URL: ${reasonOf(error)}`);
  }
  if (options.migrate === false) return db;
  try {
    await migrateToLatest(db as Kysely<unknown>, 'postgres');
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}

/** A one-line reason; a refused "localhost" comes as an AggregateError with an empty message. */
function reasonOf(error: unknown): string {
  const e = error as { message?: string; code?: string; errors?: Array<{ message?: string }> };
  return e.message || e.errors?.[0]?.message || e.code || 'unknown error';
}
