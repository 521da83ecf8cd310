import { defineConfig } from '@playwright/test';
import { E2E_WEB_SERVER } from './tests/e2e/world';

/**
 * The desktop client end to end under Playwright's `_electron`: run it with `node scripts/electron-e2e.mjs`,
 * which finds the Electron binary (or says in one line why the suite did not run), builds the client when
 * needed, and passes the binary in WRSAUTH_ELECTRON_BINARY. The app talks to the same world as the web e2e
 * suite (tests/e2e/harness.ts), named to it by WRSAUTH_SERVER_URL.
 */
export default defineConfig({
  testDir: 'tests/electron',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/electron-artifacts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright-electron.json' }]],
  webServer: E2E_WEB_SERVER,
});
