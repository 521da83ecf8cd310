import type { RefObject } from 'react';

interface PasswordFieldProps {
  id: string;
  inputRef?: RefObject<HTMLInputElement | null>;
  value: string;
  onChange(value: string): void;
  /** "Password" unless given (My settings: "Current password", "New password"). */
  label?: string;
  /** `new-password` for a password being chosen, so password managers offer to save it. */
  autoComplete?: 'current-password' | 'new-password';
}

/** A password field: the login and lock screens' "Password", and My settings' current and new ones. */
export function PasswordField({
  id,
  inputRef,
  value,
  onChange,
  label = 'Password',
  autoComplete = 'current-password',
}: PasswordFieldProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        ref={inputRef}
        name={autoComplete === 'new-password' ? `${id}-new` : 'password'}
        type="password"
        autoComplete={autoComplete}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}
