/**
 * The sign-in flow as a small state machine: login → choose target → code entry → (own password, after a
 * temporary one) → location → signed in,
 * with a lock screen that re-checks the password. Screens report what happened; only this reducer decides
 * where the user goes next.
 */
import type { Authenticated, ChallengeIssued, CodeSent, DeliveryTarget, Location } from '../../../shared/api';

/** Target id → epoch milliseconds when another code may be sent there. */
export type Cooldowns = Readonly<Record<string, number>>;

export interface FlowMessage {
  /** An error the user must act on (role="alert"), or a calm status line. */
  kind: 'error' | 'status';
  text: string;
}

/** A password check that asked for a code. */
export interface PendingChallenge {
  username: string;
  challenge: ChallengeIssued;
  cooldowns: Cooldowns;
  /** After a lock, the location the user was working at, so a re-verification resumes there. */
  resumeLocationId?: string;
}

export interface SentCode {
  target: DeliveryTarget;
  /** What the server said of the code it sent; absent for the authenticator app, which needs no send. */
  code?: CodeSent;
}

export interface SignedInSession {
  username: string;
  auth: Authenticated;
}

/** A code typed instead of the usual factor: guided recovery's one-time bypass code, or a recovery code. */
export type BackupCodeKind = 'bypass' | 'recovery';

export type SignInState =
  | { step: 'login'; username: string; message?: FlowMessage }
  | { step: 'reset'; username: string }
  | { step: 'verify'; pending: PendingChallenge; lastSent?: SentCode }
  | { step: 'code'; pending: PendingChallenge; sent: SentCode }
  /** Typing a code from elsewhere: one an account manager read out, or one of the user's recovery codes. */
  | { step: 'backupCode'; kind: BackupCodeKind; pending: PendingChallenge }
  /** Signed in with a temporary password from the account manager: the user chooses their own first. */
  | { step: 'ownPassword'; session: SignedInSession; resumeLocationId?: string }
  | { step: 'location'; session: SignedInSession }
  | { step: 'signedIn'; session: SignedInSession; location: Location | null; settingsOpen?: true }
  /** The account-manager console (role admin), over a signed-in session. */
  | { step: 'console'; session: SignedInSession; location: Location | null }
  | { step: 'locked'; session: SignedInSession; location: Location | null }
  /** An application's login prompt (oidc-interaction-flow.ts): signed in, handing the sign-in back to it. */
  | { step: 'returning'; session: SignedInSession; location: Location | null };

export type SignInEvent =
  | { type: 'challenged'; username: string; challenge: ChallengeIssued }
  | { type: 'authenticated'; username: string; auth: Authenticated }
  | { type: 'codeSent'; target: DeliveryTarget; code?: CodeSent; now: number }
  | { type: 'cooldown'; targetId: string; retryAfter: number; now: number }
  | { type: 'chooseAnotherTarget' }
  | { type: 'useBackupCode'; kind: BackupCodeKind }
  | { type: 'ownPasswordChosen' }
  | { type: 'locationChosen'; location: Location }
  | { type: 'lock' }
  | { type: 'openConsole' }
  | { type: 'closeConsole'; toSettings?: true }
  | { type: 'restart'; message?: FlowMessage }
  | { type: 'signedOut' }
  | { type: 'forgotPassword'; username: string }
  | { type: 'resetEnded'; username: string; message?: FlowMessage };

export const initialSignInState: SignInState = { step: 'login', username: '' };

function usernameOf(state: SignInState): string {
  switch (state.step) {
    case 'login':
    case 'reset':
      return state.username;
    case 'verify':
    case 'code':
    case 'backupCode':
      return state.pending.username;
    default:
      return state.session.username;
  }
}

function resumeLocationIdOf(state: SignInState): string | undefined {
  if (state.step === 'locked') return state.location?.id;
  if (state.step === 'verify' || state.step === 'code' || state.step === 'backupCode') {
    return state.pending.resumeLocationId;
  }
  return undefined;
}

