// @vitest-environment happy-dom
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { WEB_KEYCHAIN_REASON } from '../../src/renderer/src/bridge/web-bridge';
import { ErrorCode } from '../../src/shared/api';
import { RIGHT_CODE } from './support/fake-auth-server';
import { createFakeBridge } from './support/fake-bridge';
import { logIn, reachCodeEntry, renderApp, setupFakeAuthServer } from './support/render-app';

const api = setupFakeAuthServer();

describe('Code entry', () => {
  it('offers a one-time-code field for digits, with the cursor in it', async () => {
    const { user } = renderApp();
    const field = await reachCodeEntry(user);
    expect(field).toHaveAttribute('autocomplete', 'one-time-code');
    expect(field).toHaveAttribute('inputmode', 'numeric');
    expect(field).toHaveAttribute('maxlength', '6');
    await waitFor(() => expect(field).toHaveFocus());
    expect(screen.getByRole('button', { name: 'Verify Code' })).toBeInTheDocument();
    expect(screen.getByText(/We sent a 6-digit code by text message to/)).toHaveTextContent(
      '••• - ••• - 3816',
    );
  });

  it('strips everything but digits from the code', async () => {
    const { user } = renderApp();
    const field = await reachCodeEntry(user);
    await user.type(field, '1a2-3 ');
    expect(field).toHaveValue('123');
    expect(api.server.calls.verify).toEqual([]);
  });

  it('takes only the digits from a pasted "123-456" and submits it', async () => {
    const { user } = renderApp();
    const field = await reachCodeEntry(user);
    await user.click(field);
    await user.paste('123-456');
    expect(await screen.findByRole('heading', { name: 'Signed in' })).toBeInTheDocument();
    expect(api.server.calls.verify).toEqual([expect.objectContaining({ code: RIGHT_CODE })]);
  });

  it('submits by itself once 6 digits are typed', async () => {
    const { user } = renderApp();
    const field = await reachCodeEntry(user);
    await user.type(field, RIGHT_CODE);
    expect(await screen.findByRole('heading', { name: 'Signed in' })).toBeInTheDocument();
    expect(api.server.calls.verify).toHaveLength(1);
  });

  it('asks for all 6 digits before calling the server on Verify Code', async () => {
    const { user } = renderApp();
    const field = await reachCodeEntry(user);
    await user.type(field, '1234');
    await user.click(screen.getByRole('button', { name: 'Verify Code' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Enter the 6 digits of your verification code.');
    expect(api.server.calls.verify).toEqual([]);
  });

  it('shows attempts left after a wrong code and clears the field', async () => {
    const { user } = renderApp();
    const field = await reachCodeEntry(user);
    await user.type(field, '000000');
    expect(await screen.findByRole('alert')).toHaveTextContent('That code is not right. 4 attempts left.');
    expect(field).toHaveValue('');
    expect(field).toHaveFocus();
    await user.type(field, RIGHT_CODE);
    expect(await screen.findByRole('heading', { name: 'Signed in' })).toBeInTheDocument();
  });

  it('says an expired code is expired and suggests requesting another', async () => {
    api.server.failNext('verify', 400, {
      error: ErrorCode.codeExpired,
      message: 'This code has expired. Request another code.',
    });
    const { user } = renderApp();
    await user.type(await reachCodeEntry(user), '654321');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'This code has expired. Request another code.',
    );
    expect(screen.getByRole('button', { name: 'Request another code' })).toBeInTheDocument();
  });

  it('goes back to login with a message after too many attempts', async () => {
    const message = 'Too many wrong codes. Please sign in again to get a new code.';
    api.server.failNext('verify', 429, { error: ErrorCode.tooManyAttempts, message });
    const { user } = renderApp();
    await user.type(await reachCodeEntry(user), '654321');
    expect(await screen.findByRole('heading', { name: 'Practice Secure Login' })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent(message);
  });

  it('goes back to login when the last attempt is spent on a wrong code', async () => {
    const { user } = renderApp();
    const field = await reachCodeEntry(user);
    for (const left of ['4 attempts', '3 attempts', '2 attempts', '1 attempt']) {
      await user.type(field, '000000');
      await screen.findByText(`That code is not right. ${left} left.`);
    }
    await user.type(field, '000005');
    expect(await screen.findByRole('heading', { name: 'Practice Secure Login' })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('no attempts are left. Please sign in again.');
  });

  it('goes back to login when the challenge expired while typing', async () => {
    const message = 'This sign-in has expired or was already used. Please sign in again.';
    api.server.failNext('verify', 410, { error: ErrorCode.challengeExpired, message });
    const { user } = renderApp();
    await user.type(await reachCodeEntry(user), RIGHT_CODE);
    expect(await screen.findByRole('heading', { name: 'Practice Secure Login' })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent(message);
  });

  it('requests another code at the other target', async () => {
    const { user } = renderApp();
    await reachCodeEntry(user);
    await user.click(screen.getByRole('button', { name: 'Request another code' }));
    expect(await screen.findByRole('heading', { name: "Verify it's you" })).toBeInTheDocument();
    expect(
      screen.getByText(
        /^You can request another code to Text message to ••• - ••• - 3816 in (29|30) seconds\.$/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: 'Email to cki•••wrshealth.com' })).toBeChecked();
    await user.click(screen.getByRole('button', { name: 'Send Code' }));
    expect(await screen.findByText(/We sent a 6-digit code by email to/)).toBeInTheDocument();
    expect(api.server.calls.send.map((call) => call.targetId)).toEqual(['sms', 'email']);
    await user.type(screen.getByLabelText('Verification code'), RIGHT_CODE);
    expect(await screen.findByRole('heading', { name: 'Signed in' })).toBeInTheDocument();
  });

  it('counts the resend cooldown down to the end', async () => {
    api.practice({ resendAfter: 2 });
    const { user } = renderApp();
    await reachCodeEntry(user);
    const countdown = screen.getByText(/^You can request another code to Text message to/);
    expect(countdown).toHaveTextContent(/in [12] seconds?\.$/);
    await waitFor(() => expect(countdown).toHaveTextContent(/in 1 second\.$/), { timeout: 2500 });
    await waitFor(() => expect(countdown).toBeEmptyDOMElement(), { timeout: 2500 });
  });
});

describe('Remember this workstation', () => {
  it('offers the checkbox only where a keychain is available', async () => {
    const { user } = renderApp({ bridge: createFakeBridge({ keychain: { available: true } }) });
    await reachCodeEntry(user);
    expect(screen.getByRole('checkbox', { name: 'Remember this workstation for 30 days' })).not.toBeChecked();
  });

  it("names the practice's remember-days from the server, not a built-in 30", async () => {
    api.practice({ rememberDays: 7 });
    const { user } = renderApp();
    await reachCodeEntry(user);
    expect(screen.getByRole('checkbox', { name: 'Remember this workstation for 7 days' })).not.toBeChecked();
    expect(screen.queryByText(/30 days/)).not.toBeInTheDocument();
  });

  it('offers no checkbox when the practice remembers no workstation (remember-days 0)', async () => {
    api.practice({ rememberDays: 0 });
    const { user } = renderApp();
    const field = await reachCodeEntry(user);
    expect(screen.queryByRole('checkbox')).not.toBeInTheDocument();
    expect(screen.queryByText(/remembered/)).not.toBeInTheDocument();
    await user.type(field, RIGHT_CODE);
    expect(await screen.findByRole('heading', { name: 'Signed in' })).toBeInTheDocument();
    expect(api.server.calls.verify[0]).not.toHaveProperty('rememberDevice');
  });

  it('hides the checkbox and says why in one line when no keychain is available', async () => {
    const bridge = createFakeBridge({ keychain: { available: false, reason: WEB_KEYCHAIN_REASON } });
    const { user } = renderApp({ bridge });
    await reachCodeEntry(user);
    expect(screen.queryByRole('checkbox')).not.toBeInTheDocument();
    expect(screen.getByText(WEB_KEYCHAIN_REASON)).toBeInTheDocument();
  });

  it('names the missing keychain when the desktop reports a reason', async () => {
    const bridge = createFakeBridge({
      kind: 'electron',
      keychain: { available: false, reason: 'No Secret Service is running' },
    });
    const { user } = renderApp({ bridge });
    await logIn(user);
    await user.click(await screen.findByRole('button', { name: 'Send Code' }));
    await screen.findByLabelText('Verification code');
    expect(
      screen.getByText('This workstation cannot be remembered: No Secret Service is running.'),
    ).toBeInTheDocument();
  });

  it('saves the device token through the bridge and sends it on the next login', async () => {
    const { user, bridge } = renderApp();
    const field = await reachCodeEntry(user);
    await user.click(screen.getByRole('checkbox', { name: 'Remember this workstation for 30 days' }));
    await user.type(field, RIGHT_CODE);
    await screen.findByRole('heading', { name: 'Signed in' });
    expect(api.server.calls.verify).toEqual([expect.objectContaining({ rememberDevice: true })]);
    const [saved] = bridge.calls.saveDeviceToken;
    expect(saved?.username).toBe('ckiplock');
    expect(saved && api.server.trustedDevices.has(saved.token)).toBe(true);

    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    await logIn(user);
    expect(await screen.findByRole('heading', { name: 'Signed in' })).toBeInTheDocument();
    expect(api.server.calls.login.at(-1)).toEqual({
      username: 'ckiplock',
      password: 'frontDesk2026',
      deviceToken: saved?.token,
    });
    expect(api.server.calls.send).toHaveLength(1);
  });

  it("sends the desktop's device name on verify when remembering the workstation, and only then", async () => {
    const bridge = createFakeBridge({ kind: 'electron', deviceName: 'FRONT-DESK-1' });
    const { user } = renderApp({ bridge });
    const reachDesktopCodeEntry = async () => {
      await logIn(user);
      await user.click(await screen.findByRole('button', { name: 'Send Code' }));
      return screen.findByLabelText('Verification code');
    };

    await user.type(await reachDesktopCodeEntry(), RIGHT_CODE);
    await user.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(api.server.calls.verify[0]).not.toHaveProperty('deviceName');
    expect(bridge.calls.deviceName).toBe(0);

    const field = await reachDesktopCodeEntry();
    await user.click(screen.getByRole('checkbox', { name: 'Remember this workstation for 30 days' }));
    await user.type(field, RIGHT_CODE);
    await screen.findByRole('heading', { name: 'Signed in' });
    expect(api.server.calls.verify[1]).toMatchObject({ rememberDevice: true, deviceName: 'FRONT-DESK-1' });
  });

  it('forgets a device token the server no longer honours, and keeps one it does', async () => {
    const { user, bridge } = renderApp();
    bridge.tokens.set('ckiplock', 'device-live');
    api.server.trustedDevices.add('device-live');
    await logIn(user);
    await screen.findByRole('heading', { name: 'Signed in' });
    expect(bridge.tokens.get('ckiplock')).toBe('device-live');

    // Revoked on the server (say, by reset-2fa): the next login with it is answered with a challenge.
    api.server.trustedDevices.delete('device-live');
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    await logIn(user);
    await screen.findByRole('heading', { name: "Verify it's you" });
    expect(api.server.calls.login.at(-1)?.deviceToken).toBe('device-live');
    expect(bridge.calls.forgetDeviceToken).toEqual(['ckiplock']);
    expect(bridge.tokens.has('ckiplock')).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Send Code' }));
    await user.type(await screen.findByLabelText('Verification code'), RIGHT_CODE);
    await user.click(await screen.findByRole('button', { name: 'Sign out' }));
    await logIn(user);
    await screen.findByRole('heading', { name: "Verify it's you" });
    expect(api.server.calls.login.at(-1)).not.toHaveProperty('deviceToken');
  });

  it('sends no device token and saves none when the box is left unchecked', async () => {
    const { user, bridge } = renderApp();
    await user.type(await reachCodeEntry(user), RIGHT_CODE);
    await screen.findByRole('heading', { name: 'Signed in' });
    expect(api.server.calls.verify[0]).not.toHaveProperty('rememberDevice');
    expect(bridge.calls.saveDeviceToken).toEqual([]);
    expect(api.server.calls.login[0]).not.toHaveProperty('deviceToken');
  });
});
