// @vitest-environment happy-dom
/**
 * My settings in the client, against the fake server's /me routes (every request and answer parsed with the
 * shared contract): reached from the signed-in screen and back; the profile and password; a new cell phone
 * through the current password and a code sent to it; workstations; the authenticator app; recovery codes;
 * and the mandate banner.
 */
import { screen, waitFor, within } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { PASSWORD, RIGHT_CODE } from './support/fake-auth-server';
import { renderApp, setupFakeAuthServer, signIn } from './support/render-app';

const api = setupFakeAuthServer();

async function openSettings(user: UserEvent) {
  await signIn(user);
  await screen.findByRole('heading', { name: 'Signed in' });
  await user.click(screen.getByRole('button', { name: 'My settings' }));
  const heading = await screen.findByRole('heading', { name: 'My settings' });
  await screen.findByLabelText('User ID');
  return heading;
}

const section = (name: string) => screen.getByRole('region', { name });

describe('reaching My settings', () => {
  it('opens from the signed-in screen with its heading focused, and Back returns', async () => {
    const { user } = renderApp();
    const heading = await openSettings(user);
    await waitFor(() => expect(heading).toHaveFocus());
    expect(screen.getByLabelText('User ID')).toHaveValue('ckiplock');
    expect(screen.getByLabelText('User ID')).toHaveAttribute('readonly');
    expect(screen.getByText('Leave password blank if you do not wish to change.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Back' }));
    expect(await screen.findByRole('heading', { name: 'Signed in' })).toBeInTheDocument();
  });
});

describe('the account fields the account manager sets', () => {
  it('shows the resource type, start date and end date read-only', async () => {
    const { user } = renderApp();
    await openSettings(user);
    for (const [label, value] of [
      ['Resource type', 'Non-Healthcare Provider'],
      ['Start date', '2026-01-05'],
      ['End date', '2026-12-31'],
    ]) {
      const field = screen.getByLabelText(label as string);
      expect(field).toHaveValue(value);
      expect(field).toHaveAttribute('readonly');
      expect(field).toHaveAccessibleDescription(/Your account manager sets these/);
    }
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Your settings were saved.')).toBeInTheDocument();
    // A profile save never carries them: the server would not take them from the user anyway.
    for (const key of ['resourceType', 'startDate', 'endDate']) {
      expect(api.server.settings.calls.profile[0]).not.toHaveProperty(key);
    }
  });
});

describe('profile and password', () => {
  it('saves the profile and leaves the password alone when its fields are blank', async () => {
    const { user } = renderApp();
    await openSettings(user);
    await user.type(screen.getByLabelText('Prefix'), 'Dr.');
    await user.type(screen.getByLabelText('Degree / suffix'), 'MD');
    await user.selectOptions(screen.getByLabelText('Sex'), 'female');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Your settings were saved.')).toBeInTheDocument();
    expect(api.server.settings.calls.profile).toEqual([
      expect.objectContaining({ namePrefix: 'Dr.', nameSuffix: 'MD', sex: 'female', firstName: 'Casey' }),
    ]);
    expect(api.server.settings.calls.password).toEqual([]);
  });

  it('holds a new password to the rule, and to typing it twice, before calling the server', async () => {
    const { user } = renderApp();
    await openSettings(user);
    await user.type(screen.getByLabelText('New password'), 'lettersonly');
    await user.type(screen.getByLabelText('Type the new password again'), 'lettersonly');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      '8 or more characters with both letters and digits',
    );
    await user.clear(screen.getByLabelText('New password'));
    await user.type(screen.getByLabelText('New password'), 'brandNew2027');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The two new passwords are not the same.');
    expect(api.server.settings.calls.profile).toEqual([]);
    expect(api.server.settings.calls.password).toEqual([]);
  });

  it('changes the password with the current one, and says a wrong current password is wrong', async () => {
    const { user } = renderApp();
    await openSettings(user);
    await user.type(screen.getByLabelText('New password'), 'brandNew2027');
    await user.type(screen.getByLabelText('Type the new password again'), 'brandNew2027');
    await user.type(screen.getByLabelText('Current password'), 'notMine1');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Your current password is not right.');
    await user.clear(screen.getByLabelText('Current password'));
    await user.type(screen.getByLabelText('Current password'), PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText(/your new password were saved/)).toBeInTheDocument();
    expect(api.server.settings.calls.password.at(-1)).toEqual({
      currentPassword: PASSWORD,
      newPassword: 'brandNew2027',
    });
    expect(screen.getByLabelText('New password')).toHaveValue('');
  });
});

