/**
 * "Login with WRSAuth": an application's login prompt runs the very same sign-in (signInFlow decides every
 * step: password, code, own password after a temporary one, location) and ends where the ordinary client
 * says "Signed in": there the sign-in goes back to the application. Nothing past that (the signed-in screen,
 * the console, the lock) belongs to a login prompt.
 */
import { type SignInEvent, type SignInState, signInFlow } from './sign-in-flow';

export function oidcInteractionFlow(state: SignInState, event: SignInEvent): SignInState {
  if (state.step === 'returning' && event.type !== 'restart') return state;
  const next = signInFlow(state, event);
  if (next.step === 'signedIn' || next.step === 'console' || next.step === 'locked') {
    return { step: 'returning', session: next.session, location: next.location };
  }
  return next;
}
