import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { LoginResponse } from '../../../shared/api';
import { useLogin } from '../api/hooks';
import { FlowNotice } from '../components/Messages';
import { PasswordField } from '../components/PasswordField';
import { Screen } from '../components/Screen';
import { UserIdField } from '../components/UserIdField';
import type { FlowMessage } from '../flow/sign-in-flow';
import { useOidcInteractionInfo } from '../oidc/interaction-context';
import { LoginFailureMessage } from './LoginFailureMessage';
import { type LoginFailureView, loginFailureView } from './login-failure';

interface LoginScreenProps {
  /** Kept when the flow sends the user back here (an expired code, too many attempts). */
  initialUsername: string;
  message?: FlowMessage;
  onLoggedIn(username: string, response: LoginResponse): void;
  /** "Forgot your password?": a code to a verified contact, then a new password. */
  onForgotPassword(username: string): void;
}

export function LoginScreen({ initialUsername, message, onLoggedIn, onForgotPassword }: LoginScreenProps) {
  const login = useLogin();
  // An application's login prompt whose application asked for a second factor asks the server for a code.
  const requireSecondFactor = useOidcInteractionInfo()?.secondFactorRequired === true;
  const [username, setUsername] = useState(initialUsername);
  const [password, setPassword] = useState('');
  const [failure, setFailure] = useState<LoginFailureView>();
  const [showCarriedMessage, setShowCarriedMessage] = useState(true);
  const usernameField = useRef<HTMLInputElement>(null);
  const passwordField = useRef<HTMLInputElement>(null);
  // The first empty field: the password when the flow brought the user back with their User ID.
  const [firstField] = useState(() => (initialUsername ? passwordField : usernameField));
  useEffect(() => {
    firstField.current?.focus();
  }, [firstField]);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (login.isPending) return;
    setShowCarriedMessage(false);
    const userId = username.trim();
    if (!userId || !password) {
      setFailure({ text: 'Enter your User ID and password.' });
      (userId ? passwordField : usernameField).current?.focus();
      return;
    }
    login.mutate(
      { username: userId, password, requireSecondFactor },
      {
        onSuccess: (response) => onLoggedIn(userId, response),
        onError: (apiFailure) => {
          setFailure(loginFailureView(apiFailure));
          setPassword('');
          passwordField.current?.focus();
        },
      },
    );
  }

  return (
    <Screen title="Practice Secure Login">
      {showCarriedMessage && <FlowNotice message={message} />}
      <form className="stack" onSubmit={submit} noValidate aria-busy={login.isPending}>
        <UserIdField id="login-username" inputRef={usernameField} value={username} onChange={setUsername} />
        <PasswordField id="login-password" inputRef={passwordField} value={password} onChange={setPassword} />
        <LoginFailureMessage failure={failure} />
        <button type="submit" className="primary">
          Login
        </button>
      </form>
      <p>
        {/* biome-ignore lint/a11y/useValidAnchor: the seed's words call it a link, and it leads to the reset screens. */}
        <a
          href="#reset-password"
          onClick={(event) => {
            event.preventDefault();
            onForgotPassword(username.trim());
          }}
        >
          Forgot your password?
        </a>
      </p>
    </Screen>
  );
}
