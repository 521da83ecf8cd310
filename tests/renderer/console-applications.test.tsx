// @vitest-environment happy-dom
/** The console's Applications tab (issue 16), against the fake server's admin applications routes. */
import { screen, waitFor, within } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { ENTER_YOUR_PASSWORD } from '../../src/renderer/src/console/YourPasswordField';
import { PASSWORD, RIGHT_CODE } from './support/fake-auth-server';
import { ADMIN, installFakeConsole, WRONG_PASSWORD_MESSAGE } from './support/fake-console';
import {
  type FakeApplications,
  FIRST_SECRET,
  installFakeApplications,
  PRACTICE_APP,
  ROTATED_SECRET,
} from './support/fake-console-applications';
import { logIn, renderApp, setupFakeAuthServer } from './support/render-app';

const api = setupFakeAuthServer();
let fake: FakeApplications;

beforeEach(() => {
  const server = api.practice({ user: ADMIN });
  fake = installFakeApplications(server, installFakeConsole(server));
});

async function openApplications(): Promise<UserEvent> {
  const { user } = renderApp();
  await logIn(user, ADMIN.username);
  await user.click(await screen.findByRole('radio', { name: /^Text message to/ }));
  await user.click(screen.getByRole('button', { name: 'Send Code' }));
  await user.type(await screen.findByLabelText('Verification code'), RIGHT_CODE);
  await user.click(await screen.findByRole('button', { name: 'Account manager console' }));
  await user.click(await screen.findByRole('tab', { name: 'Applications' }));
  return user;
}

/** The password field of the "Manage …" section (the register form has one too). */
const managePassword = () =>
  within(screen.getByRole('region', { name: /^Manage / })).getByLabelText(
    'Your password (to confirm it is you)',
  );

const registerForm = () => screen.getByRole('form', { name: 'Register an application' });

async function fillRegistration(user: UserEvent, name: string, redirect: string) {
  const form = registerForm();
  await user.type(within(form).getByLabelText('Name'), name);
  await user.type(within(form).getByLabelText('Redirect URI 1'), redirect);
}

