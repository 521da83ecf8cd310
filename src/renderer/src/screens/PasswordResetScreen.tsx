/**
 * "Forgot your password?": User ID → where to send a code → the code → a new password, then back to the
 * login form. The server gives the same answers for any User ID, so this screen cannot tell either.
 */
import { type FormEvent, useState } from 'react';
import type { CodeSent, DeliveryTarget, PasswordResetStarted } from '../../../shared/api';
import { ErrorCode } from '../../../shared/error-code';
import type { ApiFailure } from '../api/api-failure';
import {
  useSendResetCode,
  useSetNewPassword,
  useStartPasswordReset,
  useVerifyResetCode,
} from '../api/password-reset-hooks';
import { CodeField } from '../components/CodeField';
import { useFocusOnMount } from '../components/focus';
import { ErrorAlert } from '../components/Messages';
import { Screen } from '../components/Screen';
import { UserIdField } from '../components/UserIdField';
import type { FlowMessage } from '../flow/sign-in-flow';
import { TargetChooser } from './TargetChooser';

interface PasswordResetScreenProps {
  initialUsername: string;
  /** Back to the login form, with a message. */
  onDone(username: string, message: FlowMessage): void;
  onCancel(username: string): void;
}

type Step =
  | { step: 'who' }
  | { step: 'where'; started: PasswordResetStarted }
  | { step: 'code'; started: PasswordResetStarted; target: DeliveryTarget; sent: CodeSent }
  | { step: 'password'; started: PasswordResetStarted };

/** The reset is over for good on these; the user starts again, told why. */
const ENDS_RESET: Readonly<Record<string, string>> = {
  [ErrorCode.challengeExpired]: 'This password reset has expired. Please start again.',
  [ErrorCode.tooManyAttempts]: 'Too many wrong codes for this password reset. Please start again.',
};

export const PASSWORD_CHANGED =
  'Your password was changed, and every other session was signed out. Sign in with your new password.';

export function PasswordResetScreen({ initialUsername, onDone, onCancel }: PasswordResetScreenProps) {
  const [username, setUsername] = useState(initialUsername);
  const [state, setState] = useState<Step>({ step: 'who' });
  const [failure, setFailure] = useState<string>();

  function fail(apiFailure: ApiFailure) {
    const ended = ENDS_RESET[apiFailure.error];
    if (ended) {
      setState({ step: 'who' });
      setFailure(ended);
      return;
    }
    setFailure(apiFailure.message);
  }
  const go = (next: Step) => {
    setFailure(undefined);
    setState(next);
  };
  const back = () => onCancel(username.trim());

  switch (state.step) {
    case 'who':
      return (
        <WhoStep
          username={username}
          onUsername={setUsername}
          failure={failure}
          onStarted={(started) => go({ step: 'where', started })}
          onFailure={fail}
          onCancel={back}
        />
      );
    case 'where':
      return (
        <WhereStep
          started={state.started}
          failure={failure}
          onSent={(target, sent) => go({ step: 'code', started: state.started, target, sent })}
          onFailure={fail}
          onCancel={back}
        />
      );
    case 'code':
      return (
        <CodeStep
          resetId={state.started.resetId}
          target={state.target}
          failure={failure}
          onVerified={() => go({ step: 'password', started: state.started })}
          onAnotherCode={() => go({ step: 'where', started: state.started })}
          onFailure={fail}
          onCancel={back}
        />
      );
    case 'password':
      return (
        <PasswordStep
          resetId={state.started.resetId}
          failure={failure}
          onChanged={() => onDone(username.trim(), { kind: 'status', text: PASSWORD_CHANGED })}
          onFailure={fail}
          onMismatch={setFailure}
          onCancel={back}
        />
      );
  }
}

interface StepProps {
  failure: string | undefined;
  onFailure(apiFailure: ApiFailure): void;
  onCancel(): void;
}

function CancelButton({ onCancel }: Pick<StepProps, 'onCancel'>) {
  return (
    <button type="button" className="link" onClick={onCancel}>
      Back to login
    </button>
  );
}

function WhoStep({
  username,
  onUsername,
  failure,
  onStarted,
  onFailure,
  onCancel,
}: StepProps & {
  username: string;
  onUsername(value: string): void;
  onStarted(s: PasswordResetStarted): void;
}) {
  const start = useStartPasswordReset();
  const field = useFocusOnMount<HTMLInputElement>();
  const [missing, setMissing] = useState(false);
  function submit(event: FormEvent) {
    event.preventDefault();
    if (start.isPending) return;
    const userId = username.trim();
    setMissing(!userId);
    if (!userId) {
      field.current?.focus();
      return;
    }
    start.mutate(userId, { onSuccess: onStarted, onError: onFailure });
  }
  return (
    <Screen title="Reset your password">
      <p>Enter your User ID. We will send a code to the cell phone or email on your account.</p>
      <form className="stack" onSubmit={submit} noValidate aria-busy={start.isPending}>
        <UserIdField id="reset-username" inputRef={field} value={username} onChange={onUsername} />
        <ErrorAlert>{missing ? 'Enter your User ID.' : failure}</ErrorAlert>
        <button type="submit" className="primary">
          Continue
        </button>
      </form>
      <div className="actions">
        <CancelButton onCancel={onCancel} />
      </div>
    </Screen>
  );
}

