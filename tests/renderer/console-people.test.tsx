// @vitest-environment happy-dom
/** The console's Users, Locations and Guided recovery tabs, against the fake server's admin routes. */
import { screen, waitFor, within } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { PASSWORD, RIGHT_CODE } from './support/fake-auth-server';
import { ADMIN, installFakeConsole, WRONG_PASSWORD_MESSAGE } from './support/fake-console';
import {
  BYPASS_CODE,
  type FakePeople,
  installFakePeople,
  LOCKED_OUT,
  person,
  SIGNED_IN_ELSEWHERE,
} from './support/fake-console-people';
import { logIn, renderApp, setupFakeAuthServer } from './support/render-app';

const api = setupFakeAuthServer();
let people: FakePeople;

beforeEach(() => {
  const server = api.practice({ user: ADMIN });
  people = installFakePeople(server, installFakeConsole(server));
});

async function openTab(tab: 'Users' | 'Locations' | 'Guided recovery'): Promise<UserEvent> {
  const { user } = renderApp();
  await logIn(user, ADMIN.username);
  await user.click(await screen.findByRole('radio', { name: /^Text message to/ }));
  await user.click(screen.getByRole('button', { name: 'Send Code' }));
  await user.type(await screen.findByLabelText('Verification code'), RIGHT_CODE);
  await user.click(await screen.findByRole('button', { name: 'Account manager console' }));
  await user.click(await screen.findByRole('tab', { name: tab }));
  return user;
}

/** The account manager's own password field of the console section named `section`. */
const yourPassword = (section: string) =>
  within(screen.getByRole('region', { name: section })).getByLabelText(
    'Your password (to confirm it is you)',
  );

async function manage(user: UserEvent, username: string) {
  await user.click(await screen.findByRole('button', { name: `Manage ${username}` }));
  await screen.findByRole('heading', { level: 2, name: new RegExp(`\\(${username}\\)`) });
}

