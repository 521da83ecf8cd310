// @vitest-environment happy-dom
/**
 * The desktop client's practice application, as the renderer drives it: opened with the client's own
 * sign-in after the location step when IT set practiceAppUrl, a bar with Lock and Sign out above it, hidden
 * by the lock and closed by signing out, and the idle lock counting work done in it.
 */
import { act, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ManagedSettingsInfo } from '../../src/shared/managed-settings';
import { MAIN_OFFICE, RIGHT_CODE } from './support/fake-auth-server';
import { createFakeBridge } from './support/fake-bridge';
import { logIn, renderApp, setupFakeAuthServer } from './support/render-app';

const api = setupFakeAuthServer();

function managing(values: ManagedSettingsInfo['values']): () => ManagedSettingsInfo {
  return () => ({ values, sources: {}, managed: true, unreadable: [], ignored: [] });
}

/** The desktop client's sign-in: its native chooser (the fake answers the first target), then the code. */
async function signIn(user: ReturnType<typeof renderApp>['user']) {
  await logIn(user);
  await screen.findByRole('heading', { name: "Verify it's you" });
  await user.click(screen.getByRole('button', { name: 'Send Code' }));
  await user.type(await screen.findByLabelText('Verification code'), RIGHT_CODE);
}

const PRACTICE = { practiceAppUrl: 'https://practice.example/login', practiceAppName: 'Practice Charts' };

async function signedInToPractice(extra: Parameters<typeof createFakeBridge>[0] = {}) {
  const bridge = createFakeBridge({ kind: 'electron', managed: managing(PRACTICE), ...extra });
  const rendered = renderApp({ bridge });
  await signIn(rendered.user);
  await screen.findByRole('heading', { name: 'Practice Charts' });
  return { ...rendered, bridge };
}

describe('the practice application after the location step', () => {
  it("opens IT's practice application with this sign-in's session and location, under a bar with Lock and Sign out", async () => {
    const { bridge } = await signedInToPractice();

    const [session] = api.server.liveSessions;
    expect(bridge.calls.practiceApp).toEqual([
      { open: { sessionToken: session, locationId: MAIN_OFFICE.id } },
    ]);
    expect(screen.getByText('Casey Kiplock · Main Office')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Lock' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Signed in' })).not.toBeInTheDocument();
  });

  it('without practiceAppUrl keeps the signed-in screen as it is and opens nothing', async () => {
    const bridge = createFakeBridge({ kind: 'electron', managed: managing({}) });
    const { user } = renderApp({ bridge });
    await signIn(user);

    expect(await screen.findByRole('heading', { name: 'Signed in' })).toBeInTheDocument();
    expect(bridge.calls.practiceApp).toEqual([]);
  });

  it('calls it "the practice application" when IT gave no name', async () => {
    const bridge = createFakeBridge({
      kind: 'electron',
      managed: managing({ practiceAppUrl: PRACTICE.practiceAppUrl }),
    });
    const { user } = renderApp({ bridge });
    await signIn(user);

    expect(await screen.findByRole('heading', { name: 'the practice application' })).toBeInTheDocument();
  });

  it('sign out ends the WRSAuth session and closes the application (its partition cleared by main)', async () => {
    const { user, bridge } = await signedInToPractice();
    const [session] = api.server.liveSessions;

    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    await screen.findByRole('heading', { name: 'Practice Secure Login' });

    expect(api.server.calls.logout).toEqual([session]);
    expect(bridge.calls.practiceApp.at(-1)).toEqual({ hide: 'sign-out' });
  });

  it('lock hides the application behind the lock screen', async () => {
    const { user, bridge } = await signedInToPractice();

    await user.click(screen.getByRole('button', { name: 'Lock' }));
    await screen.findByRole('heading', { name: 'Workstation locked' });

    expect(bridge.calls.practiceApp.at(-1)).toEqual({ hide: 'lock' });
    expect(api.server.liveSessions.size).toBe(0);
  });

  it("goes back to WRSAuth's own screen with the application hidden, and returns to it", async () => {
    const { user, bridge } = await signedInToPractice();

    await user.click(screen.getByRole('button', { name: 'WRSAuth' }));
    await screen.findByRole('heading', { name: 'Signed in' });
    await user.click(screen.getByRole('button', { name: 'Back to Practice Charts' }));
    await screen.findByRole('heading', { name: 'Practice Charts' });

    expect(bridge.calls.practiceApp.map((call) => ('hide' in call ? call.hide : 'open'))).toEqual([
      'open',
      'away',
      'open',
    ]);
  });
});

describe('the idle lock covers the practice application', () => {
  const MINUTE = 60_000;
  beforeEach(() => vi.useFakeTimers({ shouldAdvanceTime: true }));
  afterEach(() => vi.useRealTimers());
  const idleFor = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));
  const isLocked = () => screen.queryByRole('heading', { name: 'Workstation locked' }) !== null;

  it('counts work in the application as activity, and locks once that stops for the idle time', async () => {
    api.practice({ idleLockMinutes: 2 });
    let lastInput: number | null = null;
    await signedInToPractice({ practiceLastInputAt: () => lastInput });

    await idleFor(MINUTE);
    lastInput = Date.now(); // typing in the application, which the renderer's page never sees
    await idleFor(MINUTE + 1000);
    expect(isLocked()).toBe(false);
    await idleFor(MINUTE);
    expect(isLocked()).toBe(true);
  });
});
