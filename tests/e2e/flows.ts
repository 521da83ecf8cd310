/** The steps of the sign-in flow as a user takes them, by the words on the screens. */
import type { Page } from '@playwright/test';
import type { NewUser } from '../../server/services/cli-operations';
import { expect, onScreen } from './fixtures';
import { type Contact, expectCodeTo } from './outbox';

export const LOGIN = 'Practice Secure Login';
export const VERIFY = "Verify it's you";
export const CODE_ENTRY = 'Enter your verification code';
export const LOCATION = 'Choose your practice location';
export const SIGNED_IN = 'Signed in';
export const LOCKED = 'Workstation locked';

/** The chooser's words for a target, as the seed shows them. */
export const smsTarget = (phone: string) => `Text message to ••• - ••• - ${phone.slice(-4)}`;
export const emailTarget = (email: string) => {
  const [local = '', domain = ''] = email.split('@');
  return `Email to ${local.length > 3 ? local.slice(0, 3) : local.slice(0, 1)}•••${domain}`;
};

export async function openLogin(page: Page, shot?: string): Promise<void> {
  await page.goto('/');
  await onScreen(page, LOGIN, shot);
}

export async function submitPassword(
  page: Page,
  user: Pick<NewUser, 'username' | 'password'>,
): Promise<void> {
  await page.getByLabel('User ID', { exact: true }).fill(user.username);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Login' }).click();
}

/** On "Verify it's you": picks the target, sends, and lands on code entry; returns the code it was sent. */
export async function sendCode(page: Page, user: NewUser, channel: Contact['channel'], shot?: string) {
  const contact: Contact =
    channel === 'sms' ? { channel, phone: user.phone ?? '' } : { channel, email: user.email ?? '' };
  const label = channel === 'sms' ? smsTarget(user.phone ?? '') : emailTarget(user.email ?? '');
  await page.getByRole('radio', { name: label, exact: true }).check();
  const nextCode = await expectCodeTo(contact);
  await page.getByRole('button', { name: 'Send Code' }).click();
  await onScreen(page, CODE_ENTRY, shot);
  return nextCode();
}

/** Typing the sixth digit submits the code; no button press needed. */
export async function enterCode(page: Page, code: string): Promise<void> {
  await page.getByLabel('Verification code', { exact: true }).fill(code);
}

/**
 * Password, SMS code, and (for several locations) the given location: ends on "Signed in" and returns the
 * session token the server issued, so a spec can ask the server about that session afterwards.
 */
export async function signIn(page: Page, user: NewUser, location?: string): Promise<string> {
  await openLogin(page);
  await submitPassword(page, user);
  await onScreen(page, VERIFY);
  const code = await sendCode(page, user, 'sms');
  const verified = page.waitForResponse(
    (response) =>
      /\/auth\/challenges\/[^/]+\/verify$/.test(new URL(response.url()).pathname) && response.ok(),
  );
  await enterCode(page, code);
  const { sessionToken } = (await (await verified).json()) as { sessionToken: string };
  if (location) {
    await onScreen(page, LOCATION);
    await page.getByRole('button', { name: location, exact: true }).click();
  }
  await onScreen(page, SIGNED_IN);
  return sessionToken;
}

/** The server refuses the session token (GET /api/v1/me answers 401) soon after the client ended it. */
export async function expectSessionEnded(page: Page, sessionToken: string): Promise<void> {
  await expect
    .poll(
      async () =>
        (
          await page.request.get('/api/v1/me', { headers: { Authorization: `Bearer ${sessionToken}` } })
        ).status(),
      { message: 'GET /api/v1/me with the ended session token', timeout: 5_000 },
    )
    .toBe(401);
}

/** The signed-in screen's name and location, in that order. */
export async function expectSignedInAs(page: Page, name: string, location: string): Promise<void> {
  await expect(page.getByRole('definition')).toHaveText([name, location]);
}
