import { expect, onScreen, screensVisited, test } from './fixtures';
import {
  CODE_ENTRY,
  enterCode,
  expectSessionEnded,
  expectSignedInAs,
  LOCKED,
  LOGIN,
  openLogin,
  SIGNED_IN,
  sendCode,
  signIn,
  VERIFY,
} from './flows';
import { expectCodeTo } from './outbox';
import { E2E_USERS } from './world';

test.describe('Signed in', () => {
  test('Lock asks for the password again and returns to the same location', async ({ page }) => {
    const user = E2E_USERS.lockUnlock;
    await signIn(page, user, 'Eastside Clinic');
    await page.getByRole('button', { name: 'Lock' }).click();

    await onScreen(page, LOCKED, 'lock');
    await expect(
      page.getByText('Pat Nguyen is signed in at Eastside Clinic. Enter your password to continue.'),
    ).toBeVisible();
    const password = page.getByLabel('Password', { exact: true });
    await expect(password).toBeFocused();
    await expect(page.getByRole('button', { name: 'Unlock' })).toBeVisible();
    await page.keyboard.type(user.password);
    await page.keyboard.press('Enter');

    // A browser keeps no workstation token, so the server asks for a code again. The text message of the
    // first sign-in is still cooling down, so this one goes by email.
    await onScreen(page, VERIFY);
    await enterCode(page, await sendCode(page, user, 'email'));
    await onScreen(page, SIGNED_IN);
    await expectSignedInAs(page, 'Pat Nguyen', 'Eastside Clinic');
    expect((await screensVisited(page)).slice(-5)).toEqual([
      SIGNED_IN,
      LOCKED,
      VERIFY,
      CODE_ENTRY,
      SIGNED_IN,
    ]);
  });

  test('Sign out, by keyboard alone from the first key, returns to an empty Practice Secure Login', async ({
    page,
  }) => {
    const user = E2E_USERS.signOut;
    await openLogin(page);
    await page.keyboard.type(user.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(user.password);
    await page.keyboard.press('Enter');

    await onScreen(page, VERIFY);
    await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(page.getByRole('radio', { checked: true })).toBeFocused();
    const nextCode = await expectCodeTo({ channel: 'sms', phone: user.phone });
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: 'Send Code' })).toBeFocused();
    await page.keyboard.press('Enter');

    await onScreen(page, CODE_ENTRY);
    await expect(page.getByLabel('Verification code', { exact: true })).toBeFocused();
    await page.keyboard.type(await nextCode());

    await onScreen(page, SIGNED_IN);
    await expectSignedInAs(page, 'Taylor Baker', 'Main Office');
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: 'Lock' })).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeFocused();
    await page.keyboard.press('Enter');

    await onScreen(page, LOGIN, 'signed-out');
    await expect(page.getByRole('status')).toHaveText('You have signed out.');
    await expect(page.getByLabel('User ID', { exact: true })).toHaveValue('');
    await expect(page.getByLabel('User ID', { exact: true })).toBeFocused();
  });

  test('Sign out ends the server session: the old session token is refused', async ({ page }) => {
    const sessionToken = await signIn(page, E2E_USERS.signOutServer);
    const me = await page.request.get('/api/v1/me', { headers: { Authorization: `Bearer ${sessionToken}` } });
    expect(me.status(), 'the session works before signing out').toBe(200);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await onScreen(page, LOGIN);
    await expectSessionEnded(page, sessionToken);
  });

  test('Lock ends the server session: the old session token is refused while locked', async ({ page }) => {
    const sessionToken = await signIn(page, E2E_USERS.lockServer);
    await page.getByRole('button', { name: 'Lock' }).click();
    await onScreen(page, LOCKED);
    await expectSessionEnded(page, sessionToken);
  });
});
