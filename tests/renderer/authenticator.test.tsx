// @vitest-environment happy-dom
/** The authenticator app as a target: no send step, and the code is checked against the app. */
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { DeliveryTarget } from '../../src/shared/api';
import { RIGHT_CODE, SMS_TARGET } from './support/fake-auth-server';
import { logIn, renderApp, setupFakeAuthServer } from './support/render-app';

const api = setupFakeAuthServer();
const APP_TARGET: DeliveryTarget = { id: 'totp', channel: 'totp', masked: 'Authenticator app' };

describe('Authenticator app', () => {
  it('goes straight to code entry without asking the server to send anything, and verifies with targetId "totp"', async () => {
    api.practice({ targets: [SMS_TARGET, APP_TARGET] });
    const { user } = renderApp();
    await logIn(user);
    await screen.findByRole('heading', { name: "Verify it's you" });
    await user.click(screen.getByRole('radio', { name: 'Authenticator app' }));
    await user.click(screen.getByRole('button', { name: 'Send Code' }));
    const field = await screen.findByLabelText('Verification code');
    expect(screen.getByText('Enter the 6-digit code your authenticator app shows now.')).toBeInTheDocument();
    expect(api.server.calls.send).toEqual([]);
    expect(api.server.calls.delivery).toEqual([]);

    await user.type(field, RIGHT_CODE);
    expect(await screen.findByRole('heading', { name: 'Signed in' })).toBeInTheDocument();
    expect(api.server.calls.verify).toEqual([
      expect.objectContaining({ code: RIGHT_CODE, targetId: 'totp' }),
    ]);
  });
});
