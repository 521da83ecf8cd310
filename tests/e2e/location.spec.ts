import { expect, onScreen, screensVisited, test } from './fixtures';
import {
  CODE_ENTRY,
  enterCode,
  expectSignedInAs,
  LOCATION,
  LOGIN,
  openLogin,
  SIGNED_IN,
  sendCode,
  signIn,
  submitPassword,
  VERIFY,
} from './flows';
import { E2E_USERS } from './world';

test.describe(LOCATION, () => {
  test('a user with two locations chooses one (by keyboard), and Signed in names it', async ({ page }) => {
    const user = E2E_USERS.twoLocations;
    await openLogin(page);
    await submitPassword(page, user);
    await onScreen(page, VERIFY);
    await enterCode(page, await sendCode(page, user, 'sms'));

    await onScreen(page, LOCATION, 'location');
    await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
    // In name order, as the server lists them.
    await expect(page.getByRole('listitem')).toHaveText(['Eastside Clinic', 'Main Office']);
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: 'Eastside Clinic', exact: true })).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: 'Main Office', exact: true })).toBeFocused();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');

    await onScreen(page, SIGNED_IN, 'signed-in');
    await expectSignedInAs(page, 'Morgan Rivera', 'Eastside Clinic');
    await expect(page.getByRole('button', { name: 'Lock' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
    expect(await screensVisited(page)).toEqual([LOGIN, VERIFY, CODE_ENTRY, LOCATION, SIGNED_IN]);
  });

  test('a user with one location goes straight to Signed in, with no location screen', async ({ page }) => {
    await signIn(page, E2E_USERS.oneLocation);
    await expectSignedInAs(page, 'Jamie Doe', 'Main Office');
    expect(await screensVisited(page)).toEqual([LOGIN, VERIFY, CODE_ENTRY, SIGNED_IN]);
  });
});
