// @vitest-environment happy-dom
/** The account-manager console: policy, readiness and audit log, against the fake server's admin routes. */
import { act, screen, waitFor, within } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type SignInState, signInFlow } from '../../src/renderer/src/flow/sign-in-flow';
import { type Authenticated, ErrorCode } from '../../src/shared/api';
import { AUDIT_EVENT_TYPES } from '../../src/shared/audit-events';
import { CASEY, MAIN_OFFICE, PASSWORD, RIGHT_CODE } from './support/fake-auth-server';
import {
  ADMIN,
  type FakeConsole,
  installFakeConsole,
  NO_CONTACTS,
  SECOND_FACTOR_MESSAGE,
  WRONG_PASSWORD_MESSAGE,
} from './support/fake-console';
import { logIn, renderApp, setupFakeAuthServer } from './support/render-app';

const api = setupFakeAuthServer();
let fake: FakeConsole;

beforeEach(() => {
  fake = installFakeConsole(api.practice({ user: ADMIN }));
});

/** Password and texted code as `username`, ending on the signed-in screen. */
async function signInAs(user: UserEvent, username: string) {
  await logIn(user, username);
  await screen.findByRole('heading', { name: "Verify it's you" });
  await user.click(screen.getByRole('radio', { name: /^Text message to/ }));
  await user.click(screen.getByRole('button', { name: 'Send Code' }));
  await user.type(await screen.findByLabelText('Verification code'), RIGHT_CODE);
  await screen.findByRole('heading', { name: 'Signed in' });
}

async function openConsole(tab?: 'Readiness' | 'Audit log') {
  const { user } = renderApp();
  await signInAs(user, ADMIN.username);
  await user.click(screen.getByRole('button', { name: 'Account manager console' }));
  await screen.findByRole('heading', { name: 'Account manager console' });
  if (tab) await user.click(screen.getByRole('tab', { name: tab }));
  return user;
}