describe('cell phone', () => {
  it('shows the number in national format, then changes it: current password, code to the NEW number, done', async () => {
    const { user } = renderApp();
    await openSettings(user);
    const phone = section('Cell phone');
    expect(within(phone).getByText('(202) 555-3816')).toBeInTheDocument();
    await user.click(within(phone).getByRole('button', { name: 'Change cell phone' }));
    await waitFor(() => expect(screen.getByLabelText('New cell phone number')).toHaveFocus());
    await user.type(screen.getByLabelText('New cell phone number'), '(202) 555-0199');
    await user.type(within(phone).getByLabelText('Current password'), PASSWORD);
    await user.click(within(phone).getByRole('button', { name: 'Send Code' }));
    expect(await within(phone).findByText(/We sent a code to ••• - ••• - 0199/)).toBeInTheDocument();
    expect(api.server.settings.calls.contacts).toEqual([{ channel: 'sms', value: '(202) 555-0199' }]);
    const code = screen.getByLabelText('Confirmation code');
    await waitFor(() => expect(code).toHaveFocus());
    await user.type(code, RIGHT_CODE);
    await user.click(within(phone).getByRole('button', { name: 'Verify Code' }));
    expect(await within(phone).findByText('Your cell phone is now ••• - ••• - 0199.')).toBeInTheDocument();
    expect(await within(phone).findByText('(202) 555-0199')).toBeInTheDocument();
    expect(within(phone).getByText(/Verified by you with a code/)).toBeInTheDocument();
  });

  it('keeps the old number after a wrong code, saying how many attempts are left', async () => {
    const { user } = renderApp();
    await openSettings(user);
    const phone = section('Cell phone');
    await user.click(within(phone).getByRole('button', { name: 'Change cell phone' }));
    await user.type(screen.getByLabelText('New cell phone number'), '2025550199');
    await user.type(within(phone).getByLabelText('Current password'), PASSWORD);
    await user.click(within(phone).getByRole('button', { name: 'Send Code' }));
    await user.type(await screen.findByLabelText('Confirmation code'), '000000');
    await user.click(within(phone).getByRole('button', { name: 'Verify Code' }));
    expect(await within(phone).findByRole('alert')).toHaveTextContent(
      'That code is not right. 4 attempts left.',
    );
    expect(api.server.settings.profile.phone).toBe('+12025553816');
    expect(screen.getByLabelText('Confirmation code')).toHaveValue('');
  });

  it('does not go on to the code step when the current password is wrong', async () => {
    const { user } = renderApp();
    await openSettings(user);
    const phone = section('Cell phone');
    await user.click(within(phone).getByRole('button', { name: 'Change cell phone' }));
    await user.type(screen.getByLabelText('New cell phone number'), '2025550199');
    await user.type(within(phone).getByLabelText('Current password'), 'notMine1');
    await user.click(within(phone).getByRole('button', { name: 'Send Code' }));
    expect(await within(phone).findByRole('alert')).toHaveTextContent('Your current password is not right.');
    expect(screen.queryByLabelText('Confirmation code')).not.toBeInTheDocument();
  });
});

