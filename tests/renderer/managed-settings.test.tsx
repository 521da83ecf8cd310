// @vitest-environment happy-dom
/**
 * IT's managed settings in the client: the About panel says which are managed and from where, a locked-out
 * user sees the support contact, remembering a workstation disappears when IT forbids it, the idle lock only
 * ever gets shorter, and a change IT makes shows without restarting.
 */
import { act, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createQueryClient } from '../../src/renderer/src/App';
import { MANAGED_REFRESH_MS, managedQuery } from '../../src/renderer/src/managed/managed-settings';
import { ErrorCode } from '../../src/shared/api';
import type { ManagedSettingsInfo } from '../../src/shared/managed-settings';
import { RIGHT_CODE } from './support/fake-auth-server';
import { createFakeBridge } from './support/fake-bridge';
import { logIn, renderApp, setupFakeAuthServer } from './support/render-app';

const api = setupFakeAuthServer();
const FILE = '/etc/wrsauth/managed-settings.json';
const POLICY = 'Group Policy (HKLM\\SOFTWARE\\Policies\\WRSAuth)';

function desktopWith(managed: Partial<ManagedSettingsInfo> | (() => ManagedSettingsInfo)) {
  const answer =
    typeof managed === 'function' ? managed : () => ({ values: {}, sources: {}, ignored: [], ...managed });
  return createFakeBridge({ kind: 'electron', managed: answer });
}

type User = ReturnType<typeof renderApp>['user'];

/** Through the desktop client's native chooser (the fake answers the first target) to the code entry. */
async function reachCodeEntry(user: User) {
  await logIn(user);
  await screen.findByRole('heading', { name: "Verify it's you" });
  await user.click(screen.getByRole('button', { name: 'Send Code' }));
  return screen.findByLabelText('Verification code');
}

async function signIn(user: User) {
  await user.type(await reachCodeEntry(user), RIGHT_CODE);
}

const lockedOut = () =>
  api.server.failNext('login', 423, {
    error: ErrorCode.accountLocked,
    message: 'This account is locked after too many failed attempts.',
    retryAfter: 900,
  });