describe('Console: Users', () => {
  it('lists users with role, status, factors and locations, and searches on the server', async () => {
    const user = await openTab('Users');
    const table = await screen.findByRole('table', { name: 'Users (3)' });
    const row = within(table).getByRole('row', { name: /hquinn/ });
    expect(row).toHaveTextContent('Harper Quinn');
    expect(row).toHaveTextContent('Locked');
    expect(row).toHaveTextContent('None');
    expect(within(table).getByRole('row', { name: /ckiplock/ })).toHaveTextContent('Cell phone, Email');

    // The search says what it matches, to a screen reader too: the start of a name, not any part of it.
    expect(screen.getByLabelText('Search users')).toHaveAccessibleDescription(
      'The start of a last name, first name or User ID.',
    );
    await user.type(screen.getByLabelText('Search users'), 'zzz');
    await user.click(screen.getByRole('button', { name: 'Search' }));
    expect(await screen.findByText('No users match “zzz”.')).toBeVisible();
  });

  it('pages the list from the server: "Show more users" loads the next 50, by keyboard too, each user once', async () => {
    const staff = Array.from({ length: 120 }, (_, i) =>
      person({ id: `bulk-${i}`, username: `staff${String(i).padStart(3, '0')}`, firstName: `Staff ${i}` }),
    );
    people.users.push(...staff);
    const user = await openTab('Users');
    expect(await screen.findByRole('table', { name: 'Users (first 50; more match)' })).toBeVisible();
    expect(screen.getAllByRole('button', { name: /^Manage / })).toHaveLength(50);
    await user.click(screen.getByRole('button', { name: 'Show more users' }));
    expect(await screen.findByRole('table', { name: 'Users (first 100; more match)' })).toBeVisible();
    screen.getByRole('button', { name: 'Show more users' }).focus();
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('table', { name: 'Users (123)' })).toBeVisible();
    expect(screen.getByRole('status')).toHaveTextContent('Showing 123 users.');
    expect(screen.queryByRole('button', { name: 'Show more users' })).toBeNull();
    const shown = screen
      .getAllByRole('button', { name: /^Manage / })
      .map((b) => b.getAttribute('aria-label'));
    const expected = [...people.users]
      .map((u) => u.username)
      .sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
    expect(shown).toEqual(expected.map((username) => `Manage ${username}`));
    // A user from the last page opens as one from the first does.
    await manage(user, 'staff119');
  });

  it('opens a new user who sorts past the loaded pages, reading them from the server alone', async () => {
    people.users.push(
      ...Array.from({ length: 60 }, (_, i) =>
        person({ id: `bulk-${i}`, username: `a${String(i).padStart(3, '0')}` }),
      ),
    );
    const user = await openTab('Users');
    await screen.findByRole('table', { name: 'Users (first 50; more match)' });
    await user.click(screen.getByRole('button', { name: 'New user' }));
    await user.type(await screen.findByLabelText('User ID'), 'zlate');
    await user.type(screen.getByLabelText('Temporary password'), 'welcome2026');
    await user.type(screen.getByLabelText('First name'), 'Zoe');
    await user.click(screen.getByRole('checkbox', { name: 'Eastside Clinic' }));
    await user.click(screen.getByRole('button', { name: 'Create user' }));
    expect(await screen.findByRole('heading', { level: 2, name: 'Zoe (zlate)' })).toBeVisible();
  });

  it('creates a user with a temporary password that meets the rule and at least one location', async () => {
    const user = await openTab('Users');
    await user.click(await screen.findByRole('button', { name: 'New user' }));
    await waitFor(() => expect(screen.getByRole('heading', { name: 'New user' })).toHaveFocus());
    await user.type(screen.getByLabelText('User ID'), 'mnew');
    await user.type(screen.getByLabelText('Temporary password'), 'short');
    await user.click(screen.getByRole('button', { name: 'Create user' }));
    expect(screen.getByRole('alert')).toHaveTextContent('8 or more characters with both letters and digits');
    await user.clear(screen.getByLabelText('Temporary password'));
    await user.type(screen.getByLabelText('Temporary password'), 'welcome2026');
    await user.click(screen.getByRole('button', { name: 'Create user' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Choose at least one location.');
    expect(people.calls.created).toEqual([]);

    await user.type(screen.getByLabelText('First name'), 'Morgan');
    await user.selectOptions(screen.getByLabelText('Role'), 'Account manager');
    await user.click(screen.getByRole('checkbox', { name: 'Eastside Clinic' }));
    await user.click(screen.getByRole('button', { name: 'Create user' }));
    expect(await screen.findByRole('heading', { level: 2, name: 'Morgan (mnew)' })).toBeVisible();
    expect(people.calls.created).toEqual([
      {
        username: 'mnew',
        password: 'welcome2026',
        firstName: 'Morgan',
        lastName: '',
        role: 'admin',
        locationIds: ['loc-east'],
      },
    ]);
  });

  it('creates a user with a resource type and start and end dates', async () => {
    const user = await openTab('Users');
    await user.click(await screen.findByRole('button', { name: 'New user' }));
    await user.type(screen.getByLabelText('User ID'), 'seasonal');
    await user.type(screen.getByLabelText('Temporary password'), 'welcome2026');
    await user.click(await screen.findByRole('checkbox', { name: 'Main Office' }));
    const setup = screen.getByRole('group', { name: 'Resource setup' });
    await user.type(within(setup).getByLabelText('Resource type'), 'Non-Healthcare Provider');
    await user.type(within(setup).getByLabelText('Start date'), '2026-06-01');
    await user.type(within(setup).getByLabelText('End date'), '2026-08-31');
    await user.click(screen.getByRole('button', { name: 'Create user' }));
    expect(await screen.findByRole('heading', { level: 2, name: 'seasonal (seasonal)' })).toBeVisible();
    expect(people.calls.created).toEqual([
      expect.objectContaining({
        username: 'seasonal',
        resourceType: 'Non-Healthcare Provider',
        startDate: '2026-06-01',
        endDate: '2026-08-31',
      }),
    ]);
    const details = screen.getByText('Resource type', { selector: 'dt' }).closest('dl') as HTMLElement;
    expect(details).toHaveTextContent('Resource typeNon-Healthcare Provider');
    expect(details).toHaveTextContent(/End date.*2026.*the last day they may sign in/);
  });

  it('refuses an end date before the start date on the End date field itself, sending nothing', async () => {
    const user = await openTab('Users');
    await user.click(await screen.findByRole('button', { name: 'New user' }));
    await user.type(screen.getByLabelText('User ID'), 'backwards');
    await user.type(screen.getByLabelText('Temporary password'), 'welcome2026');
    await user.click(await screen.findByRole('checkbox', { name: 'Main Office' }));
    await user.type(screen.getByLabelText('Start date'), '2026-07-01');
    const end = screen.getByLabelText('End date');
    await user.type(end, '2026-06-30');
    await user.click(screen.getByRole('button', { name: 'Create user' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The end date is before the start date.');
    expect(end).toHaveAttribute('aria-invalid', 'true');
    expect(end).toHaveAccessibleDescription(/The end date is before the start date\./);
    expect(end).toHaveFocus();
    expect(screen.getByLabelText('Start date')).not.toHaveAttribute('aria-invalid');
    expect(people.calls.created).toEqual([]);
  });

  it('edits the dates of an existing user, sending only what changed, and clears one when emptied', async () => {
    people.users = people.users.map((u) =>
      u.id === 'user-1' ? { ...u, resourceType: 'Healthcare Provider', startDate: '2026-01-05' } : u,
    );
    const user = await openTab('Users');
    await manage(user, 'ckiplock');
    expect(screen.getByLabelText('Resource type')).toHaveValue('Healthcare Provider');
    expect(screen.getByLabelText('Start date')).toHaveValue('2026-01-05');
    await user.clear(screen.getByLabelText('Start date'));
    await user.type(screen.getByLabelText('End date'), '2026-11-30');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Changes saved.')).toBeVisible();
    expect(people.calls.updated).toEqual([{ id: 'user-1', startDate: null, endDate: '2026-11-30' }]);
  });

  it("shows the server's 409 for a taken User ID as an alert", async () => {
    const user = await openTab('Users');
    await user.click(await screen.findByRole('button', { name: 'New user' }));
    await user.type(screen.getByLabelText('User ID'), 'ckiplock');
    await user.type(screen.getByLabelText('Temporary password'), 'welcome2026');
    await user.click(await screen.findByRole('checkbox', { name: 'Main Office' }));
    await user.click(screen.getByRole('button', { name: 'Create user' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('That User ID is taken.');
  });

  it('sends only what changed: deactivating and a new role', async () => {
    const user = await openTab('Users');
    await manage(user, 'ckiplock');
    await user.selectOptions(screen.getByLabelText('Role'), 'Account manager');
    await user.click(screen.getByRole('checkbox', { name: /^Active/ }));
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Changes saved.')).toBeVisible();
    expect(people.calls.updated).toEqual([{ id: 'user-1', role: 'admin', active: false }]);
  });

  it('shows a user past their end date as ended, and one before their start date as not started', async () => {
    people.users = people.users.map((u) =>
      u.username === 'ckiplock' ? { ...u, endDate: '2026-05-31', accessByDates: 'ended' as const } : u,
    );
    people.users.push({
      ...(people.users[1] as (typeof people.users)[number]),
      id: 'user-4',
      username: 'mnewhire',
      startDate: '2099-01-01',
      endDate: null,
      accessByDates: 'not_started',
    });
    await openTab('Users');
    const table = await screen.findByRole('table', { name: 'Users (4)' });
    expect(within(table).getByRole('row', { name: /ckiplock/ })).toHaveTextContent(
      'Ended (past the end date)',
    );
    expect(within(table).getByRole('row', { name: /mnewhire/ })).toHaveTextContent(
      'Not started (before the start date)',
    );
  });

  it('unlocks a locked user', async () => {
    const user = await openTab('Users');
    await manage(user, LOCKED_OUT.username);
    await user.click(screen.getByRole('button', { name: 'Unlock' }));
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Unlock' })).toBeNull());
    expect(people.calls.unlocked).toEqual([LOCKED_OUT.id]);
    expect(screen.getByText('Active')).toBeVisible();
  });

  it('resets 2FA only with a reason and the account manager’s password, after a confirm; Cancel sends nothing and returns focus', async () => {
    const user = await openTab('Users');
    await manage(user, 'ckiplock');
    const open = screen.getByRole('button', { name: 'Reset 2FA…' });
    await user.click(open);
    expect(screen.getByRole('alert')).toHaveTextContent('Give a reason for resetting 2FA');
    await user.type(screen.getByLabelText('Reason for resetting 2FA'), 'Lost phone');
    await user.click(open);
    expect(screen.getByRole('alert')).toHaveTextContent('Enter your own password to confirm it is you.');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    await user.type(yourPassword('Reset 2FA'), PASSWORD);
    await user.click(open);
    const dialog = screen.getByRole('alertdialog', { name: 'Reset 2FA for ckiplock?' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(open).toHaveFocus();
    expect(people.calls.reset2fa).toEqual([]);

    await user.click(open);
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Reset 2FA' }));
    expect(await screen.findByText(/2FA reset for ckiplock: 1 workstation revoked/)).toBeVisible();
    expect(people.calls.reset2fa).toEqual([{ id: 'user-1', reason: 'Lost phone' }]);
    expect(yourPassword('Reset 2FA')).toHaveValue('');
  });

  it('gives a user a new temporary password with a reason, and shows it as temporary until a date', async () => {
    const user = await openTab('Users');
    await manage(user, 'ckiplock');
    expect(screen.getByText('Their own')).toBeVisible();
    const set = screen.getByRole('button', { name: 'Set temporary password' });
    await user.type(screen.getByLabelText('New temporary password'), 'short');
    await user.click(set);
    expect(screen.getByRole('alert')).toHaveTextContent('8 or more characters with both letters and digits');
    await user.clear(screen.getByLabelText('New temporary password'));
    await user.type(screen.getByLabelText('New temporary password'), 'Again2026x');
    await user.click(set);
    expect(screen.getByRole('alert')).toHaveTextContent('Give a reason for the new password');
    expect(people.calls.temporaryPasswords).toEqual([]);

    await user.type(screen.getByLabelText('Reason for the new password'), 'Forgot password, ID seen');
    await user.click(set);
    expect(screen.getByRole('alert')).toHaveTextContent('Enter your own password to confirm it is you.');
    expect(people.calls.temporaryPasswords).toEqual([]);
    await user.type(yourPassword('Temporary password'), PASSWORD);
    await user.click(set);
    expect(await screen.findByText(/ckiplock has a new temporary password/)).toBeVisible();
    expect(people.calls.temporaryPasswords).toEqual([
      { id: 'user-1', password: 'Again2026x', reason: 'Forgot password, ID seen', currentPassword: PASSWORD },
    ]);
    expect(await screen.findByText(/^Temporary, until /)).toBeVisible();
    expect(screen.getByLabelText('New temporary password')).toHaveValue('');
  });

  it("lists a user's trusted workstations and revokes one", async () => {
    const user = await openTab('Users');
    await manage(user, 'ckiplock');
    await user.click(await screen.findByRole('button', { name: 'Revoke FRONT-DESK-1' }));
    expect(await screen.findByText('No remembered workstations.')).toBeVisible();
    expect(people.calls.revokedDevice).toEqual([{ id: 'user-1', deviceId: 'dev-1' }]);
  });

  it('revokes every workstation in the practice with a reason and the account manager’s password, after a confirm', async () => {
    const user = await openTab('Users');
    await user.type(await screen.findByLabelText('Reason for revoking every workstation'), 'Laptop stolen');
    await user.type(yourPassword('Every trusted workstation'), 'notMine2026');
    await user.click(screen.getByRole('button', { name: 'Revoke every workstation…' }));
    const confirm = () =>
      within(screen.getByRole('alertdialog', { name: 'Revoke every trusted workstation?' })).getByRole(
        'button',
        { name: 'Revoke every workstation' },
      );
    await user.click(confirm());
    // A wrong password: the server's words, nothing revoked, the field emptied for another try.
    expect(await screen.findByRole('alert')).toHaveTextContent(WRONG_PASSWORD_MESSAGE);
    expect(people.calls.revokedAll).toEqual([]);
    expect(yourPassword('Every trusted workstation')).toHaveValue('');

    await user.type(yourPassword('Every trusted workstation'), PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Revoke every workstation…' }));
    await user.click(confirm());
    expect(await screen.findByText(/Revoked 1 workstation\./)).toBeVisible();
    expect(people.calls.revokedAll).toEqual(['Laptop stolen']);
  });

  it('with "and sign everyone out" also ends every signed-in session but the account manager’s, and says how many of each', async () => {
    const user = await openTab('Users');
    await user.type(await screen.findByLabelText('Reason for revoking every workstation'), 'Breach');
    const signOut = screen.getByRole('checkbox', { name: 'and sign everyone out' });
    expect(signOut).not.toBeChecked();
    expect(signOut).toHaveAccessibleDescription(/but yours/);
    await user.click(signOut);
    await user.type(yourPassword('Every trusted workstation'), PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Revoke every workstation…' }));
    const dialog = screen.getByRole('alertdialog', {
      name: 'Revoke every trusted workstation and sign everyone out?',
    });
    expect(dialog).toHaveTextContent('You stay signed in here.');
    await user.click(within(dialog).getByRole('button', { name: 'Revoke and sign everyone out' }));
    expect(
      await screen.findByText(
        `Revoked 1 workstation and ended ${SIGNED_IN_ELSEWHERE} signed-in sessions; you are still signed in here. Everyone signs in again, with a code.`,
      ),
    ).toBeVisible();
    expect(people.calls.revokedAll).toEqual(['Breach']);
    expect(people.calls.signedEveryoneOut).toEqual(['Breach']);
    expect(screen.getByRole('checkbox', { name: 'and sign everyone out' })).not.toBeChecked();
  });

  it('without "and sign everyone out" ends no session', async () => {
    const user = await openTab('Users');
    await user.type(await screen.findByLabelText('Reason for revoking every workstation'), 'Laptop stolen');
    await user.type(yourPassword('Every trusted workstation'), PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Revoke every workstation…' }));
    await user.click(
      within(screen.getByRole('alertdialog', { name: 'Revoke every trusted workstation?' })).getByRole(
        'button',
        {
          name: 'Revoke every workstation',
        },
      ),
    );
    expect(await screen.findByText(/Revoked 1 workstation\. Everyone gets a code/)).toBeVisible();
    expect(people.calls.signedEveryoneOut).toEqual([]);
  });

  it('sets a contact on the user\'s behalf, marked "set by admin"', async () => {
    const user = await openTab('Users');
    await manage(user, LOCKED_OUT.username);
    await user.type(screen.getByLabelText('Cell phone number'), '(202) 555-0199');
    await user.click(screen.getByRole('radio', { name: /Set it now, marked “set by admin”/ }));
    await user.type(screen.getByLabelText('Reason for this contact change'), 'New phone, ID checked');
    await user.click(screen.getByRole('button', { name: 'Set contact' }));
    expect(await screen.findByText(/Cell phone ••• - ••• - 0199 is on file \(set by admin/)).toBeVisible();
    expect(people.calls.contacts).toEqual([
      {
        id: LOCKED_OUT.id,
        channel: 'sms',
        value: '(202) 555-0199',
        method: 'set_by_admin',
        reason: 'New phone, ID checked',
      },
    ]);
  });

  it('verifies a contact with the code the user reads out; a wrong code clears the field', async () => {
    const user = await openTab('Users');
    await manage(user, LOCKED_OUT.username);
    await user.type(screen.getByLabelText('Cell phone number'), '2025550199');
    await user.type(screen.getByLabelText('Reason for this contact change'), 'Adding their phone');
    await user.click(screen.getByRole('button', { name: 'Send code' }));
    const field = await screen.findByLabelText('Code the user reads out');
    await user.type(field, '000000');
    await user.click(screen.getByRole('button', { name: 'Verify code' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('That code is not right.');
    expect(field).toHaveValue('');
    await user.type(field, RIGHT_CODE);
    await user.click(screen.getByRole('button', { name: 'Verify code' }));
    expect(await screen.findByText(/Cell phone ••• - ••• - 0199 is on file\./)).toBeVisible();
    expect(people.calls.contactCodes).toEqual(['000000', RIGHT_CODE]);
  });
});

describe('Console: Locations', () => {
  it('lists locations with their user counts, adds one, and refuses a duplicate name', async () => {
    const user = await openTab('Locations');
    const table = await screen.findByRole('table', { name: 'Locations (2)' });
    expect(within(table).getByRole('row', { name: /Main Office/ })).toHaveTextContent('3');
    await user.type(screen.getByLabelText('New location name'), 'North Clinic');
    await user.click(screen.getByRole('button', { name: 'Add location' }));
    expect(await screen.findByRole('table', { name: 'Locations (3)' })).toBeVisible();
    expect(screen.getByRole('status')).toHaveTextContent('North Clinic was added.');

    await user.type(screen.getByLabelText('New location name'), 'Main Office');
    await user.click(screen.getByRole('button', { name: 'Add location' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('A location of that name exists.');
    expect(people.calls.locationsCreated).toEqual(['North Clinic', 'Main Office']);
  });

  it('renames a location in place, focusing the field and then the Rename button again', async () => {
    const user = await openTab('Locations');
    await user.click(await screen.findByRole('button', { name: 'Rename Eastside Clinic' }));
    const field = screen.getByLabelText('New name for Eastside Clinic');
    await waitFor(() => expect(field).toHaveFocus());
    await user.clear(field);
    await user.type(field, 'Eastside Family Clinic');
    await user.click(screen.getByRole('button', { name: 'Save name' }));
    const button = await screen.findByRole('button', { name: 'Rename Eastside Family Clinic' });
    await waitFor(() => expect(button).toHaveFocus());
    expect(people.calls.locationsRenamed).toEqual([{ id: 'loc-east', name: 'Eastside Family Clinic' }]);
  });
});

describe('Console: Guided recovery', () => {
  it('needs every checklist item and a reason, then shows the bypass code, its expiry and who was told', async () => {
    const user = await openTab('Users');
    await manage(user, LOCKED_OUT.username);
    await user.click(screen.getByRole('button', { name: 'Guided recovery…' }));
    expect(screen.getByRole('tab', { name: 'Guided recovery' })).toHaveAttribute('aria-selected', 'true');
    await screen.findByRole('heading', { name: 'Recover Harper Quinn (hquinn)' });

    await user.click(await screen.findByRole('checkbox', { name: 'Photo ID seen in person or on video' }));
    await user.type(screen.getByLabelText('Reason for this recovery'), 'Lost phone, seen in person');
    await user.click(screen.getByRole('button', { name: 'Issue one-time bypass code' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Confirm every item of the identity check');
    await user.click(screen.getByRole('checkbox', { name: 'Called back on the number in staff records' }));
    await user.clear(screen.getByLabelText('Reason for this recovery'));
    await user.type(screen.getByLabelText('Reason for this recovery'), 'too short');
    await user.click(screen.getByRole('button', { name: 'Issue one-time bypass code' }));
    expect(screen.getByRole('alert')).toHaveTextContent('at least 10 characters');
    expect(people.calls.recoveries).toEqual([]);

    await user.type(screen.getByLabelText('Reason for this recovery'), ' - lost phone');
    await user.click(screen.getByRole('button', { name: 'Issue one-time bypass code' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Enter your own password to confirm it is you.');
    expect(people.calls.recoveries).toEqual([]);
    await user.type(yourPassword('Recover Harper Quinn (hquinn)'), PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Issue one-time bypass code' }));
    const heading = await screen.findByRole('heading', { name: 'One-time bypass code for hquinn' });
    await waitFor(() => expect(heading).toHaveFocus());
    expect(screen.getByText(BYPASS_CODE)).toBeVisible();
    expect(screen.getByText(/^Valid for 1[45] minutes/)).toBeVisible();
    expect(screen.getByText('Other account managers: bmanager')).toBeVisible();
    expect(screen.getByText('hquinn: no contact on file to notify')).toBeVisible();
    expect(people.calls.recoveries).toEqual([
      {
        id: LOCKED_OUT.id,
        checked: ['photo-id', 'call-back'],
        reason: 'too short - lost phone',
        action: 'bypass_code',
        currentPassword: PASSWORD,
      },
    ]);

    await user.click(screen.getByRole('button', { name: 'Done' }));
    expect(screen.queryByText(BYPASS_CODE)).toBeNull();
    expect(await screen.findByRole('heading', { name: 'Who is locked out?' })).toBeVisible();
  });

  it('finds the user from the Guided recovery tab itself', async () => {
    const user = await openTab('Guided recovery');
    await user.type(await screen.findByLabelText('Find the user'), 'quinn');
    await user.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(screen.queryByRole('button', { name: /ckiplock/ })).toBeNull());
    await user.click(screen.getByRole('button', { name: 'Harper Quinn (hquinn)' }));
    expect(await screen.findByRole('heading', { name: 'Recover Harper Quinn (hquinn)' })).toBeVisible();
  });

  it('edits the checklist: keeps ids of kept items, adds new ones without an id, with a reason', async () => {
    const user = await openTab('Guided recovery');
    await user.click(await screen.findByText('Edit the identity checklist'));
    await user.click(await screen.findByRole('button', { name: 'Remove item 2' }));
    await user.click(screen.getByRole('button', { name: 'Add item' }));
    await user.type(screen.getByLabelText('Item 2'), 'Asked the name of their first manager');
    await user.click(screen.getByRole('button', { name: 'Save checklist' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Give a reason for this change');
    await user.type(screen.getByLabelText('Reason for changing the checklist'), 'Call-backs are unreliable');
    await user.click(screen.getByRole('button', { name: 'Save checklist' }));
    await waitFor(() => expect(people.calls.checklists).toHaveLength(1));
    expect(people.calls.checklists[0]).toEqual({
      items: [
        { id: 'photo-id', text: 'Photo ID seen in person or on video' },
        { text: 'Asked the name of their first manager' },
      ],
      reason: 'Call-backs are unreliable',
    });
  });
});