describe('Account manager console: the way in', () => {
  it('is not offered to a staff user', async () => {
    installFakeConsole(api.practice({}));
    const { user } = renderApp();
    await signInAs(user, 'ckiplock');
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeVisible();
    expect(screen.queryByRole('button', { name: 'Account manager console' })).toBeNull();
  });

  it('opens for an account manager on the Policy tab, and Back returns to the signed-in screen', async () => {
    const user = await openConsole();
    expect(screen.getByRole('tab', { name: 'Policy' })).toHaveAttribute('aria-selected', 'true');
    expect(await screen.findByRole('tabpanel', { name: 'Policy' })).toBeVisible();
    await waitFor(() =>
      expect(screen.getByRole('heading', { name: 'Account manager console' })).toHaveFocus(),
    );
    await user.click(screen.getByRole('button', { name: 'Back' }));
    await screen.findByRole('heading', { name: 'Signed in' });
  });

  it('says why it stays closed to a session signed in on a password alone, and leads to My settings', async () => {
    fake.passwordAlone = true;
    const user = await openConsole();
    expect(await screen.findByRole('alert')).toHaveTextContent(SECOND_FACTOR_MESSAGE);
    expect(screen.queryByRole('tab', { name: 'Policy' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Open My settings' }));
    expect(await screen.findByRole('heading', { name: 'My settings' })).toBeVisible();
  });

  it('moves between tabs with the arrow keys, the selected tab alone in the Tab order', async () => {
    const user = await openConsole();
    const policyTab = screen.getByRole('tab', { name: 'Policy' });
    policyTab.focus();
    await user.keyboard('{ArrowRight}');
    const readinessTab = screen.getByRole('tab', { name: 'Readiness' });
    expect(readinessTab).toHaveFocus();
    expect(readinessTab).toHaveAttribute('aria-selected', 'true');
    expect(readinessTab).toHaveAttribute('tabindex', '0');
    expect(policyTab).toHaveAttribute('tabindex', '-1');
    await user.keyboard('{End}');
    expect(screen.getByRole('tab', { name: 'Audit log' })).toHaveFocus();
    await user.keyboard('{ArrowRight}');
    expect(policyTab).toHaveFocus();
  });

  it('locks after the idle time while the console is open, like the signed-in screen', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      fake = installFakeConsole(api.practice({ user: ADMIN, idleLockMinutes: 2 }));
      await openConsole();
      await act(() => vi.advanceTimersByTimeAsync(2 * 60_000 + 1000));
      expect(screen.getByRole('heading', { name: 'Workstation locked' })).toBeVisible();
      expect(screen.queryByRole('heading', { name: 'Account manager console' })).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('goes back to the login form when the server has ended the session', async () => {
    const user = renderApp().user;
    await signInAs(user, ADMIN.username);
    api.server.liveSessions.clear();
    await user.click(screen.getByRole('button', { name: 'Account manager console' }));
    await screen.findByRole('heading', { name: 'Practice Secure Login' });
    expect(screen.getByRole('alert')).toHaveTextContent('Your session has ended.');
  });
});

describe('Account manager console: Policy', () => {
  it('shows the policy in force and saves a change with minutes as seconds, the factors and the reason', async () => {
    const user = await openConsole();
    expect(await screen.findByText(/In force today:/)).toHaveTextContent('In force today: Optional');
    expect(screen.getByLabelText('Code lifetime (minutes)')).toHaveValue(5);
    expect(screen.getByRole('checkbox', { name: 'Authenticator app' })).toBeChecked();

    await user.click(screen.getByRole('radio', { name: 'Required' }));
    const ttl = screen.getByLabelText('Code lifetime (minutes)');
    await user.clear(ttl);
    await user.type(ttl, '3');
    await user.click(screen.getByRole('checkbox', { name: 'Email' }));
    await user.type(screen.getByLabelText('Reason for this change'), 'Mandate from the practice owner');
    await user.type(screen.getByLabelText('Your password (to confirm it is you)'), PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Save policy' }));

    expect(await screen.findByRole('status')).toHaveTextContent('Policy saved.');
    expect(screen.getByText(/In force today:/)).toHaveTextContent('In force today: Required');
    expect(fake.calls.policyUpdates).toEqual([
      {
        mode: 'required',
        enforceAfter: null,
        codeTtlSeconds: 180,
        rememberDays: 30,
        idleLockMinutes: 15,
        allowedFactors: ['sms', 'totp'],
        selfServiceReset: 'two_factors',
        timeZone: 'UTC',
        reason: 'Mandate from the practice owner',
        currentPassword: PASSWORD,
      },
    ]);
    // A fresh form for the next change: the reason is not carried over.
    expect(screen.getByLabelText('Reason for this change')).toHaveValue('');
  });

  it('offers the practice time zone from the IANA list, explains it, and saves it with the policy', async () => {
    const user = await openConsole();
    const zone = await screen.findByRole('combobox', { name: 'Practice time zone' });
    expect(zone).toHaveValue('UTC');
    expect(zone).toHaveAccessibleDescription(/start and end dates are read in this time zone/);
    const names = within(zone)
      .getAllByRole('option')
      .map((option) => option.getAttribute('value'));
    expect(names[0]).toBe('UTC');
    expect(names).toEqual(
      expect.arrayContaining(['America/New_York', 'America/Los_Angeles', 'Europe/London']),
    );

    await user.selectOptions(zone, 'America/Chicago');
    await user.type(screen.getByLabelText('Reason for this change'), 'The practice is in Chicago');
    await user.type(screen.getByLabelText('Your password (to confirm it is you)'), PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Save policy' }));
    await screen.findByText('Policy saved.', { exact: false });
    expect(fake.calls.policyUpdates[0]).toMatchObject({ timeZone: 'America/Chicago' });
    expect(screen.getByRole('combobox', { name: 'Practice time zone' })).toHaveValue('America/Chicago');
  });

  it('offers the self-service password reset in plain words, and saves the choice with the policy', async () => {
    const user = await openConsole();
    const group = await screen.findByRole('group', { name: 'Forgot your password? (self-service reset)' });
    const choices = within(group).getAllByRole('radio');
    expect(choices.map((choice) => choice.closest('label')?.textContent)).toEqual([
      'Two factors needed: a user with only one asks the account manager (recommended)',
      'One factor is enough for a user who has only one',
      'No self-service reset: every user asks the account manager',
    ]);
    expect(within(group).getByRole('radio', { name: /^Two factors needed/ })).toBeChecked();
    expect(group).toHaveAccessibleDescription(/always proves two/);

    await user.click(within(group).getByRole('radio', { name: /^No self-service reset/ }));
    await user.type(screen.getByLabelText('Reason for this change'), 'Resets only at the front office');
    await user.type(screen.getByLabelText('Your password (to confirm it is you)'), PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Save policy' }));
    await screen.findByText('Policy saved.', { exact: false });
    expect(fake.calls.policyUpdates[0]).toMatchObject({ selfServiceReset: 'off' });
    // The fresh form after the save shows what was saved.
    expect(
      within(screen.getByRole('group', { name: 'Forgot your password? (self-service reset)' })).getByRole(
        'radio',
        { name: /^No self-service reset/ },
      ),
    ).toBeChecked();
  });

  it('sends an enforce-after date with Optional, and says from when it will be required', async () => {
    const user = await openConsole();
    const date = await screen.findByLabelText('Required from (enforce-after date)');
    await user.type(date, '2027-08-31');
    await user.type(screen.getByLabelText('Reason for this change'), 'End of summer mandate');
    await user.type(screen.getByLabelText('Your password (to confirm it is you)'), PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Save policy' }));
    await screen.findByText('Policy saved.', { exact: false });
    expect(fake.calls.policyUpdates[0]).toMatchObject({ mode: 'optional', enforceAfter: '2027-08-31' });
    expect(screen.getByText(/In force today:/)).toHaveTextContent(/required from .*2027/);
  });

  it('keeps the code lifetime within 2 to 10 minutes and asks for a reason, before calling the server', async () => {
    const user = await openConsole();
    const ttl = await screen.findByLabelText('Code lifetime (minutes)');
    await user.clear(ttl);
    await user.type(ttl, '11');
    await user.type(screen.getByLabelText('Reason for this change'), 'Longer codes');
    await user.click(screen.getByRole('button', { name: 'Save policy' }));
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Code lifetime must be a whole number of minutes from 2 to 10.',
    );

    await user.clear(ttl);
    await user.type(ttl, '1');
    await user.click(screen.getByRole('button', { name: 'Save policy' }));
    expect(screen.getByRole('alert')).toHaveTextContent('from 2 to 10');

    await user.clear(ttl);
    await user.type(ttl, '10');
    await user.clear(screen.getByLabelText('Reason for this change'));
    await user.click(screen.getByRole('button', { name: 'Save policy' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Give a reason for this change');

    for (const factor of ['Text message', 'Email', 'Authenticator app']) {
      await user.click(screen.getByRole('checkbox', { name: factor }));
    }
    await user.type(screen.getByLabelText('Reason for this change'), 'No factors');
    await user.click(screen.getByRole('button', { name: 'Save policy' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Allow at least one second factor.');
    expect(fake.calls.policyUpdates).toEqual([]);
  });

  it("shows the server's refusal as an alert and keeps what was typed", async () => {
    fake.failPolicyUpdate(400, {
      error: ErrorCode.badRequest,
      message: 'The enforce-after date is in the past.',
    });
    const user = await openConsole();
    await user.type(await screen.findByLabelText('Reason for this change'), 'Try it');
    await user.type(screen.getByLabelText('Your password (to confirm it is you)'), PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Save policy' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The enforce-after date is in the past.');
    expect(screen.getByLabelText('Reason for this change')).toHaveValue('Try it');
    expect(screen.queryByText('Policy saved.', { exact: false })).toBeNull();
  });

  it('asks the account manager’s own password again: none sends nothing; a wrong one is refused, saves nothing', async () => {
    const user = await openConsole();
    await user.type(await screen.findByLabelText('Reason for this change'), 'Shorter codes');
    await user.click(screen.getByRole('button', { name: 'Save policy' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Enter your own password to confirm it is you.');
    expect(fake.calls.policyUpdates).toEqual([]);

    const password = screen.getByLabelText('Your password (to confirm it is you)');
    expect(password).toHaveAttribute('type', 'password');
    expect(password).toHaveAttribute('autocomplete', 'current-password');
    await user.type(password, 'notMine2026');
    await user.click(screen.getByRole('button', { name: 'Save policy' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(WRONG_PASSWORD_MESSAGE);
    expect(fake.calls.policyUpdates).toEqual([]);
    // The password is not kept once sent; the rest of the form is.
    expect(password).toHaveValue('');
    expect(screen.getByLabelText('Reason for this change')).toHaveValue('Shorter codes');

    await user.type(password, PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Save policy' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Policy saved.');
    expect(fake.calls.policyUpdates).toHaveLength(1);
  });
});

describe('Account manager console: Readiness', () => {
  let created: Blob[];
  beforeEach(() => {
    created = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      created.push(blob as Blob);
      return 'blob:readiness';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());

  it('shows each count as a bar with its number in text, and who would be locked out as a table', async () => {
    await openConsole('Readiness');
    const chart = await screen.findByRole('list', { name: 'Active users by second factor' });
    const bars = within(chart)
      .getAllByRole('listitem')
      .map((item) => item.textContent);
    expect(bars).toEqual([
      'Cell phone3 of 4',
      'Email2 of 4',
      'Authenticator app1 of 4',
      'No allowed factor1 of 4',
    ]);
    const table = screen.getByRole('table', { name: /Would be locked out if 2FA were required today/ });
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent(`${NO_CONTACTS.username}Noel NocontactStaff`);
    expect(rows).toHaveLength(2);
  });

  it('pages the locked-out list from the server: "Show more users", each user once, the count from the first page', async () => {
    const many = Array.from({ length: 75 }, (_, i) => ({
      ...NO_CONTACTS,
      id: `nobody-${i}`,
      username: `nobody${String(i).padStart(2, '0')}`,
    }));
    fake.readiness = {
      ...fake.readiness,
      activeUsers: 80,
      counts: { phone: 3, email: 2, authenticator: 1, nothing: 75 },
      wouldBeLockedOut: many,
    };
    const user = await openConsole('Readiness');
    const firstPage = await screen.findByRole('table', { name: /\(50 shown of 75\)/ });
    expect(within(firstPage).getAllByRole('row')).toHaveLength(51);
    expect(screen.getByText('Showing 50 of 75 users who would be locked out.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Show more users' }));
    const whole = await screen.findByRole('table', { name: /today \(75\)/ });
    const names = within(whole)
      .getAllByRole('row')
      .slice(1)
      .map((row) => row.firstChild?.textContent);
    expect(names).toEqual(many.map((u) => u.username));
    expect(screen.queryByRole('button', { name: 'Show more users' })).toBeNull();
    expect(fake.calls.readinessQueries.map((q) => q.after)).toEqual([undefined, 'nobody49']);
  });

  it('says so when no one would be locked out', async () => {
    fake.readiness = {
      ...fake.readiness,
      counts: { phone: 4, email: 4, authenticator: 0, nothing: 0 },
      wouldBeLockedOut: [],
    };
    await openConsole('Readiness');
    expect(await screen.findByText(/No one would be locked out/)).toBeVisible();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('downloads the CSV from the server in one click', async () => {
    const user = await openConsole('Readiness');
    await user.click(await screen.findByRole('button', { name: 'Download CSV' }));
    await waitFor(() => expect(created).toHaveLength(1));
    expect(fake.calls.csv).toEqual([{ path: '/admin/readiness.csv', filter: {} }]);
    expect(await created[0]?.text()).toContain(NO_CONTACTS.username);
  });
});

describe('Account manager console: Audit log', () => {
  it('pages on the server, 50 at a time, saying which events are shown', async () => {
    const user = await openConsole('Audit log');
    expect(await screen.findByText('Showing 1–50 of 120')).toBeVisible();
    expect(screen.getByRole('button', { name: 'Previous' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText('Showing 51–100 of 120')).toBeVisible();
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText('Showing 101–120 of 120')).toBeVisible();
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Previous' }));
    expect(await screen.findByText('Showing 51–100 of 120')).toBeVisible();
    // Next walks on from the last event shown (a keyset cursor), so page 100 costs the server what page 1 does.
    expect(fake.calls.auditQueries.map((q) => q.before)).toEqual([
      undefined,
      'event50',
      'event100',
      'event50',
    ]);
    expect(fake.calls.auditQueries.every((q) => q.limit === 50 && q.offset === 0)).toBe(true);
  });

  it('says "more than" when more events match than the server counts', async () => {
    fake.auditCountCap = 100;
    const user = await openConsole('Audit log');
    expect(await screen.findByText('Showing 1–50 of more than 100')).toBeVisible();
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await user.click(await screen.findByRole('button', { name: 'Next' }));
    expect(await screen.findByText('Showing 101–120 of more than 100')).toBeVisible();
    // The last page is short: there is nothing after it, whatever the capped total says.
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
  });

  it('filters by user, event type and dates on the server, and exports the filtered log as CSV', async () => {
    vi.spyOn(URL, 'createObjectURL').mockImplementation(() => 'blob:audit');
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    const user = await openConsole('Audit log');
    await screen.findByText('Showing 1–50 of 120');
    await user.type(screen.getByLabelText('User ID'), 'jdoe');
    await user.selectOptions(screen.getByLabelText('Event type'), 'code_sent');
    await user.type(screen.getByLabelText('From'), '2026-11-27');
    await user.type(screen.getByLabelText('To'), '2026-11-27');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    expect(await screen.findByText('Showing 1–50 of 60')).toBeVisible();
    const filter = { username: 'jdoe', type: 'code_sent', from: '2026-11-27', to: '2026-11-27' };
    expect(fake.calls.auditQueries.at(-1)).toEqual({ ...filter, limit: 50, offset: 0 });
    expect(
      screen
        .getAllByRole('row')
        .slice(1)
        .every((row) => row.textContent?.includes('jdoe')),
    ).toBe(true);

    await user.click(screen.getByRole('button', { name: 'Export CSV' }));
    await waitFor(() => expect(fake.calls.csv).toEqual([{ path: '/admin/audit.csv', filter }]));
    vi.restoreAllMocks();
  });

  it('names the practice’s time zone it shows, and after an export says how many events from which days the file holds', async () => {
    vi.spyOn(URL, 'createObjectURL').mockImplementation(() => 'blob:audit');
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    const downloads: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      downloads.push(this.download);
    });
    fake.policy = { ...fake.policy, timeZone: 'America/New_York' };
    const user = await openConsole('Audit log');
    expect(
      await screen.findByText('Dates and times in America/New_York, the practice’s time zone.'),
    ).toBeVisible();
    await user.selectOptions(screen.getByLabelText('Event type'), 'code_sent');
    await user.type(screen.getByLabelText('From'), '2026-11-27');
    await user.type(screen.getByLabelText('To'), '2026-11-27');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    await screen.findByText(/^Showing 1–/);
    await user.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(
      await screen.findByText(/^Exported \d+ events from 2026-11-27 to 2026-11-27 \(America\/New_York\)\.$/),
    ).toBeVisible();
    expect(downloads).toEqual(['wrsauth-audit-2026-11-27-to-2026-11-27.csv']);
    vi.restoreAllMocks();
  });

  it('offers every audited event type in a list, by name, and says when nothing matches', async () => {
    const user = await openConsole('Audit log');
    await screen.findByText('Showing 1–50 of 120');
    const types = screen.getByLabelText('Event type');
    const options = within(types).getAllByRole('option');
    expect(options.map((option) => option.getAttribute('value'))).toEqual(['', ...AUDIT_EVENT_TYPES]);
    expect(within(types).getByRole('option', { name: 'Policy changed' })).toHaveValue('policy_changed');
    expect(types).toHaveValue('');

    await user.type(screen.getByLabelText('User ID'), 'nobody');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    expect(await screen.findByText('No events match these filters.')).toBeVisible();
    expect(fake.calls.auditQueries.at(-1)).toEqual({ username: 'nobody', limit: 50, offset: 0 });
  });
});

describe('Sign-in flow: the console step', () => {
  const authFor = (user = ADMIN): Authenticated => ({
    status: 'authenticated',
    sessionToken: 's1',
    expiresAt: '2026-11-28T00:00:00.000Z',
    user,
    locations: [MAIN_OFFICE],
  });
  const signedIn = (user = ADMIN): SignInState => ({
    step: 'signedIn',
    session: { username: user.username, auth: authFor(user) },
    location: MAIN_OFFICE,
  });

  it('opens the console for role admin only', () => {
    expect(signInFlow(signedIn(), { type: 'openConsole' }).step).toBe('console');
    expect(signInFlow(signedIn(CASEY), { type: 'openConsole' }).step).toBe('signedIn');
  });

  it('locks from the console, and unlocking leads back to the signed-in screen at the same location', () => {
    const locked = signInFlow(signInFlow(signedIn(), { type: 'openConsole' }), { type: 'lock' });
    expect(locked).toMatchObject({ step: 'locked', location: MAIN_OFFICE });
    const unlocked = signInFlow(locked, { type: 'authenticated', username: ADMIN.username, auth: authFor() });
    expect(unlocked).toMatchObject({ step: 'signedIn', location: MAIN_OFFICE });
  });
});
