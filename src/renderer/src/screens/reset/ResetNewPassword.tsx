/** The last step of "Forgot your password?": the new password, typed twice. */
import { type FormEvent, useState } from 'react';
import { useSetNewPassword } from '../../api/password-reset-hooks';
import { useFocusOnMount } from '../../components/focus';
import { ErrorAlert } from '../../components/Messages';
import { Screen } from '../../components/Screen';
import { CancelButton, type StepProps } from './step';

export function PasswordStep({
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
