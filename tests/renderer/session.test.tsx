// @vitest-environment happy-dom
import { act, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '../../src/shared/api';
import { MAIN_OFFICE, NORTH_CLINIC, PASSWORD, RIGHT_CODE } from './support/fake-auth-server';
import { reachCodeEntry, renderApp, setupFakeAuthServer, signIn } from './support/render-app';

const api = setupFakeAuthServer();

const signedInHeading = () => screen.findByRole('heading', { name: 'Signed in' });

describe('Choose your practice location', () => {
  it('asks for the location when the user works at two', async () => {
    api.practice({ locations: [MAIN_OFFICE, NORTH_CLINIC] });
    const { user } = renderApp();
    await signIn(user);
    const heading = await screen.findByRole('heading', { name: 'Choose your practice location' });
    await waitFor(() => expect(heading).toHaveFocus());
    await user.click(screen.getByRole('button', { name: 'North Clinic' }));
    await signedInHeading();
    expect(screen.getByText('North Clinic')).toBeInTheDocument();
  });

  it('skips the choice when the user has one location', async () => {
    const { user } = renderApp();
    await signIn(user);
    await signedInHeading();
    expect(screen.queryByRole('heading', { name: 'Choose your practice location' })).not.toBeInTheDocument();
    expect(screen.getByText('Main Office')).toBeInTheDocument();
  });
});

describe('Signed in', () => {
  it("shows the user's name and location with Lock and Sign out", async () => {
    const { user } = renderApp();
    await signIn(user);
    await signedInHeading();
    expect(screen.getByText('Casey Kiplock')).toBeInTheDocument();
    expect(screen.getByText('Main Office')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Lock' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeInTheDocument();
  });

  it('shows a gentle banner when the server recommends setting up a contact', async () => {
    api.practice({ setupRecommended: true });
    api.server.loginAnswers(api.server.authenticated());
    const { user } = renderApp();
    await user.type(await screen.findByLabelText('User ID'), 'ckiplock');
    await user.type(screen.getByLabelText('Password'), PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Login' }));
    await signedInHeading();
    expect(screen.getByRole('status')).toHaveTextContent('Add a mobile phone number or email address');
  });

  it('shows no banner when setup is not recommended', async () => {
    const { user } = renderApp();
    await signIn(user);
    await signedInHeading();
    expect(screen.queryByText(/Add a mobile phone number/)).not.toBeInTheDocument();
  });

  it('signs out: ends the session on the server and empties the login form', async () => {
    const { user } = renderApp();
    await signIn(user);
    await signedInHeading();
    const [session] = api.server.liveSessions;
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('heading', { name: 'Practice Secure Login' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('You have signed out.');
    expect(screen.getByLabelText('User ID')).toHaveValue('');
    expect(api.server.calls.logout).toEqual([session]);
    expect(api.server.liveSessions.size).toBe(0);
  });

  it('returns to login when the server says the session has ended', async () => {
    const message = 'Your session has ended. Please sign in again.';
    api.server.failNext('me', 401, { error: ErrorCode.unauthorized, message });
    const { user } = renderApp();
    await signIn(user);
    expect(await screen.findByRole('heading', { name: 'Practice Secure Login' })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent(message);
  });

  it('needs a fresh sign-in once the session reaches its end', async () => {
    api.practice({ sessionMs: 400 });
    const { user } = renderApp();
    await signIn(user);
    await signedInHeading();
    expect(
      await screen.findByText(
        'Your session reached its 12-hour limit. Please sign in again.',
        {},
        { timeout: 2000 },
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Practice Secure Login' })).toBeInTheDocument();
  });
});

describe('Lock', () => {
  async function signInAndLock() {
    const rendered = renderApp();
    await signIn(rendered.user);
    await signedInHeading();
    await rendered.user.click(screen.getByRole('button', { name: 'Lock' }));
    await screen.findByRole('heading', { name: 'Workstation locked' });
    return rendered;
  }

  it('locks the screen and ends the server session', async () => {
    await signInAndLock();
    expect(
      screen.getByText('Casey Kiplock is signed in at Main Office. Enter your password to continue.'),
    ).toBeInTheDocument();
    await waitFor(() => expect(api.server.calls.logout).toHaveLength(1));
    expect(api.server.liveSessions.size).toBe(0);
    await waitFor(() => expect(screen.getByLabelText('Password')).toHaveFocus());
  });

  it('asks for the password again and runs the code flow when the server asks for a code', async () => {
    const { user } = renderApp();
    await signIn(user);
    await signedInHeading();
    await user.click(screen.getByRole('button', { name: 'Lock' }));
    await user.type(await screen.findByLabelText('Password'), PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Unlock' }));
    // No remembered workstation: the server asks for a code again, and the flow runs again.
    await screen.findByRole('heading', { name: "Verify it's you" });
    await user.click(screen.getByRole('button', { name: 'Send Code' }));
    await user.type(await screen.findByLabelText('Verification code'), RIGHT_CODE);
    await signedInHeading();
    expect(screen.getByText('Main Office')).toBeInTheDocument();
    expect(api.server.calls.login.at(-1)).toEqual({ username: 'ckiplock', password: PASSWORD });
  });

  it('unlocks straight back in with a remembered workstation', async () => {
    const { user } = renderApp();
    const codeField = await reachCodeEntry(user);
    await user.click(screen.getByRole('checkbox', { name: 'Remember this workstation for 30 days' }));
    await user.type(codeField, RIGHT_CODE);
    await signedInHeading();
    await user.click(screen.getByRole('button', { name: 'Lock' }));
    await user.type(await screen.findByLabelText('Password'), PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Unlock' }));
    await signedInHeading();
    expect(api.server.calls.login.at(-1)?.deviceToken).toMatch(/^device-/);
    expect(api.server.calls.send).toHaveLength(1);
  });

  it('keeps the location chosen before the lock', async () => {
    api.practice({ locations: [MAIN_OFFICE, NORTH_CLINIC] });
    const { user } = renderApp();
    await signIn(user);
    await user.click(await screen.findByRole('button', { name: 'North Clinic' }));
    await signedInHeading();
    await user.click(screen.getByRole('button', { name: 'Lock' }));
    await user.type(await screen.findByLabelText('Password'), PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Unlock' }));
    await user.click(await screen.findByRole('button', { name: 'Send Code' }));
    await user.type(await screen.findByLabelText('Verification code'), RIGHT_CODE);
    await signedInHeading();
    expect(screen.getByText('North Clinic')).toBeInTheDocument();
  });

  it('shows the password error on the lock screen and stays locked', async () => {
    const { user } = await signInAndLock();
    await user.type(screen.getByLabelText('Password'), 'not-the-password1');
    await user.click(screen.getByRole('button', { name: 'Unlock' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The User ID or password is incorrect.');
    expect(screen.getByRole('heading', { name: 'Workstation locked' })).toBeInTheDocument();
  });

  it('lets another person sign in from the lock screen', async () => {
    const { user } = await signInAndLock();
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('heading', { name: 'Practice Secure Login' })).toBeInTheDocument();
    expect(screen.getByLabelText('User ID')).toHaveValue('');
  });

  it('locks by itself after the idle time without keyboard or pointer use', async () => {
    const { user } = renderApp({ idleLockMs: 300 });
    await signIn(user);
    await signedInHeading();
    expect(
      await screen.findByRole('heading', { name: 'Workstation locked' }, { timeout: 2000 }),
    ).toBeInTheDocument();
  });
});

describe('Idle lock', () => {
  it('does not lock while the user keeps typing', async () => {
    const { user } = renderApp({ idleLockMs: 800 });
    await signIn(user);
    await signedInHeading();
    for (let press = 0; press < 4; press += 1) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await user.keyboard('{Shift}');
    }
    expect(screen.getByRole('heading', { name: 'Signed in' })).toBeInTheDocument();
    expect(
      await screen.findByRole('heading', { name: 'Workstation locked' }, { timeout: 2000 }),
    ).toBeInTheDocument();
  });
});

describe("Idle lock from the practice's policy", () => {
  const MINUTE = 60_000;
  // Fake timers that still move with real time, so MSW and react-query answer while the test waits.
  beforeEach(() => vi.useFakeTimers({ shouldAdvanceTime: true }));
  afterEach(() => vi.useRealTimers());

  const idleFor = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));
  const isLocked = () => screen.queryByRole('heading', { name: 'Workstation locked' }) !== null;

  async function signedInWith(idleLockMinutes: number, deploymentIdleLockMs?: number) {
    api.practice({ idleLockMinutes });
    const { user } = renderApp({ idleLockMs: deploymentIdleLockMs });
    await signIn(user);
    await signedInHeading();
  }

  it("locks after the server's idle minutes, not the built-in 15", async () => {
    await signedInWith(2);
    await idleFor(2 * MINUTE - 1000);
    expect(isLocked()).toBe(false);
    await idleFor(2000);
    expect(isLocked()).toBe(true);
  });

  it('keeps a practice idle lock longer than 15 minutes', async () => {
    await signedInWith(20);
    await idleFor(16 * MINUTE);
    expect(isLocked()).toBe(false);
    await idleFor(4 * MINUTE + 1000);
    expect(isLocked()).toBe(true);
  });

  it("a deployment setting cannot lengthen the practice's idle lock", async () => {
    await signedInWith(2, 60 * MINUTE);
    await idleFor(2 * MINUTE + 1000);
    expect(isLocked()).toBe(true);
  });
});

describe('Keyboard alone', () => {
  it('signs in with Tab, typing, arrow keys and Enter only', async () => {
    const { user } = renderApp();
    const userId = await screen.findByLabelText('User ID');
    await waitFor(() => expect(userId).toHaveFocus());
    await user.keyboard('ckiplock');
    await user.tab();
    expect(screen.getByLabelText('Password')).toHaveFocus();
    await user.keyboard(`${PASSWORD}{Enter}`);

    const heading = await screen.findByRole('heading', { name: "Verify it's you" });
    await waitFor(() => expect(heading).toHaveFocus());
    await user.tab();
    expect(screen.getByRole('radio', { name: /^Text message to/ })).toHaveFocus();
    await user.keyboard('{ArrowDown}');
    expect(screen.getByRole('radio', { name: /^Email to/ })).toBeChecked();
    await user.tab();
    expect(screen.getByRole('button', { name: 'Send Code' })).toHaveFocus();
    await user.keyboard('{Enter}');

    const code = await screen.findByLabelText('Verification code');
    await waitFor(() => expect(code).toHaveFocus());
    await user.keyboard(RIGHT_CODE);
    const signedIn = await signedInHeading();
    await waitFor(() => expect(signedIn).toHaveFocus());
    expect(api.server.calls.send).toEqual([expect.objectContaining({ targetId: 'email' })]);
  });
});
