/**
 * "Current password" before a security change in My settings (setting up or removing the authenticator app,
 * new recovery codes, removing a contact): the field, focused, its failure and the two buttons. Nothing is
 * sent without a password; what the password is for is the caller's.
 */
import { type FormEvent, type ReactNode, useState } from 'react';
import { useFocusOnMount } from '../components/focus';
import { ErrorAlert } from '../components/Messages';
import { PasswordField } from '../components/PasswordField';

interface CurrentPasswordStepProps {
  id: string;
  /** What the password is asked for, above the field. */
  intro?: ReactNode;
  submitLabel: string;
  busy: boolean;
  failure: string | undefined;
  onFailure(message: string): void;
  /** Called with the typed password; `again` empties the field and focuses it for another try. */
  onSubmit(password: string, again: () => void): void;
  onCancel(): void;
}

export function CurrentPasswordStep({
  id,
  intro,
  submitLabel,
  busy,
  failure,
  onFailure,
  onSubmit,
  onCancel,
}: CurrentPasswordStepProps) {
  const field = useFocusOnMount<HTMLInputElement>();
  const [password, setPassword] = useState('');
  function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    if (!password) {
      onFailure('Enter your current password.');
      field.current?.focus();
      return;
    }
    onSubmit(password, () => {
      setPassword('');
      field.current?.focus();
    });
  }
  return (
    <form onSubmit={submit} noValidate>
      {intro}
      <PasswordField
        id={id}
        inputRef={field}
        label="Current password"
        value={password}
        onChange={setPassword}
      />
      <ErrorAlert>{failure}</ErrorAlert>
      <div className="actions">
        <button type="submit" className="primary" aria-busy={busy}>
          {submitLabel}
        </button>
        <button type="button" className="link" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
