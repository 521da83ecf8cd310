/** The console's steps and checks that its specs share. */
import type { Page } from '@playwright/test';
import type { NewUser } from '../../server/services/cli-operations';
import { expect, expectAccessible, onScreen } from './fixtures';
import { openLogin, SIGNED_IN, submitPassword, VERIFY } from './flows';

export const CONSOLE = 'Account manager console';
export const SHOTS_DIR = 'test-results/screenshots';

export async function consoleShot(page: Page, screen: string): Promise<void> {
  await expectAccessible(page, `${CONSOLE}: ${screen}`);
  await page.screenshot({ path: `${SHOTS_DIR}/console-${screen}.png`, fullPage: true });
}

/**
 * Sets the practice policy through the API (a spec puts back the policy it found, so later specs sign in
 * as before).
 */
export async function putPolicy(
  page: Page,
  sessionToken: string,
  policy: Record<string, unknown>,
  reason: string,
  /** The account manager's own password: every policy change asks it again. */
  currentPassword: string,
): Promise<void> {
  const { effectiveMode: _mode, updatedAt: _at, ...rest } = policy;
  const answer = await page.request.put('/api/v1/admin/policy', {
    headers: { Authorization: `Bearer ${sessionToken}` },
    data: { ...rest, reason, currentPassword },
  });
  expect(answer.status()).toBe(200);
}

/** The practice policy as the server has it now (GET /admin/policy). */
export async function currentPolicy(page: Page, sessionToken: string): Promise<Record<string, unknown>> {
  const answer = await page.request.get('/api/v1/admin/policy', {
    headers: { Authorization: `Bearer ${sessionToken}` },
  });
  expect(answer.status()).toBe(200);
  return (await answer.json()) as Record<string, unknown>;
}

/**
 * At the locked-out user's workstation: password, then "Use a code from your account manager" on Verify it's
 * you, the code the account manager read out, and Signed in (the only second factor they have).
 */
export async function signInWithBypass(
  page: Page,
  user: Pick<NewUser, 'username' | 'password'>,
  bypassCode: string,
): Promise<void> {
  await openLogin(page);
  await submitPassword(page, user);
  await onScreen(page, VERIFY);
  await page.getByRole('button', { name: 'Use a code from your account manager' }).click();
  await onScreen(page, 'Enter the code from your account manager');
  // Typed as a person would read it out: lower case, no dashes.
  await page
    .getByLabel('Code from your account manager', { exact: true })
    .fill(bypassCode.replaceAll('-', '').toLowerCase());
  await page.getByRole('button', { name: 'Verify Code' }).click();
  await onScreen(page, SIGNED_IN);
}
