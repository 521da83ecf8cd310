import type { RefObject } from 'react';

interface UserIdFieldProps {
  id: string;
  inputRef: RefObject<HTMLInputElement | null>;
  value: string;
  onChange(value: string): void;
}

/** The "User ID" field of the login and password-reset screens: no autocapitalising or spell checking. */
export function UserIdField({ id, inputRef, value, onChange }: UserIdFieldProps) {
  return (
    <div className="field">
      <label htmlFor={id}>User ID</label>
      <input
        id={id}
        ref={inputRef}
        name="username"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}
