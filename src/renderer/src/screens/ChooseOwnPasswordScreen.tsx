/**
 * After signing in with a temporary password from the account manager: the user chooses their own before
 * anything else (the server refuses every other signed-in route until then).
 */
import { type FormEvent, useState } from 'react';
import { useFocusOnMount } from '../components/focus';
import { ErrorAlert } from '../components/Messages';
import { PasswordField } from '../components/PasswordField';
import { meetsPasswordRule, PASSWORD_RULE } from '../components/password-rule';
import { Screen } from '../components/Screen';
import type { SignedInSession } from '../flow/sign-in-flow';
import { useChangePassword } from '../settings/settings-hooks';

interface ChooseOwnPasswordScreenProps {
  session: SignedInSession;
  onChosen(): void;
  onSignOut(): void;
  signingOut: boolean;
}

export function ChooseOwnPasswordScreen({
  session,
  onChosen,
  onSignOut,
  signingOut,
}: ChooseOwnPasswordScreenProps) {
  const change = useChangePassword(session.auth.sessionToken);
  const [temporary, setTemporary] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [failure, setFailure] = useState<string>();
  const firstField = useFocusOnMount<HTMLInputElement>();

  function submit(event: FormEvent) {
    event.preventDefault();
    if (change.isPending) return;
    if (!temporary) return setFailure('Enter the temporary password your account manager gave you.');
    if (!meetsPasswordRule(newPassword)) return setFailure(PASSWORD_RULE);
    if (newPassword !== repeat) return setFailure('The two new passwords are not the same.');
    if (newPassword === temporary) return setFailure('Choose a new password, not the temporary one.');
    setFailure(undefined);
    change.mutate(
      { currentPassword: temporary, newPassword },
      {
        // Nothing typed here outlives the screen, not even in react-query's mutation cache.
        onSettled: () => change.reset(),
        onSuccess: onChosen,
        onError: (error) => setFailure(error.message),
      },
    );
  }

  return (
    <Screen title="Choose your own password">
      <p id="own-password-why">
        Welcome, {session.auth.user.firstName || session.username}. You signed in with a temporary password
        from your account manager. Choose your own password to continue.
      </p>
      <form onSubmit={submit} noValidate aria-describedby="own-password-why">
        <PasswordField
          id="own-password-temporary"
          inputRef={firstField}
          label="Temporary password"
          value={temporary}
          onChange={setTemporary}
        />
        <PasswordField
          id="own-password-new"
          label="New password"
          autoComplete="new-password"
          value={newPassword}
          onChange={setNewPassword}
        />
        <PasswordField
          id="own-password-repeat"
          label="Type the new password again"
          autoComplete="new-password"
          value={repeat}
          onChange={setRepeat}
        />
        <p className="hint">{PASSWORD_RULE}</p>
        <ErrorAlert>{failure}</ErrorAlert>
        <button type="submit" disabled={change.isPending} aria-busy={change.isPending}>
          {change.isPending ? 'Saving…' : 'Save my password'}
        </button>
        <button type="button" className="link" onClick={onSignOut} disabled={signingOut}>
          Sign out
        </button>
      </form>
    </Screen>
  );
}