function withCooldown(pending: PendingChallenge, targetId: string, untilMs: number): PendingChallenge {
  return { ...pending, cooldowns: { ...pending.cooldowns, [targetId]: untilMs } };
}

/** Where a fresh session lands: the remembered location, the only location, or the location chooser. */
function afterAuthentication(session: SignedInSession, resumeLocationId?: string): SignInState {
  const { locations } = session.auth;
  const resumed = locations.find((location) => location.id === resumeLocationId);
  if (resumed) return { step: 'signedIn', session, location: resumed };
  if (locations.length > 1) return { step: 'location', session };
  return { step: 'signedIn', session, location: locations[0] ?? null };
}

export function signInFlow(state: SignInState, event: SignInEvent): SignInState {
  switch (event.type) {
    case 'challenged': {
      const resumeLocationId = resumeLocationIdOf(state);
      return {
        step: 'verify',
        pending: {
          username: event.username,
          challenge: event.challenge,
          cooldowns: {},
          ...(resumeLocationId ? { resumeLocationId } : {}),
        },
      };
    }
    case 'authenticated': {
      const session = { username: event.username, auth: event.auth };
      const resumeLocationId = resumeLocationIdOf(state);
      if (event.auth.passwordChangeRequired) {
        return { step: 'ownPassword', session, ...(resumeLocationId ? { resumeLocationId } : {}) };
      }
      return afterAuthentication(session, resumeLocationId);
    }
    case 'ownPasswordChosen': {
      if (state.step !== 'ownPassword') return state;
      const { passwordChangeRequired: _done, ...auth } = state.session.auth;
      return afterAuthentication({ ...state.session, auth }, state.resumeLocationId);
    }
    case 'codeSent': {
      // From code entry too: after a provider reported the code undelivered, it goes to the other channel.
      if (state.step !== 'verify' && state.step !== 'code') return state;
      const { target, code } = event;
      return {
        step: 'code',
        pending: code
          ? withCooldown(state.pending, target.id, event.now + code.resendAfter * 1000)
          : state.pending,
        sent: code ? { target, code } : { target },
      };
    }
    case 'cooldown':
      if (state.step !== 'verify' && state.step !== 'code') return state;
      return {
        ...state,
        pending: withCooldown(state.pending, event.targetId, event.now + event.retryAfter * 1000),
      };
    case 'chooseAnotherTarget':
      if (state.step === 'backupCode') return { step: 'verify', pending: state.pending };
      if (state.step !== 'code') return state;
      return { step: 'verify', pending: state.pending, lastSent: state.sent };
    case 'useBackupCode':
      if (state.step !== 'verify') return state;
      return { step: 'backupCode', kind: event.kind, pending: state.pending };
    case 'locationChosen':
      if (state.step !== 'location') return state;
      return { step: 'signedIn', session: state.session, location: event.location };
    case 'lock':
      // The console locks like the signed-in screen; unlocking leads back to the signed-in screen.
      if (state.step !== 'signedIn' && state.step !== 'console') return state;
      return { step: 'locked', session: state.session, location: state.location };
    case 'openConsole':
      // Only for an account manager; the server refuses everyone else anyway (403).
      if (state.step !== 'signedIn' || state.session.auth.user.role !== 'admin') return state;
      return { step: 'console', session: state.session, location: state.location };
    case 'closeConsole':
      if (state.step !== 'console') return state;
      return {
        step: 'signedIn',
        session: state.session,
        location: state.location,
        ...(event.toSettings && { settingsOpen: true as const }),
      };
    case 'restart':
      return {
        step: 'login',
        username: usernameOf(state),
        ...(event.message ? { message: event.message } : {}),
      };
    case 'forgotPassword':
      if (state.step !== 'login') return state;
      return { step: 'reset', username: event.username };
    case 'resetEnded':
      if (state.step !== 'reset') return state;
      return {
        step: 'login',
        username: event.username,
        ...(event.message ? { message: event.message } : {}),
      };
    case 'signedOut':
      // A shared front-desk workstation: the next person starts from an empty form.
      return { step: 'login', username: '', message: { kind: 'status', text: 'You have signed out.' } };
  }
}
