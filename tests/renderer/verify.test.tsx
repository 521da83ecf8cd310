// @vitest-environment happy-dom
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/shared/api';
import { EMAIL_TARGET, SMS_TARGET } from './support/fake-auth-server';
import { createFakeBridge } from './support/fake-bridge';
import { logIn, renderApp, setupFakeAuthServer } from './support/render-app';

const api = setupFakeAuthServer();

async function reachVerify() {
  const rendered = renderApp();
  await logIn(rendered.user);
  await screen.findByRole('heading', { name: "Verify it's you" });
  return rendered;
}

describe("Verify it's you", () => {
  it("lists every masked target in the seed's words, then a Send Code button", async () => {
    await reachVerify();
    const group = screen.getByRole('group', { name: 'Choose where we should send your verification code:' });
    const options = within(group).getAllByRole('radio');
    expect(options.map((option) => option.closest('label')?.textContent)).toEqual([
      'Text message to ••• - ••• - 3816',
      'Email to cki•••wrshealth.com',
    ]);
    expect(screen.getByRole('button', { name: 'Send Code' })).toBeInTheDocument();
  });

  it('moves focus to the heading when the screen opens', async () => {
    await reachVerify();
    await waitFor(() => expect(screen.getByRole('heading', { name: "Verify it's you" })).toHaveFocus());
  });

  it('selects the first target so Send Code works at once', async () => {
    const { user } = await reachVerify();
    expect(screen.getByRole('radio', { name: 'Text message to ••• - ••• - 3816' })).toBeChecked();
    await user.click(screen.getByRole('button', { name: 'Send Code' }));
    await screen.findByLabelText('Verification code');
    expect(api.server.calls.send).toEqual([expect.objectContaining({ targetId: 'sms' })]);
  });

  it('sends the code to the chosen target and opens code entry with a resend countdown', async () => {
    const { user } = await reachVerify();
    await user.click(screen.getByRole('radio', { name: 'Email to cki•••wrshealth.com' }));
    await user.click(screen.getByRole('button', { name: 'Send Code' }));
    expect(await screen.findByLabelText('Verification code')).toBeInTheDocument();
    expect(screen.getByText(/We sent a 6-digit code by email to/)).toHaveTextContent(EMAIL_TARGET.masked);
    const countdown = screen.getByText(/^You can request another code to Email to cki•••wrshealth\.com in/);
    expect(countdown).toHaveAttribute('aria-live', 'polite');
    expect(countdown).toHaveTextContent(/in (29|30) seconds\.$/);
    expect(api.server.calls.send).toEqual([expect.objectContaining({ targetId: 'email' })]);
  });

  it('shows the delivery failure and offers the other channel, which sends there', async () => {
    const message =
      'We could not send a text message to ••• - ••• - 3816. Try an email to cki•••wrshealth.com instead.';
    api.server.failNext('send', 502, { error: ErrorCode.deliveryFailed, message });
    const { user } = await reachVerify();
    await user.click(screen.getByRole('button', { name: 'Send Code' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(message);
    expect(screen.getByRole('radio', { name: 'Email to cki•••wrshealth.com' })).toBeChecked();
    await user.click(screen.getByRole('button', { name: 'Send by email instead' }));
    expect(await screen.findByLabelText('Verification code')).toBeInTheDocument();
    expect(api.server.calls.send.map((call) => call.targetId)).toEqual(['sms', 'email']);
  });

  it('shows a rate limit on a target with a countdown for that target', async () => {
    api.server.failNext('send', 429, {
      error: ErrorCode.rateLimited,
      message: 'A code was just sent there. You can request another in 20 seconds.',
      retryAfter: 20,
    });
    const { user } = await reachVerify();
    await user.click(screen.getByRole('button', { name: 'Send Code' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('A code was just sent there.');
    expect(
      screen.getByText(
        /^You can request another code to Text message to ••• - ••• - 3816 in (19|20) seconds\.$/,
      ),
    ).toHaveAttribute('aria-live', 'polite');
  });

  it("counts down a contact's daily limit in hours and minutes, not thousands of minutes", async () => {
    api.server.failNext('send', 429, {
      error: ErrorCode.rateLimited,
      message: '10 codes have been sent to ••• - ••• - 3816 in the last 24 hours, the most it may receive.',
      retryAfter: 86_090,
    });
    const { user } = await reachVerify();
    await user.click(screen.getByRole('button', { name: 'Send Code' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('in the last 24 hours');
    expect(
      screen.getByText(
        /^You can request another code to Text message to ••• - ••• - 3816 in 23 hours 55 minutes\.$/,
      ),
    ).toBeInTheDocument();
  });

  it('goes back to login with the message when the challenge has expired', async () => {
    const message = 'This sign-in has expired or was already used. Please sign in again.';
    api.server.failNext('send', 410, { error: ErrorCode.challengeExpired, message });
    const { user } = await reachVerify();
    await user.click(screen.getByRole('button', { name: 'Send Code' }));
    expect(await screen.findByRole('heading', { name: 'Practice Secure Login' })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent(message);
    expect(screen.getByLabelText('User ID')).toHaveValue('ckiplock');
  });

  it('goes back to login on Back to login', async () => {
    const { user } = await reachVerify();
    await user.click(screen.getByRole('button', { name: 'Back to login' }));
    expect(await screen.findByRole('heading', { name: 'Practice Secure Login' })).toBeInTheDocument();
    expect(api.server.calls.send).toEqual([]);
  });
});

describe("Verify it's you in the desktop client", () => {
  it('lists the targets and lets the native dialog choose where the code goes', async () => {
    const bridge = createFakeBridge({ kind: 'electron', choose: () => 'email' });
    const { user } = renderApp({ bridge });
    await logIn(user);
    await screen.findByRole('heading', { name: "Verify it's you" });
    const list = screen.getByRole('list', { name: 'Choose where we should send your verification code:' });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(['Text message to ••• - ••• - 3816', 'Email to cki•••wrshealth.com']);
    expect(screen.queryByRole('radio')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Send Code' }));
    expect(await screen.findByLabelText('Verification code')).toBeInTheDocument();
    expect(bridge.calls.chooseTarget).toEqual([[SMS_TARGET, EMAIL_TARGET]]);
    expect(api.server.calls.send).toEqual([expect.objectContaining({ targetId: 'email' })]);
  });

  it('stays on the screen and sends nothing when the native dialog is cancelled', async () => {
    const bridge = createFakeBridge({ kind: 'electron', choose: () => null });
    const { user } = renderApp({ bridge });
    await logIn(user);
    await screen.findByRole('heading', { name: "Verify it's you" });
    await user.click(screen.getByRole('button', { name: 'Send Code' }));
    await waitFor(() => expect(bridge.calls.chooseTarget).toHaveLength(1));
    expect(screen.getByRole('heading', { name: "Verify it's you" })).toBeInTheDocument();
    expect(api.server.calls.send).toEqual([]);
  });
});
