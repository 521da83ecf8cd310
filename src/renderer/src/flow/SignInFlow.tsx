import { Suspense, useCallback, useEffect, useReducer, useRef } from 'react';
import type { CodeSent, DeliveryTarget, LoginResponse } from '../../../shared/api';
import type { KeychainStatus } from '../../../shared/ipc';
import { useLogout } from '../api/hooks';
import { useBridge } from '../bridge/bridge-context';
import type { PracticeAppHost } from '../bridge/client-bridge';
import { ScreenLoading } from '../components/ScreenLoading';
import type { OidcInteractionInfo } from '../oidc/interaction-context';
import { LoginScreen } from '../screens/LoginScreen';
import { effectiveIdleLockMs, useExpiry, useIdleTimer } from '../session/timers';
import {
  BackupCodeScreen,
  ChooseOwnPasswordScreen,
  CodeEntryScreen,
  ConsoleScreen,
  LocationScreen,
  LockScreen,
  PasswordResetScreen,
  prefetchAfterLogin,
  ReturningScreen,
  SignedInScreen,
  VerifyScreen,
} from './lazy-screens';
import { oidcInteractionFlow } from './oidc-interaction-flow';
import { type FlowMessage, initialSignInState, signInFlow } from './sign-in-flow';

interface SignInFlowProps {
  keychain: KeychainStatus;
  /** A deployment's shorter idle lock, if any (see AppProps). */
  idleLockMs: number | undefined;
  /** An application's login prompt: the sign-in ends by returning to it, not on "Signed in". */
  interaction?: OidcInteractionInfo;
}

const SESSION_EXPIRED: FlowMessage = {
  kind: 'status',
  text: 'Your session reached its 12-hour limit. Please sign in again.',
};

const LEFT_IDLE: FlowMessage = {
  kind: 'status',
  text: 'You were signed out because the workstation was left idle. Sign in again to choose your password.',
};

