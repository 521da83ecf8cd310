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
    environmentOptions: {
      happyDOM: {
        // The renderer tests' page is the web client as the server serves it, so its API calls are
        // same-origin (no CORS preflight), as they are for a browser at the server's own address.
        url: 'http://127.0.0.1:4580/',
        // A CSV download's link click must leave the page where it is (a browser saves the file instead).
        // happy-dom would otherwise set the page's URL to the blob: URL, and every later request would be
        // cross-origin.
        settings: { navigation: { disableFallbackToSetURL: true } },
      },
    },
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
