import type { RefObject } from 'react';

export const CODE_LENGTH = 6;

/** The digits of typed or pasted text, at most six: "123 456" and "123-456" are both 123456. */
export const digitsOf = (text: string) => text.replace(/\D/g, '').slice(0, CODE_LENGTH);

interface CodeFieldProps {
  id: string;
  label: string;
  inputRef: RefObject<HTMLInputElement | null>;
  value: string;
  /** Called with the digits only. */
  onDigits(digits: string): void;
}

/** A one-time-code field: numeric keypad, the OS's code autofill, and digits only. */
export function CodeField({ id, label, inputRef, value, onDigits }: CodeFieldProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        ref={inputRef}
        className="code"
        name="code"
        autoComplete="one-time-code"
        inputMode="numeric"
        pattern="[0-9]*"
        maxLength={CODE_LENGTH}
        value={value}
        onChange={(event) => onDigits(digitsOf(event.target.value))}
        // A pasted "123 456" or "123-456" would lose its last digit to maxLength; take the digits instead.
        onPaste={(event) => {
          event.preventDefault();
          onDigits(digitsOf(event.clipboardData.getData('text')));
        }}
      />
    </div>
  );
}
