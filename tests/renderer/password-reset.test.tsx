// @vitest-environment happy-dom
/**
 * "Forgot your password?" in the client: User ID → where → code → (a second factor) → new password → back to
 * login; or "Ask your account manager to reset your password".
 */
import { screen, waitFor } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { type DeliveryTarget, ErrorCode } from '../../src/shared/api';
import { apiUrl, EMAIL_TARGET, RIGHT_CODE, SMS_TARGET } from './support/fake-auth-server';
import { RIGHT_RECOVERY_CODE } from './support/fake-password-reset';
import { renderApp, setupFakeAuthServer } from './support/render-app';

const api = setupFakeAuthServer();

const NEW_PASSWORD = 'newDesk2027';
const APP_TARGET: DeliveryTarget = { id: 'totp', channel: 'totp', masked: 'Authenticator app' };
const ASK = 'Ask your account manager to reset your password.';

async function openReset(user: UserEvent, username = '') {
  if (username) await user.type(await screen.findByLabelText('User ID'), username);
  await user.click(await screen.findByRole('link', { name: 'Forgot your password?' }));
  await screen.findByRole('heading', { name: 'Reset your password' });
}

/** Through the first code, texted: the screen that comes next is the caller's to check. */
async function passFirstCode(user: UserEvent) {
  await openReset(user, 'ckiplock');
  await user.click(screen.getByRole('button', { name: 'Continue' }));
  await screen.findByRole('heading', { name: 'Where should we send your code?' });
  await user.click(screen.getByRole('radio', { name: /^Text message to/ }));
  await user.click(screen.getByRole('button', { name: 'Send Code' }));
  await user.type(await screen.findByLabelText('Reset code'), RIGHT_CODE);
  await user.click(screen.getByRole('button', { name: 'Verify Code' }));
}