describe('About panel', () => {
  it('lists each managed setting with its value and where it was set', async () => {
    const bridge = desktopWith({
      values: {
        serverUrl: 'https://auth.practice.example',
        idleLockMinutes: 5,
        allowRememberWorkstation: false,
      },
      sources: { serverUrl: POLICY, idleLockMinutes: FILE, allowRememberWorkstation: POLICY },
    });
    const { user } = renderApp({ bridge });
    await user.click(await screen.findByText('About WRSAuth'));
    const table = await screen.findByRole('table', { name: 'Settings managed by your IT department' });
    const row = (name: string) => within(table).getByRole('row', { name: new RegExp(`^${name}`) });
    expect(row('Sign-in server')).toHaveTextContent(`https://auth.practice.example${POLICY}`);
    expect(row('Idle lock')).toHaveTextContent(`5 minutes at most${FILE}`);
    expect(row('Remember this workstation')).toHaveTextContent(`not allowed${POLICY}`);
    expect(within(table).getAllByRole('row')).toHaveLength(4);
  });

  it('says when nothing is managed', async () => {
    const { user } = renderApp({ bridge: desktopWith({}) });
    await user.click(await screen.findByText('About WRSAuth'));
    expect(
      screen.getByText('No settings on this computer are managed by your IT department.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('is not shown in a browser, which has no managed settings', async () => {
    renderApp();
    await screen.findByLabelText('User ID');
    expect(screen.queryByText('About WRSAuth')).not.toBeInTheDocument();
  });

  it('shows which managed sources were ignored and why, for IT support', async () => {
    const bridge = desktopWith({
      ignored: [`ignoring ${FILE}: it is writable by group or others (mode 666)`],
    });
    const { user } = renderApp({ bridge });
    await user.click(await screen.findByText('About WRSAuth'));
    expect(await screen.findByText(/it is writable by group or others/)).toBeInTheDocument();
  });
});

describe('supportContact on the lock-out screen', () => {
  it('tells a locked-out user who to call', async () => {
    lockedOut();
    const { user } = renderApp({
      bridge: desktopWith({ values: { supportContact: 'IT help desk, ext. 4410' } }),
    });
    await logIn(user);
    expect(await screen.findByRole('alert')).toHaveTextContent('locked');
    expect(screen.getByText('Need help now? Contact IT help desk, ext. 4410.')).toBeInTheDocument();
  });

  it('does not show it for a mere wrong password', async () => {
    const { user } = renderApp({
      bridge: desktopWith({ values: { supportContact: 'IT help desk, ext. 4410' } }),
    });
    await logIn(user, 'ckiplock', 'wrong-password1');
    expect(await screen.findByRole('alert')).toHaveTextContent('incorrect');
    expect(screen.queryByText(/Need help now/)).not.toBeInTheDocument();
  });
});

describe('allowRememberWorkstation', () => {
  it('false: the code screen offers no "Remember this workstation" and says IT turned it off', async () => {
    const { user } = renderApp({ bridge: desktopWith({ values: { allowRememberWorkstation: false } }) });
    await reachCodeEntry(user);
    expect(screen.queryByRole('checkbox', { name: /Remember this workstation/ })).not.toBeInTheDocument();
    expect(
      screen.getByText(/Your IT department has turned off remembering this workstation/),
    ).toBeInTheDocument();
  });

  it('unset: the option is there', async () => {
    const { user } = renderApp({ bridge: desktopWith({}) });
    await reachCodeEntry(user);
    expect(screen.getByRole('checkbox', { name: /Remember this workstation/ })).toBeInTheDocument();
  });
});

describe('idleLockMinutes only tightens the practice policy', () => {
  const MINUTE = 60_000;
  beforeEach(() => vi.useFakeTimers({ shouldAdvanceTime: true }));
  afterEach(() => vi.useRealTimers());
  const idleFor = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));
  const isLocked = () => screen.queryByRole('heading', { name: 'Workstation locked' }) !== null;

  it("locks after IT's 2 minutes when the practice allows 15", async () => {
    api.practice({ idleLockMinutes: 15 });
    const { user } = renderApp({ bridge: desktopWith({ values: { idleLockMinutes: 2 } }) });
    await signIn(user);
    await screen.findByRole('heading', { name: 'Signed in' });
    await idleFor(2 * MINUTE - 1000);
    expect(isLocked()).toBe(false);
    await idleFor(2000);
    expect(isLocked()).toBe(true);
  });

  it("cannot lengthen the practice's 2 minutes to IT's 30", async () => {
    api.practice({ idleLockMinutes: 2 });
    const { user } = renderApp({ bridge: desktopWith({ values: { idleLockMinutes: 30 } }) });
    await signIn(user);
    await screen.findByRole('heading', { name: 'Signed in' });
    await idleFor(2 * MINUTE + 1000);
    expect(isLocked()).toBe(true);
  });
});

describe('changes apply without a restart', () => {
  it('asks the desktop host again every 15 seconds; a browser is not asked', () => {
    expect(managedQuery(desktopWith({})).refetchInterval).toBe(MANAGED_REFRESH_MS);
    expect(MANAGED_REFRESH_MS).toBe(15_000);
    expect(managedQuery(createFakeBridge()).refetchInterval).toBe(false);
  });

  it('shows a support contact IT sets while the app is open', async () => {
    let current: ManagedSettingsInfo = { values: {}, sources: {}, ignored: [] };
    const queryClient = createQueryClient();
    const { render } = await import('@testing-library/react');
    const { Root } = await import('../../src/renderer/src/App');
    const userEvent = (await import('@testing-library/user-event')).default;
    const user = userEvent.setup();
    render(<Root bridge={desktopWith(() => current)} queryClient={queryClient} />);
    current = { values: { supportContact: 'ext. 4410' }, sources: { supportContact: FILE }, ignored: [] };
    await act(() => queryClient.refetchQueries({ queryKey: ['managed-settings'] }));
    lockedOut();
    await logIn(user);
    expect(await screen.findByText('Need help now? Contact ext. 4410.')).toBeInTheDocument();
  });
});
