// @vitest-environment happy-dom
/** "Use a recovery code": signing in with one of the codes saved from My settings, when the phone is gone. */
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { acceptRecoveryCode, RECOVERY_CODE } from './support/fake-backup-codes';
import { logIn, renderApp, setupFakeAuthServer } from './support/render-app';

const api = setupFakeAuthServer();

async function reachRecoveryEntry() {
  const rendered = renderApp();
  await logIn(rendered.user);
  await screen.findByRole('heading', { name: "Verify it's you" });
  await rendered.user.click(screen.getByRole('button', { name: 'Use a recovery code' }));
  const field = await screen.findByLabelText('Recovery code');
  return { ...rendered, field };
}

describe('signing in with a recovery code', () => {
  it('takes the code in its own shape, focused, grouping what is typed or pasted as XXXXX-XXXXX', async () => {
    const { user, field } = await reachRecoveryEntry();
    await waitFor(() => expect(field).toHaveFocus());
    await user.type(field, 'abcde fg');
    expect(field).toHaveValue('ABCDE-FG');
    await user.clear(field);
    await user.click(field);
    // 0, 1, O, I and L are never in a code: they are dropped rather than misread.
    await user.paste('abcde-0fghjk-extra');
    expect(field).toHaveValue('ABCDE-FGHJK');
  });

  it('sends it to verify without a target (the server knows it by its shape), never remembering the workstation, and signs in', async () => {
    const calls = acceptRecoveryCode(api.server);
    const { user, field } = await reachRecoveryEntry();
    await user.type(field, RECOVERY_CODE.toLowerCase());
    await user.click(screen.getByRole('button', { name: 'Verify Code' }));
    await screen.findByRole('heading', { name: 'Signed in' });
    // No targetId and no rememberDevice at all: a recovery code never makes a workstation trusted.
    expect(calls.verify).toEqual([{ code: RECOVERY_CODE }]);
    expect(api.server.calls.verify).toEqual([]);
  });

  it('refuses a short code on the spot, without asking the server', async () => {
    const calls = acceptRecoveryCode(api.server);
    const { user, field } = await reachRecoveryEntry();
    await user.type(field, 'ABCDE-FG');
    await user.click(screen.getByRole('button', { name: 'Verify Code' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/10 letters and digits/);
    expect(calls.verify).toEqual([]);
    expect(field).toHaveFocus();
  });

  it("shows the server's answer to a wrong code, and goes back to Verify it's you on Back", async () => {
    acceptRecoveryCode(api.server);
    const { user, field } = await reachRecoveryEntry();
    await user.type(field, 'ZZZZZ-ZZZZZ');
    await user.click(screen.getByRole('button', { name: 'Verify Code' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('That code is not right. 4 attempts left.');
    await user.click(screen.getByRole('button', { name: 'Back' }));
    expect(await screen.findByRole('heading', { name: "Verify it's you" })).toBeInTheDocument();
  });
});
