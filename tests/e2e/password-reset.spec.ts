import { expect, onScreen, test } from './fixtures';
import { enterCode, LOGIN, openLogin, SIGNED_IN, sendCode, submitPassword, VERIFY } from './flows';
import { expectCodeTo } from './outbox';
import { E2E_USERS } from './world';

test.describe('Forgot your password?', () => {
  test('a text to the phone on file lets the user choose a new password, and the new one signs in', async ({
    page,
  }) => {
    const user = E2E_USERS.passwordReset;
    const newPassword = 'newDesk2027';
    await openLogin(page);
    await page.getByLabel('User ID', { exact: true }).fill(user.username);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await onScreen(page, 'Reset your password', 'reset-user-id');
    await expect(page.getByLabel('User ID', { exact: true })).toHaveValue(user.username);
    await page.getByRole('button', { name: 'Continue' }).click();

    await onScreen(page, 'Where should we send your code?', 'reset-where');
    await page.getByRole('radio', { name: 'Text message to ••• - ••• - 0174', exact: true }).check();
    const nextCode = await expectCodeTo({ channel: 'sms', phone: user.phone });
    await page.getByRole('button', { name: 'Send Code' }).click();
    await onScreen(page, 'Enter your reset code', 'reset-code');
    await page.getByLabel('Reset code', { exact: true }).fill(await nextCode());
    await page.getByRole('button', { name: 'Verify Code' }).click();

    await onScreen(page, 'Choose a new password', 'reset-new-password');
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Type it again', { exact: true }).fill(newPassword);
    await page.getByRole('button', { name: 'Set Password' }).click();

    await onScreen(page, LOGIN, 'reset-done');
    await expect(page.getByRole('status')).toContainText('Your password was changed');
    // The second factor still stands in front of the new password.
    await submitPassword(page, { username: user.username, password: newPassword });
    await onScreen(page, VERIFY);
    // The reset's text holds the phone's 30-second cooldown; email is free.
    await enterCode(page, await sendCode(page, user, 'email'));
    await onScreen(page, SIGNED_IN);
  });
});
