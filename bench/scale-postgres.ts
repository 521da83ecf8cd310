/**
 * The scale section's PostgreSQL: the throwaway cluster of scripts/with-postgres.sh, which `npm run bench`
 * runs itself inside when the scale section is selected (see run.ts). Its superuser URL comes in
 * WRSAUTH_TEST_DATABASE_URL, as for the test suite; each practice gets a database of its own in it.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface PostgresBench {
  /** Why PostgreSQL cannot be measured in this run; unset when it can. */
  unavailable?: string;
  /** A new empty database; answers its URL. */
  createDatabase(): Promise<string>;
  dropDatabases(): Promise<void>;
}

async function asAdmin(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function postgresBench(env: NodeJS.ProcessEnv = process.env): Promise<PostgresBench> {
  const adminUrl = env.WRSAUTH_TEST_DATABASE_URL;
  const none = async () => {
    throw new Error('no PostgreSQL cluster');
  };
  if (!adminUrl) {
    return {
      unavailable:
        env.WRSAUTH_TEST_POSTGRES_MISSING ??
        'WRSAUTH_TEST_DATABASE_URL is not set (run the bench through scripts/with-postgres.sh, as npm run bench does)',
      createDatabase: none,
      dropDatabases: async () => {},
    };
  }
  try {
    await asAdmin(adminUrl, 'SELECT 1');
  } catch (error) {
    return {
      unavailable: `the cluster in WRSAUTH_TEST_DATABASE_URL does not answer: ${error instanceof Error ? error.message : String(error)}`,
      createDatabase: none,
      dropDatabases: async () => {},
    };
  }
  const names: string[] = [];
  return {
    async createDatabase() {
      const name = `wrsauth_bench_${randomBytes(6).toString('hex')}`;
      await asAdmin(adminUrl, `CREATE DATABASE ${name}`);
      names.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async dropDatabases() {
      for (const name of names.splice(0))
        await asAdmin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
