import {
  deviceTokenAccount,
  KEYCHAIN_SERVICE,
  type KeytarLike,
  loadKeytar,
} from '../../src/main/token-vault';
import { onScreen } from '../e2e/fixtures';
import {
  enterCode,
  expectSignedInAs,
  LOCATION,
  LOGIN,
  SIGNED_IN,
  submitPassword,
  VERIFY,
} from '../e2e/flows';
import { E2E_BASE_URL, E2E_USERS } from '../e2e/world';
import { answerTargetDialog, expect, sendCodeByTextMessage, targetDialogCalls, test } from './desktop';

// The app and this test read the same Secret Service: the suite runs inside scripts/test.sh's D-Bus session
// with an unlocked gnome-keyring.
const REMEMBER = /^Remember this workstation for \d+ days?$/;
let keytar: KeytarLike;
const accountsUsed = new Set<string>();

function accountOf(username: string): string {
  const account = deviceTokenAccount(E2E_BASE_URL, username);
  accountsUsed.add(account);
  return account;
}

test.beforeAll(async () => {
  keytar = await loadKeytar();
});

// A developer's own keyring must not keep what a run stored.
test.afterAll(async () => {
  for (const account of accountsUsed) await keytar?.deletePassword(KEYCHAIN_SERVICE, account);
});

test.describe('Remember this workstation', () => {
  test('keeps the token in the OS keychain and nowhere in the page, and after a restart the password alone signs in', async ({
    launchDesktop,
  }) => {
    const user = E2E_USERS.oneLocation;
    const account = accountOf(user.username);
    const first = await launchDesktop();
    await onScreen(first.window, LOGIN);
    expect(
      await first.window.evaluate('window.wrsauth.getKeychainStatus()'),
      'the app must reach a Secret Service (run the suite as scripts/test.sh does)',
    ).toEqual({ available: true });
    await submitPassword(first.window, user);
    await onScreen(first.window, VERIFY);
    const code = await sendCodeByTextMessage(first, user.phone);
    await first.window.getByRole('checkbox', { name: REMEMBER }).check();
    await enterCode(first.window, code);
    await onScreen(first.window, SIGNED_IN);

    const token = (await keytar.getPassword(KEYCHAIN_SERVICE, account)) ?? '';
    expect(token, `a token in the keychain under ${KEYCHAIN_SERVICE} / ${account}`).not.toBe('');
    const webStorage = await first.window.evaluate<string>(
      'JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie])',
    );
    expect(webStorage, 'localStorage, sessionStorage and cookies').not.toContain(token);
    await first.window.getByRole('button', { name: 'Sign out' }).click();
    await onScreen(first.window, LOGIN);
    await first.app.close();

    // The same workstation after a restart: any dialog call is recorded (and cancelled).
    const second = await launchDesktop();
    await answerTargetDialog(second.app, 'Cancel');
    await onScreen(second.window, LOGIN);
    await submitPassword(second.window, user);
    await onScreen(second.window, SIGNED_IN);
    await expectSignedInAs(second.window, 'Jamie Doe', 'Main Office');
    expect(await targetDialogCalls(second.app), "Verify it's you dialogs shown").toEqual([]);
  });

  test('without the box ticked nothing is stored, and the next sign-in asks for a code again', async ({
    desktop,
  }) => {
    const { window } = desktop;
    const user = E2E_USERS.twoLocations;
    const account = accountOf(user.username);
    await onScreen(window, LOGIN);
    await submitPassword(window, user);
    await onScreen(window, VERIFY);
    const code = await sendCodeByTextMessage(desktop, user.phone);
    await expect(window.getByRole('checkbox', { name: REMEMBER })).not.toBeChecked();
    await enterCode(window, code);
    await onScreen(window, LOCATION);
    await window.getByRole('button', { name: 'Main Office', exact: true }).click();
    await onScreen(window, SIGNED_IN);
    expect(await keytar.getPassword(KEYCHAIN_SERVICE, account)).toBeNull();

    await window.getByRole('button', { name: 'Sign out' }).click();
    await onScreen(window, LOGIN);
    await submitPassword(window, user);
    await onScreen(window, VERIFY);
  });
});
