// @vitest-environment happy-dom
/**
 * IT's managed settings in the client: the About panel shows the version and every setting with where it
 * comes from, a client with no server it may use shows the "ask IT" screen instead of signing in, a
 * locked-out user sees the support contact, remembering a workstation disappears when IT forbids it, the
 * idle lock only ever gets shorter, and a change IT makes shows without restarting.
 */
import { act, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createQueryClient } from '../../src/renderer/src/App';
import { MANAGED_REFRESH_MS, managedQuery } from '../../src/renderer/src/managed/managed-settings';
import { ErrorCode } from '../../src/shared/api';
import type { ServerProblem } from '../../src/shared/ipc';
import type { ManagedSettingsInfo } from '../../src/shared/managed-settings';
import { RIGHT_CODE } from './support/fake-auth-server';
import { createFakeBridge } from './support/fake-bridge';
import { logIn, renderApp, setupFakeAuthServer } from './support/render-app';

const api = setupFakeAuthServer();
const FILE = '/etc/wrsauth/managed-settings.json';
const POLICY = 'Group Policy (HKLM\\SOFTWARE\\Policies\\WRSAuth)';

const NOTHING_MANAGED: ManagedSettingsInfo = {
  values: {},
  sources: {},
  managed: false,
  unreadable: [],
  ignored: [],
};