function WhereStep({
  started,
  failure,
  onSent,
  onFailure,
  onCancel,
}: StepProps & { started: PasswordResetStarted; onSent(target: DeliveryTarget, sent: CodeSent): void }) {
  const send = useSendResetCode();
  const [selectedId, setSelectedId] = useState(started.targets[0]?.id);
  function submit() {
    const target = started.targets.find((candidate) => candidate.id === selectedId);
    if (!target || send.isPending) return;
    send.mutate(
      { resetId: started.resetId, targetId: target.id },
      { onSuccess: (sent) => onSent(target, sent), onError: onFailure },
    );
  }
  return (
    <Screen title="Where should we send your code?" focusHeading>
      <p>If you do not have these any more, your account manager will be available to assist you.</p>
      <TargetChooser
        targets={started.targets}
        selectedId={selectedId}
        onSelect={setSelectedId}
        native={false}
      />
      <ErrorAlert>{failure}</ErrorAlert>
      <div className="actions">
        <button type="button" className="primary" onClick={submit} aria-busy={send.isPending}>
          Send Code
        </button>
        <CancelButton onCancel={onCancel} />
      </div>
    </Screen>
  );
}

function CodeStep({
  resetId,
  target,
  failure,
  onVerified,
  onAnotherCode,
  onFailure,
  onCancel,
}: StepProps & { resetId: string; target: DeliveryTarget; onVerified(): void; onAnotherCode(): void }) {
  const verify = useVerifyResetCode();
  const [code, setCode] = useState('');
  const field = useFocusOnMount<HTMLInputElement>();
  function submit(event: FormEvent) {
    event.preventDefault();
    if (verify.isPending) return;
    verify.mutate(
      { resetId, code },
      {
        onSuccess: onVerified,
        onError: (apiFailure) => {
          setCode('');
          field.current?.focus();
          onFailure(apiFailure);
        },
      },
    );
  }
  return (
    <Screen title="Enter your reset code">
      <p>
        We sent a 6-digit code to <span className="masked">{target.masked}</span>. If none arrives, the User
        ID may be mistyped or have no cell phone or email on file: ask your account manager.
      </p>
      <form className="stack" onSubmit={submit} noValidate aria-busy={verify.isPending}>
        <CodeField id="reset-code" label="Reset code" inputRef={field} value={code} onDigits={setCode} />
        <ErrorAlert>{failure}</ErrorAlert>
        <button type="submit" className="primary">
          Verify Code
        </button>
      </form>
      <div className="actions">
        <button type="button" onClick={onAnotherCode}>
          Request another code
        </button>
        <CancelButton onCancel={onCancel} />
      </div>
    </Screen>
  );
}

function PasswordStep({
  resetId,
  failure,
  onChanged,
  onFailure,
  onMismatch,
  onCancel,
}: StepProps & { resetId: string; onChanged(): void; onMismatch(message: string): void }) {
  const setNew = useSetNewPassword();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const field = useFocusOnMount<HTMLInputElement>();
  function submit(event: FormEvent) {
    event.preventDefault();
    if (setNew.isPending) return;
    if (password !== confirm) {
      onMismatch('The two passwords are not the same. Type the new password twice.');
      return;
    }
    setNew.mutate({ resetId, password }, { onSuccess: onChanged, onError: onFailure });
  }
  return (
    <Screen title="Choose a new password">
      <p id="password-rule">
        Passwords are case-sensitive, 8 characters or longer, with letters and digits. Every session and
        remembered workstation will be signed out.
      </p>
      <form className="stack" onSubmit={submit} noValidate aria-busy={setNew.isPending}>
        <div className="field">
          <label htmlFor="new-password">New password</label>
          <input
            id="new-password"
            ref={field}
            type="password"
            autoComplete="new-password"
            aria-describedby="password-rule"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="confirm-password">Type it again</label>
          <input
            id="confirm-password"
            type="password"
            autoComplete="new-password"
            value={confirm}
            onChange={(event) => setConfirm(event.target.value)}
          />
        </div>
        <ErrorAlert>{failure}</ErrorAlert>
        <button type="submit" className="primary">
          Set Password
        </button>
      </form>
      <div className="actions">
        <CancelButton onCancel={onCancel} />
      </div>
    </Screen>
  );
}
