// @vitest-environment happy-dom
/** "Sign in to <client>" under each screen's title in an application's login prompt, as text only. */
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Screen } from '../../src/renderer/src/components/Screen';
import { OidcInteractionProvider } from '../../src/renderer/src/oidc/interaction-context';

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
