import type { FactorView } from './factor-view';

/** Codes by email. */
export const EmailFactor: FactorView = {
  targetLabel: (masked) => `Email to ${masked}`,
  switchLabel: 'Send by email instead',
  Hint: ({ masked }) => (
    <p>
      We sent a 6-digit code by email to <span className="masked">{masked}</span>. If it is not in the inbox,
      check the junk or spam folder.
    </p>
  ),
};
