// @vitest-environment happy-dom
/** Delivery you can see: the code entry screen polls what became of the code and acts on a failed text. */
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DELIVERY_POLL_MS } from '../../src/renderer/src/api/hooks';
import { EMAIL_TARGET, SMS_TARGET } from './support/fake-auth-server';
import { reachCodeEntry, renderApp, setupFakeAuthServer } from './support/render-app';

const api = setupFakeAuthServer();

const LANDLINE =
  'Your text message to ••• - ••• - 3816 could not be delivered: the number is a landline or cannot receive texts. Send a code by email to cki•••wrshealth.com instead.';

describe('Delivery status on code entry', () => {
  it('says so when the provider reports the text undelivered, and sends to the email in one click', async () => {
    api.server.reportDelivery('sms', { status: 'undelivered', final: true, message: LANDLINE });
    const { user } = renderApp();
    await reachCodeEntry(user);
    expect(await screen.findByRole('alert')).toHaveTextContent(LANDLINE);

    await user.click(screen.getByRole('button', { name: 'Send by email instead' }));
    expect(await screen.findByText(/We sent a 6-digit code by email to/)).toHaveTextContent(
      EMAIL_TARGET.masked,
    );
    expect(api.server.calls.send.map((call) => call.targetId)).toEqual([SMS_TARGET.id, EMAIL_TARGET.id]);
    // The email's own report says nothing went wrong, so the alert is gone.
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
  });

  it('keeps asking while the provider has not answered, shows "Delivered", then stops asking', async () => {
    api.server.reportDelivery('sms', { status: 'sent', final: false }, { status: 'delivered', final: true });
    const { user } = renderApp();
    await reachCodeEntry(user);
    expect(
      await screen.findByText('Delivered to', { exact: false }, { timeout: DELIVERY_POLL_MS * 3 }),
    ).toHaveTextContent(`Delivered to ${SMS_TARGET.masked}.`);
    const polls = api.server.calls.delivery.length;
    expect(polls).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, DELIVERY_POLL_MS * 1.5));
    expect(api.server.calls.delivery).toHaveLength(polls);
  }, 15_000);

  it('offers no other channel while the text is only on its way', async () => {
    api.server.reportDelivery('sms', { status: 'sent', final: false });
    const { user } = renderApp();
    await reachCodeEntry(user);
    // The second poll goes out only after the first answer has been handled, so by then the screen shows
    // what that answer said.
    await waitFor(() => expect(api.server.calls.delivery.length).toBeGreaterThanOrEqual(2), {
      timeout: DELIVERY_POLL_MS * 3,
    });
    expect(screen.queryByRole('button', { name: 'Send by email instead' })).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  }, 15_000);
});
