/** The console's steps and checks that its specs share. */
import type { Page } from '@playwright/test';
import type { NewUser } from '../../server/services/admin';
import { expect, expectAccessible } from './fixtures';

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
): Promise<void> {
  const { effectiveMode: _mode, updatedAt: _at, ...rest } = policy;
  const answer = await page.request.put('/api/v1/admin/policy', {
    headers: { Authorization: `Bearer ${sessionToken}` },
    data: { ...rest, reason },
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
 * The locked-out user signs in with the bypass code the account manager read out.
 * TODO(issue4-admin): through "Use a code from your account manager" once that client piece is on this
 * branch; until then the same server calls the client makes.
 */
export async function signInWithBypass(
  page: Page,
  user: Pick<NewUser, 'username' | 'password'>,
  bypassCode: string,
): Promise<void> {
  const login = await page.request.post('/api/v1/auth/login', {
    data: { username: user.username, password: user.password },
  });
  expect(login.status()).toBe(200);
  const challenge = (await login.json()) as { status: string; challengeId: string; targets: unknown[] };
  expect(challenge).toMatchObject({ status: 'challenge', targets: [] });
  const verify = await page.request.post(`/api/v1/auth/challenges/${challenge.challengeId}/verify`, {
    data: { code: bypassCode, targetId: 'bypass' },
  });
  expect(verify.status()).toBe(200);
  expect(await verify.json()).toMatchObject({ status: 'authenticated', user: { username: user.username } });
}