function desktopWith(
  managed: Partial<ManagedSettingsInfo> | (() => ManagedSettingsInfo),
  extra: Parameters<typeof createFakeBridge>[0] = {},
) {
  const answer = typeof managed === 'function' ? managed : () => ({ ...NOTHING_MANAGED, ...managed });
  return createFakeBridge({ kind: 'electron', managed: answer, ...extra });
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

async function openAbout(user: User) {
  await user.click(await screen.findByText('About WRSAuth'));
  const table = await screen.findByRole('table', { name: 'Settings on this computer' });
  return (name: string) => within(table).getByRole('row', { name: new RegExp(`^${name}`) });
}

describe('About panel', () => {
  it("shows the app's version and whether it is installed", async () => {
    const { user } = renderApp({ bridge: desktopWith({}, { app: { version: '0.1.0', installed: true } }) });
    await openAbout(user);
    expect(screen.getByText('WRSAuth version 0.1.0 (installed)')).toBeInTheDocument();
  });

  it('lists every setting with its value and where it comes from: IT, or the default', async () => {
    const bridge = desktopWith(
      {
        values: {
          serverUrl: 'https://auth.practice.example',
          idleLockMinutes: 5,
          allowRememberWorkstation: false,
        },
        sources: { serverUrl: POLICY, idleLockMinutes: FILE, allowRememberWorkstation: POLICY },
        managed: true,
      },
      {
        server: { url: 'https://auth.practice.example', source: 'managed' },
        app: { version: '0.1.0', installed: true },
      },
    );
    const { user } = renderApp({ bridge });
    const row = await openAbout(user);
    expect(row('Sign-in server')).toHaveTextContent(`https://auth.practice.example${POLICY}`);
    expect(row('Idle lock')).toHaveTextContent(`5 minutes at most${FILE}`);
    expect(row('Remember this workstation')).toHaveTextContent(`not allowed${POLICY}`);
    expect(row('Updates')).toHaveTextContent('offdefault (not managed)');
    expect(row('Built-in server')).toHaveTextContent('not alloweddefault (not managed)');
    expect(row('Support contact')).toHaveTextContent('nonedefault (not managed)');
    expect(row('Practice application name')).toHaveTextContent('nonedefault (not managed)');
    // A header row and one row per setting, managed or not.
    expect(screen.getAllByRole('row')).toHaveLength(10);
  });

  it("shows where an unmanaged server comes from, and that IT's AllowEmbeddedServer turned the built-in one on", async () => {
    const bridge = desktopWith(
      { values: { allowEmbeddedServer: true }, sources: { allowEmbeddedServer: POLICY }, managed: true },
      {
        server: { url: 'http://127.0.0.1:45999', source: 'embedded' },
        app: { version: '0.1.0', installed: true },
      },
    );
    const { user } = renderApp({ bridge });
    const row = await openAbout(user);
    expect(row('Sign-in server')).toHaveTextContent('http://127.0.0.1:45999built in to this computer');
    expect(row('Built-in server')).toHaveTextContent(`allowed${POLICY}`);
  });

  it('says when nothing is managed', async () => {
    const { user } = renderApp({ bridge: desktopWith({}) });
    await openAbout(user);
    expect(
      screen.getByText('No settings on this computer are managed by your IT department.'),
    ).toBeInTheDocument();
  });

  it('is not shown in a browser, which has no managed settings', async () => {
    renderApp();
    await screen.findByLabelText('User ID');
    expect(screen.queryByText('About WRSAuth')).not.toBeInTheDocument();
  });

  it('shows which managed sources and settings were ignored and why, for IT support', async () => {
    const bridge = desktopWith({
      managed: true,
      ignored: [
        { source: FILE, reason: 'it is writable by group or others (mode 666)' },
        {
          source: POLICY,
          setting: 'requireSmartCard',
          reason: 'this version of WRSAuth does not know this setting',
        },
      ],
    });
    const { user } = renderApp({ bridge });
    await openAbout(user);
    expect(screen.getByText(`${FILE}: it is writable by group or others (mode 666)`)).toBeInTheDocument();
    expect(
      screen.getByText(`requireSmartCard from ${POLICY}: this version of WRSAuth does not know this setting`),
    ).toBeInTheDocument();
  });

  it('says a %ProgramData% file is ignored on Windows', async () => {
    const windowsFile = 'C:\\ProgramData\\WRSAuth\\managed-settings.json';
    const bridge = desktopWith({
      ignored: [
        { source: windowsFile, reason: 'WRSAuth on Windows reads managed settings only from Group Policy' },
      ],
    });
    const { user } = renderApp({ bridge });
    await openAbout(user);
    expect(screen.getByText(/reads managed settings only from Group Policy/)).toHaveTextContent(windowsFile);
  });
});

describe('the "ask IT" screen: a client with no server it may use', () => {
  const noServer = (problem: ServerProblem) => ({ server: { problem } });
  const missing: ServerProblem = {
    error: 'managed_server_missing',
    message: 'This computer has managed settings, but none sets serverUrl.',
  };

  it('shows a heading and an alert in plain words, and no sign-in form', async () => {
    renderApp({ bridge: desktopWith({ managed: true }, noServer(missing)) });
    const heading = await screen.findByRole('heading', {
      level: 1,
      name: 'Ask your IT department to set up WRSAuth',
    });
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Your IT department looks after WRSAuth on this computer, but has not set which sign-in server to use.',
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      'You cannot sign in on this computer until this is fixed.',
    );
    expect(screen.queryByLabelText('User ID')).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Password')).not.toBeInTheDocument();
    // Keyboard and screen-reader users start at the heading.
    expect(heading).toHaveFocus();
  });

  it('gives IT the code and the details, under their own heading', async () => {
    renderApp({ bridge: desktopWith({ managed: true }, noServer(missing)) });
    const details = await screen.findByRole('region', { name: 'Details for your IT department' });
    expect(details).toHaveTextContent(`managed_server_missing: ${missing.message}`);
  });

  it("names IT's support contact when IT set one", async () => {
    const bridge = desktopWith(
      {
        managed: true,
        values: { supportContact: 'IT help desk, ext. 4410' },
        sources: { supportContact: POLICY },
      },
      noServer(missing),
    );
    renderApp({ bridge });
    expect(
      await screen.findByText(/Please contact your IT department \(IT help desk, ext\. 4410\)/),
    ).toBeInTheDocument();
  });

  it.each([
    ['managed_settings_unreadable', 'could not read the settings your IT department made for this computer'],
    ['managed_server_invalid', 'is not a valid address'],
    ['no_server_configured', 'has not been set up with a sign-in server on this computer'],
  ] as const)('says what is wrong for %s', async (error, words) => {
    renderApp({ bridge: desktopWith({}, noServer({ error, message: 'details' })) });
    expect(await screen.findByRole('alert')).toHaveTextContent(words);
  });

  it('keeps About open to IT, which shows that no server is in use', async () => {
    const { user } = renderApp({ bridge: desktopWith({ managed: true }, noServer(missing)) });
    const row = await openAbout(user);
    expect(row('Sign-in server')).toHaveTextContent('nonenot set');
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
    let current: ManagedSettingsInfo = NOTHING_MANAGED;
    const queryClient = createQueryClient();
    const { render } = await import('@testing-library/react');
    const { Root } = await import('../../src/renderer/src/App');
    const userEvent = (await import('@testing-library/user-event')).default;
    const user = userEvent.setup();
    render(<Root bridge={desktopWith(() => current)} queryClient={queryClient} />);
    current = {
      ...NOTHING_MANAGED,
      managed: true,
      values: { supportContact: 'ext. 4410' },
      sources: { supportContact: FILE },
    };
    await act(() => queryClient.refetchQueries({ queryKey: ['managed-settings'] }));
    lockedOut();
    await logIn(user);
    expect(await screen.findByText('Need help now? Contact ext. 4410.')).toBeInTheDocument();
  });
});
