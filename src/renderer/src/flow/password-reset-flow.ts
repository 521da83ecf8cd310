/**
 * "Forgot your password?" as a small state machine: User ID → where to send a code → the code → (for a user
 * with two or more factors, a second proof: a code sent to another factor, the authenticator app's code, or
 * a recovery code) → a new password. Or, when the practice does not let this user reset alone, the account
 * manager's message. Screens report what happened; only this reducer decides where the user goes next.
 */
import type {
  CodeSent,
  DeliveryTarget,
  PasswordResetStarted,
  PasswordResetVerifyResult,
} from '../../../shared/api';

export type ResetState =
  /** The User ID; `message` says why an earlier reset ended. */
  | { step: 'who'; message?: string }
  | { step: 'where'; started: PasswordResetStarted }
  | { step: 'code'; started: PasswordResetStarted; target: DeliveryTarget; sent: CodeSent }
  /** The first code was right: another factor must confirm. `targets` are the user's other factors. */
  | { step: 'secondWhere'; resetId: string; targets: DeliveryTarget[] }
  /** `sent` is absent for the authenticator app, which sends nothing. */
  | {
      step: 'secondCode';
      resetId: string;
      targets: DeliveryTarget[];
      target: DeliveryTarget;
      sent?: CodeSent;
    }
  | { step: 'recoveryCode'; resetId: string; targets: DeliveryTarget[] }
  | { step: 'password'; resetId: string }
  /** The practice does not let this user reset their password alone, or there is nowhere to send a code. */
  | { step: 'accountManager' };

export type ResetEvent =
  | { type: 'started'; started: PasswordResetStarted }
  /** A code went to `target`; for the authenticator app nothing is sent and `sent` is absent. */
  | { type: 'codeSent'; target: DeliveryTarget; sent?: CodeSent }
  | { type: 'verified'; result: PasswordResetVerifyResult }
  | { type: 'chooseAnother' }
  | { type: 'useRecoveryCode' }
  /** The reset is over (expired, too many wrong codes): start again, told why. */
  | { type: 'ended'; message: string };

export const initialResetState: ResetState = { step: 'who' };

const resetIdOf = (state: ResetState): string | undefined => {
  switch (state.step) {
    case 'where':
    case 'code':
      return state.started.resetId;
    case 'secondWhere':
    case 'secondCode':
    case 'recoveryCode':
    case 'password':
      return state.resetId;
    default:
      return undefined;
  }
};

export function passwordResetFlow(state: ResetState, event: ResetEvent): ResetState {
  switch (event.type) {
    case 'started':
      if (state.step !== 'who') return state;
      // Nowhere to send a code (a practice that allows only the authenticator app): only the account manager.
      if (event.started.targets.length === 0) return { step: 'accountManager' };
      return { step: 'where', started: event.started };
    case 'codeSent': {
      const { target, sent } = event;
      if (state.step === 'where' && sent) return { step: 'code', started: state.started, target, sent };
      if (state.step === 'secondWhere') {
        const { resetId, targets } = state;
        return { step: 'secondCode', resetId, targets, target, ...(sent && { sent }) };
      }
      return state;
    }
    case 'verified': {
      const resetId = resetIdOf(state);
      const checking = state.step === 'code' || state.step === 'secondCode' || state.step === 'recoveryCode';
      if (!checking || !resetId) return state;
      const { result } = event;
      if (result.status === 'verified') return { step: 'password', resetId };
      if (result.status === 'account_manager_required') return { step: 'accountManager' };
      // Only the first code leads to a second; a second proof never asks for a third.
      if (state.step !== 'code') return state;
      return { step: 'secondWhere', resetId, targets: result.targets };
    }
    case 'chooseAnother':
      if (state.step === 'code') return { step: 'where', started: state.started };
      if (state.step === 'secondCode' || state.step === 'recoveryCode') {
        return { step: 'secondWhere', resetId: state.resetId, targets: state.targets };
      }
      return state;
    case 'useRecoveryCode':
      if (state.step !== 'secondWhere') return state;
      return { step: 'recoveryCode', resetId: state.resetId, targets: state.targets };
    case 'ended':
      return { step: 'who', message: event.message };
  }
}
