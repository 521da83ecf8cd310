import type { RefObject } from 'react';

interface PasswordFieldProps {
  id: string;
  inputRef: RefObject<HTMLInputElement | null>;
  value: string;
  onChange(value: string): void;
}

/** The "Password" field of the login and lock screens. */
export function PasswordField({ id, inputRef, value, onChange }: PasswordFieldProps) {
  return (
    <div className="field">
      <label htmlFor={id}>Password</label>
      <input
        id={id}
        ref={inputRef}
        name="password"
        type="password"
        autoComplete="current-password"
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}
