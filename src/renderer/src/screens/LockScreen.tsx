import { type FormEvent, useState } from 'react';
import type { Location, LoginResponse } from '../../../shared/api';
import { useLogin } from '../api/hooks';
import { useFocusOnMount } from '../components/focus';
import { PasswordField } from '../components/PasswordField';
import { Screen } from '../components/Screen';
import type { SignedInSession } from '../flow/sign-in-flow';
import { displayName } from './display-name';
import { LoginFailureMessage } from './LoginFailureMessage';
import { type LoginFailureView, loginFailureView } from './login-failure';

interface LockScreenProps {
  session: SignedInSession;
  location: Location | null;
  /** The password was right: a new session, or a code challenge to run again. */
  onUnlocked(response: LoginResponse): void;
  onSignOut(): void;
}

/**
 * The front desk's automatic logoff. The session already ended on the server; the password (and the
 * remembered workstation, or a code) starts a new one for the same user.
 */
export function LockScreen({ session, location, onUnlocked, onSignOut }: LockScreenProps) {
  const login = useLogin();
  const [password, setPassword] = useState('');
  const [failure, setFailure] = useState<LoginFailureView>();
  const passwordField = useFocusOnMount<HTMLInputElement>();
  const { username, auth } = session;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (login.isPending) return;
    if (!password) {
      setFailure({ text: 'Enter your password.' });
      return;
    }
    login.mutate(
      { username, password },
      {
        onSuccess: onUnlocked,
        onError: (apiFailure) => {
          setFailure(loginFailureView(apiFailure));
          setPassword('');
          passwordField.current?.focus();
        },
      },
    );
  }

  return (
    <Screen title="Workstation locked">
      <p>
        {displayName(auth.user)} is signed in{location ? ` at ${location.name}` : ''}. Enter your password to
        continue.
      </p>
      <form className="stack" onSubmit={submit} noValidate aria-busy={login.isPending}>
        <PasswordField
          id="unlock-password"
          inputRef={passwordField}
          value={password}
          onChange={setPassword}
        />
        <LoginFailureMessage failure={failure} />
        <div className="actions">
          <button type="submit" className="primary">
            Unlock
          </button>
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </form>
    </Screen>
  );
}
