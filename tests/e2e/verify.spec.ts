import { expect, onScreen, test } from './fixtures';
import {
  CODE_ENTRY,
  emailTarget,
  enterCode,
  expectSignedInAs,
  LOCATION,
  openLogin,
  SIGNED_IN,
  sendCode,
  smsTarget,
  submitPassword,
  VERIFY,
} from './flows';
import { expectCodeTo, wrongCodeFor } from './outbox';
import { E2E_USERS } from './world';

test.describe('Second factor', () => {
  test('SMS: Send Code, a wrong code shows the attempts left, then the right code from the text signs in', async ({
    page,
    browserErrors,
  }) => {
    browserErrors.expectFailedResponse(400);
    const user = E2E_USERS.frontDesk;
    await openLogin(page);
    await submitPassword(page, user);

    await onScreen(page, VERIFY, 'verify-its-you');
    const chooser = page.getByRole('group', { name: 'Choose where we should send your verification code:' });
    await expect(chooser.getByRole('radio')).toHaveCount(2);
    await expect(
      chooser.getByRole('radio', { name: 'Text message to ••• - ••• - 3816', exact: true }),
    ).toBeVisible();
    await expect(
      chooser.getByRole('radio', { name: 'Email to cki•••wrshealth.com', exact: true }),
    ).toBeVisible();

    const code = await sendCode(page, user, 'sms', 'code-entry');
    await expect(page.getByText('We sent a 6-digit code by text message to ••• - ••• - 3816.')).toBeVisible();
    const field = page.getByLabel('Verification code', { exact: true });
    await expect(field).toBeFocused();
    await expect(field).toHaveAttribute('autocomplete', 'one-time-code');
    await expect(field).toHaveAttribute('inputmode', 'numeric');
    await expect(page.getByRole('button', { name: 'Verify Code' })).toBeVisible();

    await enterCode(page, wrongCodeFor(code));
    await expect(page.getByRole('alert')).toHaveText(/^That code is not right\. \d+ attempts? left\.$/);
    await expect(field).toHaveValue('');
    await expect(field).toBeFocused();
    await onScreen(page, CODE_ENTRY, 'wrong-code');

    // Letters are dropped: only the digits reach the field, and the sixth submits.
    await field.pressSequentially(`${code.slice(0, 3)}x${code.slice(3)}`);
    await onScreen(page, LOCATION);
    await page.getByRole('button', { name: 'Main Office', exact: true }).click();
    await onScreen(page, SIGNED_IN);
    await expectSignedInAs(page, 'Casey Kiplock', 'Main Office');
  });

  test('"Request another code" lets the user pick email, and the emailed code signs in', async ({ page }) => {
    const user = E2E_USERS.emailSwitch;
    await openLogin(page);
    await submitPassword(page, user);
    await onScreen(page, VERIFY);
    await sendCode(page, user, 'sms');
    const smsCooldown = new RegExp(
      `^You can request another code to ${smsTarget(user.phone)} in \\d{1,2} seconds?\\.$`,
    );
    await expect(page.locator('[aria-live="polite"]')).toHaveText(smsCooldown);

    await page.getByRole('button', { name: 'Request another code' }).click();
    await onScreen(page, VERIFY, 'request-another-code');
    // The SMS target is still cooling down, and the screen says so in a live region.
    await expect(page.locator('[aria-live="polite"]').filter({ hasText: smsTarget(user.phone) })).toHaveText(
      smsCooldown,
    );
    expect(emailTarget(user.email)).toBe('Email to cki•••wrshealth.com');
    const code = await sendCode(page, user, 'email', 'email-code-entry');
    await expect(page.getByText('We sent a 6-digit code by email to cki•••wrshealth.com.')).toBeVisible();

    await enterCode(page, code);
    await onScreen(page, SIGNED_IN);
    await expectSignedInAs(page, 'Chris Kimball', 'Main Office');
  });

  test('a text the carrier reports undelivered (a landline) says why, and one click sends the code by email', async ({
    page,
  }) => {
    const user = E2E_USERS.landline;
    await openLogin(page);
    await submitPassword(page, user);
    await onScreen(page, VERIFY);
    await sendCode(page, user, 'sms');
    // The Twilio-compatible endpoint posts a signed "undelivered" (30006) callback; the screen polls for it.
    await expect(page.getByRole('alert')).toHaveText(
      'Your text message to ••• - ••• - 0158 could not be delivered: the number is a landline or cannot receive texts. Send a code by email to dmo•••wrshealth.com instead.',
    );
    await onScreen(page, CODE_ENTRY, 'text-undelivered');

    const nextCode = await expectCodeTo({ channel: 'email', email: user.email });
    await page.getByRole('button', { name: 'Send by email instead' }).click();
    await expect(page.getByText('We sent a 6-digit code by email to dmo•••wrshealth.com.')).toBeVisible();
    await expect(page.getByRole('alert')).toHaveCount(0);
    await enterCode(page, await nextCode());
    await onScreen(page, SIGNED_IN);
    await expectSignedInAs(page, 'Drew Morgan', 'Main Office');
  });

  test('a delivered text says so once the carrier confirms it', async ({ page }) => {
    const user = E2E_USERS.delivered;
    await openLogin(page);
    await submitPassword(page, user);
    await onScreen(page, VERIFY);
    await sendCode(page, user, 'sms');
    await expect(page.getByRole('status')).toHaveText('Delivered to ••• - ••• - 0169.');
  });
});
