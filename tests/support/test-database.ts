/**
 * Which database the server tests run on, and a fresh PostgreSQL database per test server. The vitest
 * project "postgres" sets WRSAUTH_TEST_BACKEND; scripts/with-postgres.sh starts the throwaway cluster and sets
 * WRSAUTH_TEST_DATABASE_URL (a superuser URL, used only to create and drop the tests' own databases).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export type TestBackend = 'sqlite' | 'postgres';

export const TEST_BACKEND: TestBackend =
  process.env.WRSAUTH_TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite';

/** The cluster's admin URL, or an error saying in one line why the PostgreSQL tests cannot run. */
export function postgresAdminUrl(): string {
  const url = process.env.WRSAUTH_TEST_DATABASE_URL;
  if (url) return url;
  const reason =
    process.env.WRSAUTH_TEST_POSTGRES_MISSING ??
    'WRSAUTH_TEST_DATABASE_URL is not set: run them through scripts/with-postgres.sh, as npm test does';
  throw new Error(`PostgreSQL tests cannot run: ${reason}`);
}

export interface TestDatabase {
  /** A postgres:// URL for WRSAUTH_DATABASE_URL. */
  url: string;
  drop(): Promise<void>;
}

async function asAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresAdminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** An empty database with a random name, so test servers (and test files running in parallel) never meet. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `wrsauth_test_${randomBytes(8).toString('hex')}`;
  await asAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    // FORCE ends any connection a failed test left open.
    drop: () =>
      asAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}
