import { onScreen } from '../e2e/fixtures';
import {
  emailTarget,
  enterCode,
  expectSignedInAs,
  LOCATION,
  LOGIN,
  SIGNED_IN,
  smsTarget,
  submitPassword,
  VERIFY,
} from '../e2e/flows';
import { E2E_USERS } from '../e2e/world';
import { answerTargetDialog, expect, sendCodeByTextMessage, targetDialogCalls, test } from './desktop';

const PROMPT = 'Choose where we should send your verification code:';
const SEND_PATH = /\/auth\/challenges\/[^/]+\/send$/;

test.describe("Verify it's you, in the native dialog", () => {
  test('offers one button per target and Cancel (no command links, Cancel as the cancel button), and the texted code signs in', async ({
    desktop,
  }) => {
    const { app, window } = desktop;
    const user = E2E_USERS.frontDesk;
    await onScreen(window, LOGIN);
    await submitPassword(window, user);

    // The desktop page only lists the targets; the native dialog does the choosing.
    await onScreen(window, VERIFY, 'desktop-verify-its-you');
    await expect(window.getByRole('list', { name: PROMPT }).getByRole('listitem')).toHaveText([
      smsTarget(user.phone),
      emailTarget(user.email),
    ]);
    await expect(window.getByRole('radio')).toHaveCount(0);

    const code = await sendCodeByTextMessage(desktop, user.phone);
    expect(await targetDialogCalls(app)).toEqual([
      {
        options: {
          type: 'question',
          title: "Verify it's you",
          message: PROMPT,
          buttons: ['Text message to ••• - ••• - 3816', 'Email to cki•••wrshealth.com', 'Cancel'],
          noLink: true,
          defaultId: 0,
          cancelId: 2,
        },
        attachedToWindow: true,
      },
    ]);
    await expect(
      window.getByText('We sent a 6-digit code by text message to ••• - ••• - 3816.'),
    ).toBeVisible();

    await enterCode(window, code);
    await onScreen(window, LOCATION);
    await window.getByRole('button', { name: 'Main Office', exact: true }).click();
    await onScreen(window, SIGNED_IN, 'desktop-signed-in');
    await expectSignedInAs(window, 'Casey Kiplock', 'Main Office');
  });

  test("Cancel sends no code and leaves the user on Verify it's you, free to choose again", async ({
    desktop,
  }) => {
    const { app, window } = desktop;
    const user = E2E_USERS.signOut;
    const sends: string[] = [];
    window.on('request', (request) => {
      if (SEND_PATH.test(new URL(request.url()).pathname)) sends.push(request.url());
    });
    await onScreen(window, LOGIN);
    await submitPassword(window, user);
    await onScreen(window, VERIFY);

    await answerTargetDialog(app, 'Cancel');
    await window.getByRole('button', { name: 'Send Code' }).click();
    await expect
      .poll(async () => (await targetDialogCalls(app)).length, { message: 'the dialog was shown' })
      .toBe(1);
    await onScreen(window, VERIFY);
    await expect(window.getByRole('alert')).toHaveCount(0);
    await expect(window.getByRole('button', { name: 'Send Code' })).toBeEnabled();

    // Choosing again works. Had Cancel sent a code, this text would be refused by the 30-second cooldown.
    const code = await sendCodeByTextMessage(desktop, user.phone);
    expect(sends, 'POST …/send requests').toHaveLength(1);
    expect(await targetDialogCalls(app)).toHaveLength(2);
    await enterCode(window, code);
    await onScreen(window, SIGNED_IN);
    await expectSignedInAs(window, 'Taylor Baker', 'Main Office');
  });
});
