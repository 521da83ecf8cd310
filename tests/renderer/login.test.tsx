// @vitest-environment happy-dom
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/shared/api';
import { SERVER_URL } from './support/fake-auth-server';
import { createFakeBridge } from './support/fake-bridge';
import { logIn, renderApp, setupFakeAuthServer } from './support/render-app';

const api = setupFakeAuthServer();

describe('Practice Secure Login', () => {
  it('shows the User ID and Password fields, the Login button and the server in use', async () => {
    renderApp();
    expect(await screen.findByRole('heading', { name: 'Practice Secure Login' })).toBeInTheDocument();
    expect(screen.getByLabelText('User ID')).toHaveAttribute('autocomplete', 'username');
    expect(screen.getByLabelText('Password')).toHaveAttribute('type', 'password');
    expect(screen.getByRole('button', { name: 'Login' })).toBeInTheDocument();
    expect(screen.getByRole('contentinfo')).toHaveTextContent(`Server: ${SERVER_URL}`);
  });

  it('puts the cursor in User ID when the screen opens', async () => {
    renderApp();
    await waitFor(() => expect(screen.getByLabelText('User ID')).toHaveFocus());
  });

  it('moves to "Verify it\'s you" when the password is right and a code is required', async () => {
    const { user } = renderApp();
    await logIn(user);
    expect(await screen.findByRole('heading', { name: "Verify it's you" })).toBeInTheDocument();
    expect(api.server.calls.login).toEqual([{ username: 'ckiplock', password: 'frontDesk2026' }]);
  });

  it("shows the server's invalid_credentials message in an alert and clears the password", async () => {
    const { user } = renderApp();
    await logIn(user, 'ckiplock', 'wrong-password1');
    expect(await screen.findByRole('alert')).toHaveTextContent('The User ID or password is incorrect.');
    expect(screen.getByLabelText('Password')).toHaveValue('');
    expect(screen.getByLabelText('Password')).toHaveFocus();
    expect(screen.getByLabelText('User ID')).toHaveValue('ckiplock');
  });

  it('shows a locked account with a live countdown to when it can try again', async () => {
    api.server.failNext('login', 423, {
      error: ErrorCode.accountLocked,
      message:
        'This account is locked after too many failed attempts. Try again later, or ask your account manager to unlock it.',
      retryAfter: 900,
    });
    const { user } = renderApp();
    await logIn(user);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'This account is locked after too many failed',
    );
    const countdown = screen.getByText(/^You can try again in/);
    expect(countdown).toHaveAttribute('aria-live', 'polite');
    expect(countdown).toHaveTextContent(/You can try again in 1[45] minutes/);
  });

  it("shows the server's enrollment_required message", async () => {
    const message = 'Your practice requires a verification code, and your account has no phone or email yet.';
    api.server.failNext('login', 403, { error: ErrorCode.enrollmentRequired, message });
    const { user } = renderApp();
    await logIn(user);
    expect(await screen.findByRole('alert')).toHaveTextContent(message);
    expect(screen.queryByRole('heading', { name: "Verify it's you" })).not.toBeInTheDocument();
  });

  it('shows the rate limit with a countdown', async () => {
    api.server.failNext('login', 429, {
      error: ErrorCode.rateLimited,
      message: 'Too many sign-in attempts from this computer. Please wait a minute.',
      retryAfter: 42,
    });
    const { user } = renderApp();
    await logIn(user);
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many sign-in attempts');
    expect(screen.getByText(/^You can try again in 4[12] seconds\.$/)).toBeInTheDocument();
  });

  it('tells the user when the server is busy', async () => {
    api.server.failNext('login', 503, {
      error: ErrorCode.serverBusy,
      message: 'The server is busy. Please try again in a moment.',
      retryAfter: 1,
    });
    const { user } = renderApp();
    await logIn(user);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The server is busy. Please try again in a moment.',
    );
  });

  it('explains in plain words when the server cannot be reached', async () => {
    api.server.networkDown();
    const { user } = renderApp();
    await logIn(user);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Cannot reach the sign-in server. Check the network connection and try again',
    );
  });

  it('asks for both fields before calling the server', async () => {
    const { user } = renderApp();
    await user.click(await screen.findByRole('button', { name: 'Login' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Enter your User ID and password.');
    expect(api.server.calls.login).toEqual([]);
  });

  it('names the page origin as the server in the web client', async () => {
    renderApp({ bridge: createFakeBridge({ server: { url: SERVER_URL, source: 'origin' } }) });
    expect(await screen.findByRole('contentinfo')).toHaveTextContent(
      `Server: ${SERVER_URL} (the server of this page)`,
    );
  });
});