describe('Console: Applications', () => {
  it('lists each application with its type, redirect URIs, back-channel logout URI, status and creation', async () => {
    await openApplications();
    const table = await screen.findByRole('table', { name: 'Applications (1)' });
    const row = within(table).getByRole('row', { name: /Demo practice application/ });
    expect(row).toHaveTextContent('Confidential');
    expect(row).toHaveTextContent(PRACTICE_APP.redirectUris[0] as string);
    expect(row).toHaveTextContent(PRACTICE_APP.backchannelLogoutUri as string);
    expect(row).toHaveTextContent('Active');
    expect(row).toHaveTextContent('2026');
  });

  it('registers a confidential application and shows its secret once, with a copy button and a warning', async () => {
    const user = await openApplications();
    await screen.findByRole('table', { name: 'Applications (1)' });
    await fillRegistration(user, 'Scheduling', 'https://sched.practice.example/cb');
    await user.click(screen.getByRole('button', { name: 'Add another redirect URI' }));
    await waitFor(() => expect(screen.getByLabelText('Redirect URI 2')).toHaveFocus());
    await user.keyboard('http://127.0.0.1:9000/cb');
    await user.type(
      screen.getByLabelText('Post-logout redirect URI (optional)'),
      'https://sched.practice.example/bye',
    );
    await user.type(
      screen.getByLabelText('Back-channel logout URI (optional)'),
      'https://sched.practice.example/bc',
    );
    await user.type(screen.getByLabelText('Your password (to confirm it is you)'), PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Register application' }));

    const heading = await screen.findByRole('heading', { name: 'Scheduling is registered' });
    await waitFor(() => expect(heading).toHaveFocus());
    expect(screen.getByRole('alert')).toHaveTextContent(
      /Copy it now.*shown only this once.*not be shown again/,
    );
    expect(screen.getByText(FIRST_SECRET)).toBeVisible();
    expect(screen.getByText('client-new-1')).toBeVisible();
    expect(screen.queryByRole('form', { name: 'Register an application' })).toBeNull();
    expect(fake.calls.registered).toEqual([
      {
        name: 'Scheduling',
        redirectUris: ['https://sched.practice.example/cb', 'http://127.0.0.1:9000/cb'],
        postLogoutRedirectUris: ['https://sched.practice.example/bye'],
        backchannelLogoutUri: 'https://sched.practice.example/bc',
        public: false,
        currentPassword: PASSWORD,
      },
    ]);

    await user.click(screen.getByRole('button', { name: 'Copy client secret' }));
    expect(await screen.findByRole('status')).toHaveTextContent('The client secret was copied.');
    expect(await navigator.clipboard.readText()).toBe(FIRST_SECRET);

    await user.click(screen.getByRole('button', { name: 'I have stored the secret' }));
    expect(screen.queryByText(FIRST_SECRET)).toBeNull();
    expect(await screen.findByRole('table', { name: 'Applications (2)' })).toHaveTextContent('Scheduling');
    expect(registerForm()).toBeVisible();
  });

  it('registers a public client with no secret to show', async () => {
    const user = await openApplications();
    await fillRegistration(user, 'Tablet app', 'http://localhost:5173/cb');
    await user.click(screen.getByRole('checkbox', { name: /Public client \(no secret\)/ }));
    await user.type(screen.getByLabelText('Your password (to confirm it is you)'), PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Register application' }));

    await screen.findByRole('heading', { name: 'Tablet app is registered' });
    expect(screen.getByText(/None: a public client signs in with PKCE/)).toBeVisible();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(fake.calls.registered[0]?.public).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Done' }));
    expect(await screen.findByRole('table', { name: 'Applications (2)' })).toHaveTextContent(
      'Public (no secret)',
    );
  });

  it('says what is missing before sending, and shows the server’s refusal naming the field', async () => {
    const user = await openApplications();
    await screen.findByRole('table', { name: 'Applications (1)' });
    await user.click(screen.getByRole('button', { name: 'Register application' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Enter the application’s name.');
    await fillRegistration(user, 'LAN app', 'http://app.practice.lan/cb');
    await user.click(screen.getByRole('button', { name: 'Register application' }));
    expect(screen.getByRole('alert')).toHaveTextContent(ENTER_YOUR_PASSWORD);
    expect(fake.calls.registered).toEqual([]);

    await user.type(screen.getByLabelText('Your password (to confirm it is you)'), 'wrong2026');
    await user.click(screen.getByRole('button', { name: 'Register application' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(WRONG_PASSWORD_MESSAGE);

    await user.type(screen.getByLabelText('Your password (to confirm it is you)'), PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Register application' }));
    await waitFor(() =>
      expect(screen.getByRole('alert')).toHaveTextContent(
        'Redirect URI "http://app.practice.lan/cb" must use https; plain http is allowed only on loopback',
      ),
    );
    expect(screen.getByRole('table', { name: 'Applications (1)' })).toBeVisible();
  });

  it('disables an application after the password and a confirmation; it then shows as Disabled', async () => {
    const user = await openApplications();
    await user.click(await screen.findByRole('button', { name: 'Manage Demo practice application' }));
    const heading = await screen.findByRole('heading', { name: 'Manage Demo practice application' });
    await waitFor(() => expect(heading).toHaveFocus());
    const section = screen.getByRole('region', { name: 'Manage Demo practice application' });

    await user.click(within(section).getByRole('button', { name: 'Disable…' }));
    expect(within(section).getByRole('alert')).toHaveTextContent(ENTER_YOUR_PASSWORD);
    await user.type(within(section).getByLabelText('Your password (to confirm it is you)'), PASSWORD);
    await user.click(within(section).getByRole('button', { name: 'Disable…' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Disable Demo practice application?' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    expect(fake.calls.disabled).toEqual([]);
    await user.click(within(dialog).getByRole('button', { name: 'Disable' }));

    expect(await within(section).findByRole('status')).toHaveTextContent(
      'Demo practice application is disabled: its sign-in requests are refused from now on.',
    );
    expect(fake.calls.disabled).toEqual([PRACTICE_APP.clientId]);
    const row = await screen.findByRole('row', { name: /Demo practice application/ });
    await waitFor(() => expect(row).toHaveTextContent('Disabled'));
    expect(within(section).queryByRole('button', { name: 'Disable…' })).toBeNull();
  });

  it('rotates a secret after a confirmation and shows the new one once', async () => {
    const user = await openApplications();
    await user.click(await screen.findByRole('button', { name: 'Manage Demo practice application' }));
    await user.type(managePassword(), PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Rotate secret…' }));
    const dialog = screen.getByRole('alertdialog', {
      name: 'Rotate the secret of Demo practice application?',
    });
    expect(dialog).toHaveTextContent('The current secret stops working at once.');
    await user.click(within(dialog).getByRole('button', { name: 'Rotate secret' }));

    const heading = await screen.findByRole('heading', { name: 'New secret for Demo practice application' });
    await waitFor(() => expect(heading).toHaveFocus());
    expect(screen.getByText(ROTATED_SECRET)).toBeVisible();
    expect(screen.getByRole('alert')).toHaveTextContent('Copy it now');
    expect(fake.calls.rotated).toEqual([PRACTICE_APP.clientId]);

    await user.click(screen.getByRole('button', { name: 'I have stored the secret' }));
    expect(screen.queryByText(ROTATED_SECRET)).toBeNull();
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Manage Demo practice application' })).toHaveFocus(),
    );
  });

  it('Cancel in the confirmation does nothing and gives focus back to the button', async () => {
    const user = await openApplications();
    await user.click(await screen.findByRole('button', { name: 'Manage Demo practice application' }));
    await user.type(managePassword(), PASSWORD);
    const rotate = screen.getByRole('button', { name: 'Rotate secret…' });
    await user.click(rotate);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(rotate).toHaveFocus();
    expect(fake.calls.rotated).toEqual([]);
  });
});
