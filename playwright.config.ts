import { defineConfig } from '@playwright/test';
import { CHROMIUM_LAUNCH } from './tests/e2e/chromium';
import { E2E_BASE_URL, E2E_WEB_SERVER } from './tests/e2e/world';

/** End-to-end tests of the web client in Debian's Chromium (browsers cannot be downloaded here). */
export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/e2e-artifacts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    baseURL: E2E_BASE_URL,
    launchOptions: CHROMIUM_LAUNCH,
  },
  webServer: E2E_WEB_SERVER,
});