/** Runs the state machine and shows the screen for its current step. */
export function SignInFlow({ keychain, idleLockMs, interaction }: SignInFlowProps) {
  const [state, dispatch] = useReducer(interaction ? oidcInteractionFlow : signInFlow, initialSignInState);
  const logout = useLogout();
  const session =
    state.step === 'signedIn' ||
    state.step === 'console' ||
    state.step === 'locked' ||
    state.step === 'ownPassword'
      ? state.session
      : undefined;

  const loggedIn = useCallback((username: string, response: LoginResponse) => {
    if (response.status === 'challenge') dispatch({ type: 'challenged', username, challenge: response });
    else dispatch({ type: 'authenticated', username, auth: response });
  }, []);
  const restart = useCallback((message?: FlowMessage) => dispatch({ type: 'restart', message }), []);
  const codeSent = useCallback(
    (target: DeliveryTarget, code?: CodeSent) =>
      dispatch({ type: 'codeSent', target, code, now: Date.now() }),
    [],
  );
  const cooldown = useCallback(
    (targetId: string, retryAfter: number) =>
      dispatch({ type: 'cooldown', targetId, retryAfter, now: Date.now() }),
    [],
  );

  // Locking ends the server session too; unlocking signs in again. A failed logout still locks the screen.
  const lock = useCallback(() => {
    if (state.step === 'ownPassword') {
      // Nothing to lock back into yet: a half-finished first sign-in left at a shared desk just ends.
      logout.mutate(state.session.auth.sessionToken);
      dispatch({ type: 'restart', message: LEFT_IDLE });
      return;
    }
    if (state.step !== 'signedIn' && state.step !== 'console') return;
    logout.mutate(state.session.auth.sessionToken);
    dispatch({ type: 'lock' });
  }, [state, logout]);

  const signOut = useCallback(() => {
    if (state.step !== 'signedIn' && state.step !== 'console' && state.step !== 'ownPassword') {
      dispatch({ type: 'signedOut' });
      return;
    }
    logout.mutate(state.session.auth.sessionToken, { onSettled: () => dispatch({ type: 'signedOut' }) });
  }, [state, logout]);

  const practiceApp = useBridge().practiceApp;
  useIdleTimer(
    effectiveIdleLockMs(session?.auth.idleLockMinutes, idleLockMs),
    // The console is a signed-in screen too: it locks when left unattended; choosing one's own password ends.
    state.step === 'signedIn' || state.step === 'console' || state.step === 'ownPassword',
    lock,
    // Work in the practice application (its own view over the window) is use of the workstation too.
    practiceApp?.lastInputAt,
  );
  usePracticeAppFollowsSignIn(state.step, practiceApp);
  useExpiry(session?.auth.expiresAt, () => restart(SESSION_EXPIRED));
  useEffect(() => prefetchAfterLogin(), []);

  function currentScreen() {
    switch (state.step) {
      case 'login':
        return (
          <LoginScreen
            initialUsername={state.username}
            message={state.message}
            onLoggedIn={loggedIn}
            onForgotPassword={(username) => dispatch({ type: 'forgotPassword', username })}
          />
        );
      case 'reset':
        return (
          <PasswordResetScreen
            initialUsername={state.username}
            onDone={(username, message) => dispatch({ type: 'resetEnded', username, message })}
            onCancel={(username) => dispatch({ type: 'resetEnded', username })}
          />
        );
      case 'verify':
        return (
          <VerifyScreen
            pending={state.pending}
            onSent={codeSent}
            onCooldown={cooldown}
            onRestart={restart}
            onUseBackupCode={(kind) => dispatch({ type: 'useBackupCode', kind })}
          />
        );
      case 'backupCode':
        return (
          <BackupCodeScreen
            kind={state.kind}
            pending={state.pending}
            onAuthenticated={(auth) =>
              dispatch({ type: 'authenticated', username: state.pending.username, auth })
            }
            onBack={() => dispatch({ type: 'chooseAnotherTarget' })}
            onRestart={restart}
          />
        );
      case 'code':
        return (
          <CodeEntryScreen
            pending={state.pending}
            sent={state.sent}
            keychain={keychain}
            onAuthenticated={(auth) =>
              dispatch({ type: 'authenticated', username: state.pending.username, auth })
            }
            onRequestAnother={() => dispatch({ type: 'chooseAnotherTarget' })}
            onSent={codeSent}
            onCooldown={cooldown}
            onRestart={restart}
          />
        );
      case 'ownPassword':
        return (
          <ChooseOwnPasswordScreen
            session={state.session}
            onChosen={() => dispatch({ type: 'ownPasswordChosen' })}
            onSignOut={signOut}
            signingOut={logout.isPending}
          />
        );
      case 'location':
        return (
          <LocationScreen
            locations={state.session.auth.locations}
            onChoose={(location) => dispatch({ type: 'locationChosen', location })}
          />
        );
      case 'signedIn':
        return (
          <SignedInScreen
            session={state.session}
            location={state.location}
            signingOut={logout.isPending}
            onLock={lock}
            onSignOut={signOut}
            onSessionEnded={restart}
            onOpenConsole={() => dispatch({ type: 'openConsole' })}
            startInSettings={state.settingsOpen}
          />
        );
      case 'console':
        return (
          <ConsoleScreen
            session={state.session}
            onBack={() => dispatch({ type: 'closeConsole' })}
            onOpenSettings={() => dispatch({ type: 'closeConsole', toSettings: true })}
            onSessionEnded={restart}
          />
        );
      case 'returning':
        if (!interaction) return null;
        return (
          <ReturningScreen
            interaction={interaction}
            session={state.session}
            location={state.location}
            onRestart={() => restart()}
          />
        );
      case 'locked':
        return (
          <LockScreen
            session={state.session}
            location={state.location}
            onUnlocked={(response) => loggedIn(state.session.username, response)}
            onSignOut={signOut}
          />
        );
    }
  }

  // Screens after the login form arrive in their own chunk; the flow's state lives out here, untouched.
  return <Suspense fallback={<ScreenLoading />}>{currentScreen()}</Suspense>;
}

/**
 * The practice application (desktop client) follows the sign-in: out of sight in the console, hidden by
 * the lock (HIPAA's automatic logoff covers it), and closed with its partition cleared on every other way
 * out of the signed-in screens (sign out, the session ending or expiring). SignedInScreen opens it.
 */
function usePracticeAppFollowsSignIn(step: string, practiceApp: PracticeAppHost | undefined) {
  const previous = useRef(step);
  useEffect(() => {
    const before = previous.current;
    previous.current = step;
    if (!practiceApp || before === step || (before !== 'signedIn' && before !== 'console')) return;
    if (step === 'signedIn') return;
    const reason = step === 'console' ? 'away' : step === 'locked' ? 'lock' : 'sign-out';
    void practiceApp.hide(reason).catch(() => undefined);
  }, [step, practiceApp]);
}
