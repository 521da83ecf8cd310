/** An application's login prompt runs the ordinary sign-in and ends by returning to the application. */
import { describe, expect, it } from 'vitest';
import { pageServerUrl } from '../../src/renderer/src/bridge/web-bridge';
import { oidcInteractionFlow } from '../../src/renderer/src/flow/oidc-interaction-flow';
import { initialSignInState, type SignInState } from '../../src/renderer/src/flow/sign-in-flow';
import { interactionUidOf } from '../../src/renderer/src/oidc/interaction-context';
import type { Authenticated } from '../../src/shared/api';
import { CASEY, MAIN_OFFICE, NORTH_CLINIC } from './support/fake-auth-server';

const auth = (locations = [MAIN_OFFICE, NORTH_CLINIC]): Authenticated => ({
  status: 'authenticated',
  sessionToken: 's1',
  expiresAt: '2026-11-28T00:00:00.000Z',
  user: CASEY,
  locations,
});

describe('the login prompt flow', () => {
  it('returns to the application with the chosen location where the client would say Signed in', () => {
    const choosing = oidcInteractionFlow(initialSignInState, {
      type: 'authenticated',
      username: 'ckiplock',
      auth: auth(),
    });
    expect(choosing.step).toBe('location');

    const returning = oidcInteractionFlow(choosing, { type: 'locationChosen', location: NORTH_CLINIC });

    expect(returning).toMatchObject({ step: 'returning', location: NORTH_CLINIC });
  });

  it('returns at once for a user with one location, and after their own password for a temporary one', () => {
    const one = oidcInteractionFlow(initialSignInState, {
      type: 'authenticated',
      username: 'ckiplock',
      auth: auth([MAIN_OFFICE]),
    });
    const temporary = oidcInteractionFlow(initialSignInState, {
      type: 'authenticated',
      username: 'ckiplock',
      auth: { ...auth([MAIN_OFFICE]), passwordChangeRequired: true },
    });

    expect(one).toMatchObject({ step: 'returning', location: MAIN_OFFICE });
    expect(temporary.step).toBe('ownPassword');
    expect(oidcInteractionFlow(temporary, { type: 'ownPasswordChosen' })).toMatchObject({
      step: 'returning',
      location: MAIN_OFFICE,
    });
  });

  it('never reaches Signed in, the console or the lock; only Sign in again leaves the return', () => {
    const returning: SignInState = {
      step: 'returning',
      session: { username: 'ckiplock', auth: auth() },
      location: MAIN_OFFICE,
    };

    for (const type of ['lock', 'openConsole', 'signedOut'] as const) {
      expect(oidcInteractionFlow(returning, { type })).toBe(returning);
    }
    expect(oidcInteractionFlow(returning, { type: 'restart' })).toMatchObject({
      step: 'login',
      username: 'ckiplock',
    });
  });

  it('takes the interaction uid from /oidc-interaction/<uid> only', () => {
    expect(interactionUidOf('/oidc-interaction/AbC_12-x')).toBe('AbC_12-x');
    expect(interactionUidOf('/')).toBeUndefined();
    expect(interactionUidOf('/oidc-interaction/x/complete')).toBeUndefined();
    expect(interactionUidOf('/oidc-interaction/a%2Fb')).toBeUndefined();
  });

  it('talks to the server that served the prompt, not to a folder named oidc-interaction', () => {
    expect(pageServerUrl('https://auth.practice.example/oidc-interaction/AbC_12-x')).toBe(
      'https://auth.practice.example',
    );
    expect(pageServerUrl('https://auth.practice.example/wrsauth/index.html')).toBe(
      'https://auth.practice.example/wrsauth',
    );
  });
});
