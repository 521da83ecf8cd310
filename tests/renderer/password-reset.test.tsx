// @vitest-environment happy-dom
/** "Forgot your password?" in the client: User ID → where → code → new password → back to login. */
import { screen, waitFor } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { RIGHT_CODE } from './support/fake-auth-server';
import { renderApp, setupFakeAuthServer } from './support/render-app';

const api = setupFakeAuthServer();

const NEW_PASSWORD = 'newDesk2027';

async function openReset(user: UserEvent, username = '') {
  if (username) await user.type(await screen.findByLabelText('User ID'), username);
  await user.click(await screen.findByRole('link', { name: 'Forgot your password?' }));
  await screen.findByRole('heading', { name: 'Reset your password' });
}

/** Through to "Choose a new password" with the right code, texted. */
async function reachNewPassword(user: UserEvent) {
  await openReset(user, 'ckiplock');
  await user.click(screen.getByRole('button', { name: 'Continue' }));
  await screen.findByRole('heading', { name: 'Where should we send your code?' });
  await user.click(screen.getByRole('radio', { name: /^Text message to/ }));
  await user.click(screen.getByRole('button', { name: 'Send Code' }));
  await user.type(await screen.findByLabelText('Reset code'), RIGHT_CODE);
  await user.click(screen.getByRole('button', { name: 'Verify Code' }));
  await screen.findByRole('heading', { name: 'Choose a new password' });
}

describe('Forgot your password?', () => {
  it('leads from the login link to the reset, keeping the User ID typed so far, without calling login', async () => {
    const { user } = renderApp();
    await openReset(user, 'ckiplock');
    expect(screen.getByLabelText('User ID')).toHaveValue('ckiplock');
    await waitFor(() => expect(screen.getByLabelText('User ID')).toHaveFocus());
    expect(api.server.calls.login).toEqual([]);
  });

  it('asks for a User ID before calling the server', async () => {
    const { user } = renderApp();
    await openReset(user);
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Enter your User ID.');
    expect(api.server.calls.resetStart).toEqual([]);
  });

  it('walks through code and new password, then back to login saying the password changed', async () => {
    const { user } = renderApp();
    await reachNewPassword(user);
    await user.type(screen.getByLabelText('New password'), NEW_PASSWORD);
    await user.type(screen.getByLabelText('Type it again'), NEW_PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Set Password' }));
    await screen.findByRole('heading', { name: 'Practice Secure Login' });
    expect(screen.getByRole('status')).toHaveTextContent('Your password was changed');
    expect(screen.getByLabelText('User ID')).toHaveValue('ckiplock');
    expect(api.server.calls.resetSend).toEqual(['sms']);
    expect(api.server.calls.resetPassword).toEqual([NEW_PASSWORD]);
  });

  it('shows the attempts left after a wrong code and clears the field', async () => {
    const { user } = renderApp();
    await openReset(user, 'ckiplock');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await user.click(await screen.findByRole('button', { name: 'Send Code' }));
    const field = await screen.findByLabelText('Reset code');
    await user.type(field, '000000');
    await user.click(screen.getByRole('button', { name: 'Verify Code' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('That code is not right. 4 attempts left.');
    expect(field).toHaveValue('');
  });

  it('catches two different passwords before calling the server, and shows the server password rule', async () => {
    const { user } = renderApp();
    await reachNewPassword(user);
    await user.type(screen.getByLabelText('New password'), NEW_PASSWORD);
    await user.type(screen.getByLabelText('Type it again'), 'somethingElse1');
    await user.click(screen.getByRole('button', { name: 'Set Password' }));
    expect(screen.getByRole('alert')).toHaveTextContent('The two passwords are not the same.');
    expect(api.server.calls.resetPassword).toEqual([]);

    await user.clear(screen.getByLabelText('New password'));
    await user.clear(screen.getByLabelText('Type it again'));
    await user.type(screen.getByLabelText('New password'), 'lettersonly');
    await user.type(screen.getByLabelText('Type it again'), 'lettersonly');
    await user.click(screen.getByRole('button', { name: 'Set Password' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      '8 or more characters with both letters and digits',
    );
  });

  it('starts over, saying why, when the reset has expired', async () => {
    const { user } = renderApp();
    await openReset(user, 'ckiplock');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByRole('button', { name: 'Send Code' });
    api.server.expireResets();
    await user.click(screen.getByRole('button', { name: 'Send Code' }));
    await screen.findByRole('heading', { name: 'Reset your password' });
    expect(screen.getByRole('alert')).toHaveTextContent(
      'This password reset has expired. Please start again.',
    );
  });

  it('goes back to login with the User ID on "Back to login"', async () => {
    const { user } = renderApp();
    await openReset(user, 'ckiplock');
    await user.click(screen.getByRole('button', { name: 'Back to login' }));
    await screen.findByRole('heading', { name: 'Practice Secure Login' });
    expect(screen.getByLabelText('User ID')).toHaveValue('ckiplock');
  });
});
