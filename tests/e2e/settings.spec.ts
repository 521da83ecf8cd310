import { expect, onScreen, test } from './fixtures';
import {
  enterCode,
  LOGIN,
  openLogin,
  SIGNED_IN,
  sendCode,
  signIn,
  smsTarget,
  submitPassword,
  VERIFY,
} from './flows';
import { expectCodeTo, expectNoticeTo } from './outbox';
import { E2E_NEW_PHONE, E2E_USERS } from './world';

const MY_SETTINGS = 'My settings';

test.describe('My settings', () => {
  test('a user adds and verifies a cell phone, then signs in with it', async ({ page }) => {
    const user = E2E_USERS.settings;
    await openLogin(page);
    await submitPassword(page, user);
    await onScreen(page, VERIFY);
    // No phone yet: email is the only way in.
    await expect(page.getByRole('radio')).toHaveCount(1);
    await enterCode(page, await sendCode(page, user, 'email'));
    await onScreen(page, SIGNED_IN);

    await page.getByRole('button', { name: 'My settings' }).click();
    await onScreen(page, MY_SETTINGS);
    await expect(page.getByLabel('User ID', { exact: true })).toHaveValue(user.username);
    await page.screenshot({ path: 'test-results/screenshots/my-settings.png', fullPage: true });

    const phone = page.getByRole('region', { name: 'Cell phone' });
    await expect(phone).toContainText('No cell phone on file.');
    await phone.getByRole('button', { name: 'Add cell phone' }).click();
    await page.getByLabel('New cell phone number', { exact: true }).fill('(202) 555-0115');
    await phone.getByLabel('Current password', { exact: true }).fill(user.password);
    const nextCode = await expectCodeTo({ channel: 'sms', phone: E2E_NEW_PHONE });
    await phone.getByRole('button', { name: 'Send Code' }).click();
    await expect(phone.getByRole('status')).toContainText('We sent a code to ••• - ••• - 0115');
    await page.getByLabel('Confirmation code', { exact: true }).fill(await nextCode());
    await phone.getByRole('button', { name: 'Verify Code' }).click();
    await expect(phone.getByRole('status')).toHaveText('Your cell phone is now ••• - ••• - 0115.');
    await expect(phone).toContainText('(202) 555-0115');
    await onScreen(page, MY_SETTINGS, 'my-settings-phone-added');

    await page.getByRole('button', { name: 'Back' }).click();
    await onScreen(page, SIGNED_IN);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await onScreen(page, LOGIN);

    // The new number is now a target, and its code signs in.
    await submitPassword(page, user);
    await onScreen(page, VERIFY);
    await expect(page.getByRole('radio', { name: smsTarget(E2E_NEW_PHONE), exact: true })).toBeVisible();
    await enterCode(page, await sendCode(page, { ...user, phone: E2E_NEW_PHONE }, 'sms'));
    await onScreen(page, SIGNED_IN);
  });

  test('recovery codes are made only after the current password, and the phone and email are told', async ({
    page,
    browserErrors,
  }) => {
    browserErrors.expectFailedResponse(400); // the wrong password, on purpose
    const user = E2E_USERS.recoveryCodes;
    await signIn(page, user);
    await page.getByRole('button', { name: 'My settings' }).click();
    await onScreen(page, MY_SETTINGS);

    const recovery = page.getByRole('region', { name: 'Recovery codes' });
    await recovery.getByRole('button', { name: 'Make recovery codes' }).click();
    const password = recovery.getByLabel('Current password', { exact: true });
    await expect(password).toBeFocused();
    await page.keyboard.type('notMyPassword1');
    await page.keyboard.press('Enter');
    await expect(recovery.getByRole('alert')).toHaveText('Your current password is not right.');
    await expect(password).toBeFocused();
    await onScreen(page, MY_SETTINGS, 'my-settings-recovery-password');

    await page.keyboard.type(user.password);
    await page.keyboard.press('Enter');
    const codes = recovery.getByRole('list', { name: 'Your new recovery codes' });
    await expect(codes.getByRole('listitem')).toHaveCount(10);
    await expect(codes).toBeFocused();
    await onScreen(page, MY_SETTINGS, 'my-settings-recovery-codes');
    const firstCode = ((await codes.getByRole('listitem').first().textContent()) ?? '').trim();
    for (const contact of [
      { channel: 'sms', phone: user.phone },
      { channel: 'email', email: user.email },
    ] as const) {
      expect(await expectNoticeTo(contact, /New recovery codes were just made/)).not.toContain(firstCode);
    }
    await recovery.getByRole('button', { name: 'I have saved them' }).click();
    await expect(recovery).toContainText('10 of 10 unused');
    await expect(recovery.getByRole('button', { name: 'Make new codes' })).toBeFocused();
  });
});