/** Through to "Choose a new password": the texted code, then the emailed one as the second factor. */
async function reachNewPassword(user: UserEvent) {
  await passFirstCode(user);
  await screen.findByRole('heading', { name: 'Confirm with a second factor' });
  await user.click(screen.getByRole('radio', { name: /^Email to/ }));
  await user.click(screen.getByRole('button', { name: 'Continue' }));
  await screen.findByRole('heading', { name: 'Enter your second code' });
  await user.type(screen.getByLabelText('Reset code'), RIGHT_CODE);
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

  it('walks through two codes and a new password, then back to login saying the password changed', async () => {
    const { user } = renderApp();
    await reachNewPassword(user);
    await user.type(screen.getByLabelText('New password'), NEW_PASSWORD);
    await user.type(screen.getByLabelText('Type it again'), NEW_PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Set Password' }));
    await screen.findByRole('heading', { name: 'Practice Secure Login' });
    expect(screen.getByRole('status')).toHaveTextContent('Your password was changed');
    expect(screen.getByLabelText('User ID')).toHaveValue('ckiplock');
    expect(api.server.calls.resetSend).toEqual(['sms', 'email']);
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

describe('Forgot your password? with two or more factors', () => {
  it('asks for a second factor after the first code, offering only the others, with the heading focused', async () => {
    const { user } = renderApp();
    await passFirstCode(user);
    const heading = await screen.findByRole('heading', { name: 'Confirm with a second factor' });
    await waitFor(() => expect(heading).toHaveFocus());
    const offered = screen.getAllByRole('radio').map((radio) => radio.closest('label')?.textContent);
    expect(offered).toEqual([`Email to ${EMAIL_TARGET.masked}`]);
    expect(screen.getByRole('button', { name: 'Use a recovery code' })).toBeVisible();
    expect(api.server.calls.resetPassword).toEqual([]);
  });

  it("takes the authenticator app's code as the second proof, sending nothing to it", async () => {
    api.practice({ targets: [SMS_TARGET, EMAIL_TARGET, APP_TARGET] });
    const { user } = renderApp();
    await passFirstCode(user);
    await screen.findByRole('heading', { name: 'Confirm with a second factor' });
    await user.click(screen.getByRole('radio', { name: 'Authenticator app' }));
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByRole('heading', { name: 'Enter your authenticator code' });
    await user.type(screen.getByLabelText('Authenticator code'), RIGHT_CODE);
    await user.click(screen.getByRole('button', { name: 'Verify Code' }));
    await screen.findByRole('heading', { name: 'Choose a new password' });
    expect(api.server.calls.resetSend).toEqual(['sms']);
    expect(api.server.calls.resetVerify.at(-1)).toEqual({ code: RIGHT_CODE, targetId: 'totp' });
  });

  it('takes a recovery code as the second proof, in its groups as typed', async () => {
    const { user } = renderApp();
    await passFirstCode(user);
    await user.click(await screen.findByRole('button', { name: 'Use a recovery code' }));
    await screen.findByRole('heading', { name: 'Enter a recovery code' });
    const field = screen.getByLabelText('Recovery code');
    await waitFor(() => expect(field).toHaveFocus());
    await user.click(screen.getByRole('button', { name: 'Verify Code' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Enter the 10 letters and digits');
    await user.type(field, RIGHT_RECOVERY_CODE.replace('-', ' ').toLowerCase());
    expect(field).toHaveValue(RIGHT_RECOVERY_CODE);
    await user.click(screen.getByRole('button', { name: 'Verify Code' }));
    await screen.findByRole('heading', { name: 'Choose a new password' });
    expect(api.server.calls.resetVerify.at(-1)).toEqual({ code: RIGHT_RECOVERY_CODE });
  });

  it('goes back from the second code to the choice of factor, not to the first', async () => {
    const { user } = renderApp();
    await passFirstCode(user);
    await screen.findByRole('heading', { name: 'Confirm with a second factor' });
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByRole('heading', { name: 'Enter your second code' });
    await user.click(screen.getByRole('button', { name: 'Request another code' }));
    await screen.findByRole('heading', { name: 'Confirm with a second factor' });
  });
});

describe('Forgot your password? when the account manager must help', () => {
  it('says "Ask your account manager to reset your password" after the first code of a one-factor user, and changes nothing', async () => {
    api.practice({ targets: [SMS_TARGET] });
    const { user } = renderApp();
    await passFirstCode(user);
    const heading = await screen.findByRole('heading', { name: 'Ask your account manager' });
    await waitFor(() => expect(heading).toHaveFocus());
    expect(screen.getByRole('status')).toHaveTextContent(ASK);
    expect(screen.queryByLabelText('New password')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Back to login' }));
    await screen.findByRole('heading', { name: 'Practice Secure Login' });
    expect(api.server.calls.resetPassword).toEqual([]);
  });

  it('says where to turn on the code step, for a code that never comes (self-service reset off, or no account)', async () => {
    api.practice({ selfServiceReset: 'off' });
    const { user } = renderApp();
    await openReset(user, 'ckiplock');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await user.click(await screen.findByRole('button', { name: 'Send Code' }));
    await screen.findByRole('heading', { name: 'Enter your reset code' });
    expect(screen.getByText(/If none arrives/)).toHaveTextContent(ASK);
  });

  it("shows a send refused by a limit (429 rate_limited) with the server's words and a countdown from its Retry-After", async () => {
    const message =
      'Too many codes were requested from this workstation in the last hour. You can request another in 45 minutes.';
    api.server.use(
      http.post(apiUrl('/auth/password-reset/:id/send'), () =>
        HttpResponse.json({ error: ErrorCode.rateLimited, message, retryAfter: 2700 }, { status: 429 }),
      ),
    );
    const { user } = renderApp();
    await openReset(user, 'ckiplock');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByRole('heading', { name: 'Where should we send your code?' });
    await user.click(screen.getByRole('button', { name: 'Send Code' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(message);
    expect(
      screen.getByText(/^You can request another code in (44 minutes 59 seconds|45 minutes)\.$/),
    ).toHaveAttribute('aria-live', 'polite');
    expect(screen.getByRole('heading', { name: 'Where should we send your code?' })).toBeInTheDocument();
  });

  it('shows the account manager message at once when there is nowhere to send a code', async () => {
    api.practice({ targets: [APP_TARGET] });
    const { user } = renderApp();
    await openReset(user, 'ckiplock');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByRole('heading', { name: 'Ask your account manager' });
    expect(screen.getByRole('status')).toHaveTextContent(ASK);
    expect(api.server.calls.resetSend).toEqual([]);
  });
});
