// @vitest-environment happy-dom
/** "Use a code from your account manager": signing in with a guided-recovery bypass code. */
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { acceptBypassCode, BYPASS_CODE } from './support/fake-backup-codes';
import { logIn, renderApp, setupFakeAuthServer } from './support/render-app';

const api = setupFakeAuthServer();

const LINK = 'Use a code from your account manager';

async function reachBypassEntry() {
  const rendered = renderApp();
  await logIn(rendered.user);
  await screen.findByRole('heading', { name: "Verify it's you" });
  await rendered.user.click(screen.getByRole('button', { name: LINK }));
  const field = await screen.findByLabelText('Code from your account manager');
  return { ...rendered, field };
}

describe('signing in with a code from the account manager', () => {
  it("offers the link on Verify it's you beside the usual targets", async () => {
    const { user } = renderApp();
    await logIn(user);
    await screen.findByRole('heading', { name: "Verify it's you" });
    expect(screen.getByRole('button', { name: 'Send Code' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: LINK })).toBeInTheDocument();
  });

  it('with no targets, it is the only way on: no Send Code, and the link is the primary action', async () => {
    api.practice({ targets: [] });
    const { user } = renderApp();
    await logIn(user);
    await screen.findByRole('heading', { name: "Verify it's you" });
    expect(screen.queryByRole('button', { name: 'Send Code' })).not.toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent(/one-time code/);
    const link = screen.getByRole('button', { name: LINK });
    expect(link).toHaveClass('primary');
    await user.click(link);
    expect(await screen.findByLabelText('Code from your account manager')).toBeInTheDocument();
  });

  it('takes the code in its own shape, focused, grouping what is typed or pasted as XXXX-XXXX-XXXX', async () => {
    const { user, field } = await reachBypassEntry();
    await waitFor(() => expect(field).toHaveFocus());
    await user.type(field, 'abcd efgh');
    expect(field).toHaveValue('ABCD-EFGH');
    await user.clear(field);
    await user.click(field);
    await user.paste('abcd-efgh-jkmn-extra');
    expect(field).toHaveValue('ABCD-EFGH-JKMN');
  });

  it('sends it to verify with targetId "bypass", never remembering the workstation, and signs in', async () => {
    const calls = acceptBypassCode(api.server);
    const { user, field } = await reachBypassEntry();
    await user.type(field, BYPASS_CODE.toLowerCase());
    await user.click(screen.getByRole('button', { name: 'Verify Code' }));
    await screen.findByRole('heading', { name: 'Signed in' });
    // No rememberDevice at all: a bypass code never makes a workstation trusted.
    expect(calls.verify).toEqual([{ code: BYPASS_CODE, targetId: 'bypass' }]);
    expect(api.server.calls.verify).toEqual([]);
  });

  it('refuses a short code on the spot, without asking the server', async () => {
    const calls = acceptBypassCode(api.server);
    const { user, field } = await reachBypassEntry();
    await user.type(field, 'ABCD-EF');
    await user.click(screen.getByRole('button', { name: 'Verify Code' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/12 letters and digits/);
    expect(calls.verify).toEqual([]);
    expect(field).toHaveFocus();
  });

  it("shows the server's answer to a wrong code, and goes back to Verify it's you on Back", async () => {
    acceptBypassCode(api.server);
    const { user, field } = await reachBypassEntry();
    await user.type(field, 'ZZZZ-ZZZZ-ZZZZ');
    await user.click(screen.getByRole('button', { name: 'Verify Code' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('That code is not right. 4 attempts left.');
    await user.click(screen.getByRole('button', { name: 'Back' }));
    expect(await screen.findByRole('heading', { name: "Verify it's you" })).toBeInTheDocument();
  });
});