describe('trusted workstations, authenticator app and recovery codes', () => {
  it('lists workstations with name, created, last used and expiry; revokes one, then all', async () => {
    const { user } = renderApp();
    await openSettings(user);
    const devices = section('Trusted workstations');
    expect(await within(devices).findByRole('rowheader', { name: 'Front Desk 1' })).toBeInTheDocument();
    expect(
      within(devices)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['Name', 'Created', 'Last used', 'Expires', 'Actions']);
    expect(within(devices).getByText('Never')).toBeInTheDocument();
    await user.click(within(devices).getByRole('button', { name: 'Revoke Front Desk 1' }));
    expect(await within(devices).findByText('Front Desk 1 is no longer trusted.')).toBeInTheDocument();
    await waitFor(() =>
      expect(within(devices).queryByRole('rowheader', { name: 'Front Desk 1' })).toBeNull(),
    );
    await user.click(within(devices).getByRole('button', { name: 'Revoke all' }));
    expect(await within(devices).findByText('1 workstation is no longer trusted.')).toBeInTheDocument();
    expect(api.server.settings.calls.revoked).toEqual(['d1', 'all']);
  });

  it('sets up the authenticator app after the current password: QR code, key, and a confirming code', async () => {
    const { user } = renderApp();
    await openSettings(user);
    const totp = section('Authenticator app');
    await user.click(await within(totp).findByRole('button', { name: 'Set up authenticator app' }));
    await user.type(within(totp).getByLabelText('Current password'), PASSWORD);
    await user.click(within(totp).getByRole('button', { name: 'Continue' }));
    const qr = await within(totp).findByRole('img', { name: 'QR code for your authenticator app' });
    expect(qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect(within(totp).getByText('JBSWY3DPEHPK3PXP')).toBeInTheDocument();
    await user.type(within(totp).getByLabelText('Code from the app'), RIGHT_CODE);
    await user.click(within(totp).getByRole('button', { name: 'Confirm' }));
    expect(await within(totp).findByText('Your authenticator app is set up.')).toBeInTheDocument();
    expect(api.server.settings.calls.totp).toEqual(['enroll', `confirm:${RIGHT_CODE}`]);
  });

  it('makes 10 recovery codes after the current password, by keyboard alone, and shows them once with copy and print', async () => {
    const { user } = renderApp();
    await openSettings(user);
    const recovery = section('Recovery codes');
    const make = await within(recovery).findByRole('button', { name: 'Make recovery codes' });
    make.focus();
    await user.keyboard('{Enter}');
    const password = within(recovery).getByLabelText('Current password');
    await waitFor(() => expect(password).toHaveFocus());
    await user.keyboard(`${PASSWORD}{Enter}`);
    const list = await within(recovery).findByRole('list', { name: 'Your new recovery codes' });
    await waitFor(() => expect(list).toHaveFocus());
    expect(within(list).getAllByRole('listitem')).toHaveLength(10);
    expect(api.server.settings.calls.recovery).toEqual([PASSWORD]);
    expect(within(recovery).getByRole('alert')).toHaveTextContent('shown only this once');
    expect(within(recovery).getByRole('button', { name: 'Copy codes' })).toBeInTheDocument();
    expect(within(recovery).getByRole('button', { name: 'Print' })).toBeInTheDocument();
    await user.click(within(recovery).getByRole('button', { name: 'I have saved them' }));
    expect(within(recovery).queryByRole('list')).not.toBeInTheDocument();
    expect(await within(recovery).findByText(/10 of 10 unused/)).toBeInTheDocument();
    await waitFor(() =>
      expect(within(recovery).getByRole('button', { name: 'Make new codes' })).toHaveFocus(),
    );
  });

  it("makes no codes with a wrong current password, and shows the server's error in an alert", async () => {
    const { user } = renderApp();
    await openSettings(user);
    const recovery = section('Recovery codes');
    await user.click(await within(recovery).findByRole('button', { name: 'Make recovery codes' }));
    await user.type(within(recovery).getByLabelText('Current password'), 'notMine1');
    await user.click(within(recovery).getByRole('button', { name: 'Make codes' }));
    expect(await within(recovery).findByRole('alert')).toHaveTextContent(
      'Your current password is not right.',
    );
    expect(within(recovery).queryByRole('list')).not.toBeInTheDocument();
    const password = within(recovery).getByLabelText('Current password');
    expect(password).toHaveValue('');
    expect(password).toHaveFocus();
    await user.type(password, PASSWORD);
    await user.click(within(recovery).getByRole('button', { name: 'Make codes' }));
    expect(
      await within(recovery).findByRole('list', { name: 'Your new recovery codes' }),
    ).toBeInTheDocument();
    expect(api.server.settings.calls.recovery).toEqual(['notMine1', PASSWORD]);
  });

  it('asks for the password before calling the server, and Cancel makes no codes', async () => {
    const { user } = renderApp();
    await openSettings(user);
    const recovery = section('Recovery codes');
    await user.click(await within(recovery).findByRole('button', { name: 'Make recovery codes' }));
    await user.click(within(recovery).getByRole('button', { name: 'Make codes' }));
    expect(await within(recovery).findByRole('alert')).toHaveTextContent('Enter your current password.');
    await user.click(within(recovery).getByRole('button', { name: 'Cancel' }));
    await waitFor(() =>
      expect(within(recovery).getByRole('button', { name: 'Make recovery codes' })).toHaveFocus(),
    );
    expect(within(recovery).queryByLabelText('Current password')).not.toBeInTheDocument();
    expect(api.server.settings.calls.recovery).toEqual([]);
  });
});

describe('the mandate banner', () => {
  it('says when 2FA becomes mandatory and leads to My settings', async () => {
    api.server.settings.setup = {
      ...api.server.settings.setup,
      hasVerifiedContact: false,
      enforceAfter: '2026-09-01',
      mandateDate: '2026-09-01',
      reminder: 'mandate_date',
    };
    const { user } = renderApp();
    await signIn(user);
    expect(
      await screen.findByText('2FA becomes mandatory on September 1, 2026. Add your cell phone now.'),
    ).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Add it in My settings' }));
    expect(await screen.findByRole('heading', { name: 'My settings' })).toBeInTheDocument();
  });

  it("replaces the sign-in's gentle recommendation with the dated mandate instead of stacking two banners", async () => {
    api.practice({ setupRecommended: true });
    api.server.loginAnswers(api.server.authenticated());
    api.server.settings.setup = {
      ...api.server.settings.setup,
      hasVerifiedContact: false,
      enforceAfter: '2026-09-01',
      mandateDate: '2026-09-01',
      reminder: 'mandate_date',
    };
    const { user } = renderApp();
    await user.type(await screen.findByLabelText('User ID'), 'ckiplock');
    await user.type(screen.getByLabelText('Password'), PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Login' }));
    expect(await screen.findByText(/becomes mandatory on September 1, 2026/)).toBeInTheDocument();
    expect(screen.queryByText(/Add a mobile phone number or email address/)).not.toBeInTheDocument();
    expect(screen.getAllByRole('status')).toHaveLength(1);
  });

  it('keeps the gentle recommendation when no date is set yet, without a second banner', async () => {
    api.practice({ setupRecommended: true });
    api.server.loginAnswers(api.server.authenticated());
    api.server.settings.setup = {
      ...api.server.settings.setup,
      hasVerifiedContact: false,
      mandateDate: null,
      reminder: 'no_date',
    };
    const { user } = renderApp();
    await user.type(await screen.findByLabelText('User ID'), 'ckiplock');
    await user.type(screen.getByLabelText('Password'), PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Login' }));
    await screen.findByRole('heading', { name: 'Signed in' });
    await waitFor(() => expect(api.server.settings.calls.setup).toHaveLength(1));
    expect(await screen.findByText(/Add a mobile phone number or email address/)).toBeInTheDocument();
    expect(screen.queryByText(/turning on 2FA/)).not.toBeInTheDocument();
  });

  it('shows nothing once the user has a verified contact', async () => {
    const { user } = renderApp();
    await signIn(user);
    await screen.findByRole('heading', { name: 'Signed in' });
    await waitFor(() => expect(api.server.settings.calls.setup).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(screen.queryByText(/becomes mandatory/)).not.toBeInTheDocument();
    expect(screen.queryByText(/Add your cell phone/)).not.toBeInTheDocument();
  });
});
