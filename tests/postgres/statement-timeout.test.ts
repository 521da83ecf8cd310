/** A stuck PostgreSQL fails a statement after the timeout instead of holding the request (and its connection). */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, STATEMENT_TIMEOUT_MS } from '../../server/db/postgres';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

describe('PostgreSQL statement timeout', () => {
  it('cancels a statement that runs past the timeout, and the next statement works', async () => {
    const db = await openPostgres(database.url, { statementTimeoutMs: 200 });
    try {
      await expect(sql`select pg_sleep(2)`.execute(db)).rejects.toThrow(/statement timeout/);
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await db.destroy();
    }
  });

  it('sets a timeout by default, short of the 12 s the client waits for an answer', async () => {
    const db = await openPostgres(database.url);
    try {
      const { rows } = await sql<{ statement_timeout: string }>`show statement_timeout`.execute(db);
      expect(rows[0]?.statement_timeout).toBe(`${STATEMENT_TIMEOUT_MS / 1000}s`);
      expect(STATEMENT_TIMEOUT_MS).toBeLessThan(12_000);
    } finally {
      await db.destroy();
    }
  });
});
