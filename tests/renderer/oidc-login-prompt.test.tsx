// @vitest-environment happy-dom
/**
 * "Sign in to <client>" under each screen's title in an application's login prompt, as text only; and the
 * prompt of an application that asked for a second factor asks the server for a code.
 */
import { cleanup, render, screen } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { Screen } from '../../src/renderer/src/components/Screen';
import { OidcInteractionProvider } from '../../src/renderer/src/oidc/interaction-context';
import { PASSWORD, SERVER_URL } from './support/fake-auth-server';
import { logIn, renderApp, setupFakeAuthServer } from './support/render-app';

const api = setupFakeAuthServer();

afterEach(cleanup);

describe("the login prompt's screens", () => {
  it('say which application asked under the title, its registered name rendered as text, never markup', () => {
    const clientName = '<img src=x onerror="alert(1)"> Charts & co';
    render(
      <OidcInteractionProvider interaction={{ uid: 'u1', clientName }}>
        <Screen title="Practice Secure Login">
          <p>form</p>
        </Screen>
      </OidcInteractionProvider>,
    );

    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Practice Secure Login');
    expect(screen.getByText(`Sign in to ${clientName}`)).toBeTruthy();
    expect(document.querySelector('img')).toBeNull();
  });

  it('say nothing of an application in the ordinary client', () => {
    render(
      <Screen title="Practice Secure Login">
        <p>form</p>
      </Screen>,
    );

    expect(screen.queryByText(/^Sign in to /)).toBeNull();
  });
});

describe('the login prompt of an application that asks for a second factor', () => {
  async function loginFromPrompt(secondFactorRequired: boolean) {
    api.server.use(
      http.get(`${SERVER_URL}/oidc-interaction/u1/details`, () =>
        HttpResponse.json({ clientName: 'Chart viewer', secondFactorRequired }),
      ),
    );
    window.history.pushState({}, '', '/oidc-interaction/u1');
    try {
      const { user } = renderApp();
      expect(await screen.findByText('Sign in to Chart viewer')).toBeTruthy();
      await logIn(user);
      await screen.findByRole('heading', { name: "Verify it's you" });
    } finally {
      window.history.pushState({}, '', '/');
    }
    return api.server.calls.login;
  }

  it('sends requireSecondFactor with the password when the application sent acr_values=urn:wrsauth:acr:2fa', async () => {
    expect(await loginFromPrompt(true)).toEqual([
      { username: 'ckiplock', password: PASSWORD, requireSecondFactor: true },
    ]);
  });

  it('sends no such flag when the application did not ask', async () => {
    expect(await loginFromPrompt(false)).toEqual([{ username: 'ckiplock', password: PASSWORD }]);
  });
});
