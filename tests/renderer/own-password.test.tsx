// @vitest-environment happy-dom
/**
 * "Choose your own password": after signing in with a temporary password from the account manager
 * (passwordChangeRequired), the user sets their own before reaching anything else.
 */
import { screen, waitFor } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { ApiError, ErrorCode, PasswordChanged, PasswordChangeRequest } from '../../src/shared/api';
import { apiUrl, bearerOf, MAIN_OFFICE, NORTH_CLINIC, PASSWORD } from './support/fake-auth-server';
import { logIn, renderApp, setupFakeAuthServer } from './support/render-app';

const api = setupFakeAuthServer();
const OWN = 'myOwnSecret42';

/** The practice answers the password with a restricted session; /me/password takes the temporary one. */
function temporaryPasswordPractice(locations = [MAIN_OFFICE]) {
  const server = api.practice({ targets: [], locations });
  const session = server.authenticated({ passwordChangeRequired: true });
  server.loginAnswers(session);
  const changes: Array<{ token: string | undefined; body: PasswordChangeRequest }> = [];
  server.use(
    http.post(apiUrl('/me/password'), async ({ request }) => {
      const token = bearerOf(request);
      const body = await server.parseRequest(PasswordChangeRequest, request);
      if (!body) return HttpResponse.json({}, { status: 400 });
      changes.push({ token, body });
      if (body.currentPassword !== PASSWORD) {
        return server.reply(
          ApiError,
          { error: ErrorCode.invalidCredentials, message: 'That is not your current password.' },
          400,
        );
      }
      return server.reply(PasswordChanged, { revokedSessions: 0, revokedDevices: 0 });
    }),
  );
  return { session, changes };
}

async function fill(
  user: ReturnType<typeof renderApp>['user'],
  temporary: string,
  own: string,
  repeat = own,
) {
  await user.type(screen.getByLabelText('Temporary password'), temporary);
  await user.type(screen.getByLabelText('New password'), own);
  await user.type(screen.getByLabelText('Type the new password again'), repeat);
  await user.click(screen.getByRole('button', { name: 'Save my password' }));
}

describe('Choose your own password', () => {
  it('comes right after sign-in with a temporary password, with the first field focused', async () => {
    temporaryPasswordPractice();
    const { user } = renderApp();
    await logIn(user);
    expect(await screen.findByRole('heading', { name: 'Choose your own password' })).toBeInTheDocument();
    expect(screen.getByText(/temporary password from your account manager/)).toBeInTheDocument();
    expect(screen.getByLabelText('Temporary password')).toHaveFocus();
    expect(screen.queryByRole('heading', { name: 'Signed in' })).not.toBeInTheDocument();
  });

  it('checks the rule, the repeat and sameness on the spot, without asking the server', async () => {
    const { changes } = temporaryPasswordPractice();
    const { user } = renderApp();
    await logIn(user);
    await screen.findByRole('heading', { name: 'Choose your own password' });
    await fill(user, PASSWORD, 'short1');
    expect(await screen.findByRole('alert')).toHaveTextContent(/8 or more characters/);
    await user.clear(screen.getByLabelText('New password'));
    await user.clear(screen.getByLabelText('Type the new password again'));
    await user.clear(screen.getByLabelText('Temporary password'));
    await fill(user, PASSWORD, OWN, `${OWN}x`);
    expect(await screen.findByRole('alert')).toHaveTextContent('The two new passwords are not the same.');
    await user.clear(screen.getByLabelText('New password'));
    await user.clear(screen.getByLabelText('Type the new password again'));
    await user.clear(screen.getByLabelText('Temporary password'));
    await fill(user, PASSWORD, PASSWORD);
    expect(await screen.findByRole('alert')).toHaveTextContent('not the temporary one');
    expect(changes).toEqual([]);
  });

  it('shows the server’s answer to a wrong temporary password and stays', async () => {
    temporaryPasswordPractice();
    const { user } = renderApp();
    await logIn(user);
    await screen.findByRole('heading', { name: 'Choose your own password' });
    await fill(user, 'notTheOne1', OWN);
    expect(await screen.findByRole('alert')).toHaveTextContent('That is not your current password.');
    expect(screen.getByRole('heading', { name: 'Choose your own password' })).toBeInTheDocument();
  });

  it('saves it with the session of this sign-in, then goes on to the location chooser', async () => {
    const { session, changes } = temporaryPasswordPractice([MAIN_OFFICE, NORTH_CLINIC]);
    const { user } = renderApp();
    await logIn(user);
    await screen.findByRole('heading', { name: 'Choose your own password' });
    await fill(user, PASSWORD, OWN);
    expect(await screen.findByRole('heading', { name: 'Choose your practice location' })).toBeInTheDocument();
    expect(changes).toEqual([
      { token: session.sessionToken, body: { currentPassword: PASSWORD, newPassword: OWN } },
    ]);
  });

  it('lets the user sign out instead, ending the session', async () => {
    const { session } = temporaryPasswordPractice();
    const { user } = renderApp();
    await logIn(user);
    await screen.findByRole('heading', { name: 'Choose your own password' });
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByText('You have signed out.')).toBeInTheDocument();
    expect(api.server.calls.logout).toEqual([session.sessionToken]);
  });

  it('ends a half-finished first sign-in left idle at a shared desk, back to the login form', async () => {
    const { session } = temporaryPasswordPractice();
    const { user } = renderApp({ idleLockMs: 300 });
    await logIn(user);
    await screen.findByRole('heading', { name: 'Choose your own password' });
    expect(
      await screen.findByText(/signed out because the workstation was left idle/, {}, { timeout: 3000 }),
    ).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Practice Secure Login' })).toBeInTheDocument();
    await waitFor(() => expect(api.server.calls.logout).toEqual([session.sessionToken]));
  });
});
