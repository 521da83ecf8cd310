/** The console's steps and checks that its specs share. */
import type { Page } from '@playwright/test';
import { expect, expectAccessible } from './fixtures';

export const CONSOLE = 'Account manager console';
export const SHOTS_DIR = 'test-results/screenshots';

export async function consoleShot(page: Page, screen: string): Promise<void> {
  await expectAccessible(page, `${CONSOLE}: ${screen}`);
  await page.screenshot({ path: `${SHOTS_DIR}/console-${screen}.png`, fullPage: true });
}

/** Puts the practice policy back as the harness started it, so later specs sign in as before. */
export async function restorePolicy(page: Page, sessionToken: string, policy: unknown): Promise<void> {
  const { effectiveMode: _mode, updatedAt: _at, ...rest } = policy as Record<string, unknown>;
  const restored = await page.request.put('/api/v1/admin/policy', {
    headers: { Authorization: `Bearer ${sessionToken}` },
    data: { ...rest, reason: 'e2e: restore the policy the harness started with' },
  });
  expect(restored.status()).toBe(200);
}
