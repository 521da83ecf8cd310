/**
 * "Forgot your password?": User ID → where to send a code → the code → (a second factor, for a user with two
 * or more) → a new password, then back to the login form; or the account manager's message. The server
 * gives the same answers for any User ID until a first right code, so this screen cannot tell either. The
 * steps are passwordResetFlow's; this screen only renders them and reports what happened.
 */
import { useReducer, useState } from 'react';
import { ErrorCode } from '../../../shared/error-code';
import type { ApiFailure } from '../api/api-failure';
import { initialResetState, passwordResetFlow, type ResetEvent } from '../flow/password-reset-flow';
import type { FlowMessage } from '../flow/sign-in-flow';
import { CodeStep, RecoveryCodeStep } from './reset/ResetCodes';
import { PasswordStep } from './reset/ResetNewPassword';
import { AccountManagerStep, WhereStep, WhoStep } from './reset/ResetStart';

interface PasswordResetScreenProps {
  initialUsername: string;
  /** Back to the login form, with a message. */
  onDone(username: string, message: FlowMessage): void;
  onCancel(username: string): void;
}

/** The reset is over for good on these; the user starts again, told why. */
const ENDS_RESET: Readonly<Record<string, string>> = {
  [ErrorCode.challengeExpired]: 'This password reset has expired. Please start again.',
  [ErrorCode.tooManyAttempts]: 'Too many wrong codes for this password reset. Please start again.',
};

export const PASSWORD_CHANGED =
  'Your password was changed, and every other session was signed out. Sign in with your new password.';

export function PasswordResetScreen({ initialUsername, onDone, onCancel }: PasswordResetScreenProps) {
  const [username, setUsername] = useState(initialUsername);
  const [state, dispatch] = useReducer(passwordResetFlow, initialResetState);
  const [failure, setFailure] = useState<string>();
  const [retryUntil, setRetryUntil] = useState<number>();

  const go = (event: ResetEvent) => {
    setFailure(undefined);
    setRetryUntil(undefined);
    dispatch(event);
  };
  function fail(apiFailure: ApiFailure) {
    const ended = ENDS_RESET[apiFailure.error];
    if (ended) {
      go({ type: 'ended', message: ended });
      return;
    }
    setFailure(apiFailure.message);
    const limited = apiFailure.error === ErrorCode.rateLimited && apiFailure.retryAfter;
    setRetryUntil(limited ? Date.now() + limited * 1000 : undefined);
  }
  const step = { failure, retryUntil, onFailure: fail, onCancel: () => onCancel(username.trim()) };

  // Each step is keyed by its name, so that a new step (first or second factor alike) starts afresh.
  switch (state.step) {
    case 'who':
      return (
        <WhoStep
          key={state.step}
          {...step}
          failure={failure ?? state.message}
          username={username}
          onUsername={setUsername}
          onStarted={(started) => go({ type: 'started', started })}
        />
      );
    case 'where':
      return (
        <WhereStep
          key={state.step}
          {...step}
          resetId={state.started.resetId}
          targets={state.started.targets}
          onSent={(target, sent) => go({ type: 'codeSent', target, sent })}
        />
      );
    case 'code':
      return (
        <CodeStep
          key={state.step}
          {...step}
          resetId={state.started.resetId}
          target={state.target}
          second={false}
          onVerified={(result) => go({ type: 'verified', result })}
          onAnotherCode={() => go({ type: 'chooseAnother' })}
        />
      );
    case 'secondWhere':
      return (
        <WhereStep
          key={state.step}
          {...step}
          resetId={state.resetId}
          targets={state.targets}
          onSent={(target, sent) => go({ type: 'codeSent', target, sent })}
          onUseRecoveryCode={() => go({ type: 'useRecoveryCode' })}
        />
      );
    case 'secondCode':
      return (
        <CodeStep
          key={state.step}
          {...step}
          resetId={state.resetId}
          target={state.target}
          second
          onVerified={(result) => go({ type: 'verified', result })}
          onAnotherCode={() => go({ type: 'chooseAnother' })}
        />
      );
    case 'recoveryCode':
      return (
        <RecoveryCodeStep
          key={state.step}
          {...step}
          resetId={state.resetId}
          onVerified={(result) => go({ type: 'verified', result })}
          onBack={() => go({ type: 'chooseAnother' })}
        />
      );
    case 'password':
      return (
        <PasswordStep
          key={state.step}
          {...step}
          resetId={state.resetId}
          onChanged={() => onDone(username.trim(), { kind: 'status', text: PASSWORD_CHANGED })}
          onMismatch={setFailure}
        />
      );
    case 'accountManager':
      return <AccountManagerStep key={state.step} onCancel={step.onCancel} />;
  }
}
