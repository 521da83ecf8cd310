import { defineConfig } from 'vitest/config';

// The server's integration tests run once per database backend. The "postgres" project needs the throwaway
// cluster that scripts/with-postgres.sh starts (npm test does); without it its files fail, saying why.
const SERVER_TESTS = 'tests/server/**/*.test.ts';
const POSTGRES_ONLY = 'tests/postgres/**/*.test.ts';

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['tests/**/*.test.{ts,tsx}', 'server/**/*.test.ts', 'src/**/*.test.{ts,tsx}'],
          exclude: ['**/node_modules/**', POSTGRES_ONLY],
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: [SERVER_TESTS, POSTGRES_ONLY],
          env: { WRSAUTH_TEST_BACKEND: 'postgres' },
          setupFiles: ['tests/support/postgres-setup.ts'],
        },
      },
    ],
  },
});
