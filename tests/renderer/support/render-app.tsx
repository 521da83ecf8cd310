import '@testing-library/jest-dom/vitest';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { createQueryClient, Root } from '../../../src/renderer/src/App';
import {
  createMockServer,
  FakeAuthServer,
  PASSWORD,
  type PracticeSetup,
  RIGHT_CODE,
} from './fake-auth-server';
import { createFakeBridge, type FakeBridge } from './fake-bridge';

const msw = createMockServer();

/**
 * Starts MSW for the file and gives each test a fresh fake server. Call once at the top of a test file;
 * `practice()` rebuilds the fake server with a different setup.
 */
export function setupFakeAuthServer() {
  const holder: { server: FakeAuthServer } = { server: undefined as unknown as FakeAuthServer };
  beforeAll(() => msw.listen({ onUnhandledFrame: 'error' }));
  beforeEach(() => {
    holder.server = new FakeAuthServer(msw);
  });
  afterEach(() => {
    cleanup();
    const { violations } = holder.server;
    msw.resetHandlers();
    expect(violations, 'requests and responses follow the shared contract').toEqual([]);
  });
  afterAll(() => msw.close());
  return {
    get server() {
      return holder.server;
    },
    practice(setup: Partial<PracticeSetup>) {
      msw.resetHandlers();
      holder.server = new FakeAuthServer(msw, setup);
      return holder.server;
    },
  };
}

export interface RenderOptions {
  bridge?: FakeBridge;
  idleLockMs?: number;
}

export function renderApp(options: RenderOptions = {}) {
  const bridge = options.bridge ?? createFakeBridge();
  const user = userEvent.setup();
  const view = render(
    <Root bridge={bridge} queryClient={createQueryClient()} idleLockMs={options.idleLockMs} />,
  );
  return { user, bridge, ...view };
}

export async function logIn(user: UserEvent, username = 'ckiplock', password = PASSWORD) {
  await user.type(await screen.findByLabelText('User ID'), username);
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Login' }));
}

/** From the login form to the code entry screen, with the code sent by text message. */
export async function reachCodeEntry(user: UserEvent, target = /^Text message to/) {
  await logIn(user);
  await screen.findByRole('heading', { name: "Verify it's you" });
  await user.click(screen.getByRole('radio', { name: target }));
  await user.click(screen.getByRole('button', { name: 'Send Code' }));
  return screen.findByLabelText('Verification code');
}

/** The whole flow through to the signed-in screen (or the location chooser). */
export async function signIn(user: UserEvent) {
  const field = await reachCodeEntry(user);
  await user.type(field, RIGHT_CODE);
}
