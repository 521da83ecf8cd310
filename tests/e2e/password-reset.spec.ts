import { expect, onScreen, test } from './fixtures';
import { emailTarget, LOGIN, openLogin, smsTarget, submitPassword, VERIFY } from './flows';
import { expectCodeTo } from './outbox';
import { E2E_USERS } from './world';

test.describe('Forgot your password?', () => {
  test('a text to the phone, then an email as the second factor, let the user choose a new password; the second factor still stands after it', async ({
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
    await page.getByRole('radio', { name: smsTarget(user.phone), exact: true }).check();
    const textedCode = await expectCodeTo({ channel: 'sms', phone: user.phone });
    await page.getByRole('button', { name: 'Send Code' }).click();
    await onScreen(page, 'Enter your reset code', 'reset-code');
    await page.getByLabel('Reset code', { exact: true }).fill(await textedCode());
    await page.getByRole('button', { name: 'Verify Code' }).click();

    // One mailbox or one phone is not enough for an account that has both.
    await onScreen(page, 'Confirm with a second factor', 'reset-second-factor');
    await expect(page.getByRole('radio')).toHaveCount(1);
    await page.getByRole('radio', { name: emailTarget(user.email), exact: true }).check();
    const mailedCode = await expectCodeTo({ channel: 'email', email: user.email });
    await page.getByRole('button', { name: 'Continue' }).click();
    await onScreen(page, 'Enter your second code', 'reset-second-code');
    await page.getByLabel('Reset code', { exact: true }).fill(await mailedCode());
    await page.getByRole('button', { name: 'Verify Code' }).click();

    await onScreen(page, 'Choose a new password', 'reset-new-password');
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Type it again', { exact: true }).fill(newPassword);
    await page.getByRole('button', { name: 'Set Password' }).click();

    await onScreen(page, LOGIN, 'reset-done');
    await expect(page.getByRole('status')).toContainText('Your password was changed');
    // The new password is taken, and the second factor still stands in front of it.
    await submitPassword(page, { username: user.username, password: newPassword });
    await onScreen(page, VERIFY);
  });

  test('a user with only a phone is told to ask the account manager after the code, and the password stays', async ({
    page,
  }) => {
    const user = E2E_USERS.passwordResetOneFactor;
    await openLogin(page);
    await page.getByLabel('User ID', { exact: true }).fill(user.username);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await onScreen(page, 'Reset your password');
    await page.getByRole('button', { name: 'Continue' }).click();

    await onScreen(page, 'Where should we send your code?');
    await page.getByRole('radio', { name: smsTarget(user.phone), exact: true }).check();
    const textedCode = await expectCodeTo({ channel: 'sms', phone: user.phone });
    await page.getByRole('button', { name: 'Send Code' }).click();
    await onScreen(page, 'Enter your reset code');
    await page.getByLabel('Reset code', { exact: true }).fill(await textedCode());
    await page.getByRole('button', { name: 'Verify Code' }).click();

    await onScreen(page, 'Ask your account manager', 'reset-account-manager');
    await expect(page.getByRole('status')).toHaveText('Ask your account manager to reset your password.');
    await page.getByRole('button', { name: 'Back to login' }).click();
    await onScreen(page, LOGIN);
    await submitPassword(page, user);
    await onScreen(page, VERIFY);
  });
});
