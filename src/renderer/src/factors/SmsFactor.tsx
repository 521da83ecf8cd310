import type { FactorView } from './factor-view';

/** Codes by text message. */
export const SmsFactor: FactorView = {
  targetLabel: (masked) => `Text message to ${masked}`,
  switchLabel: 'Send by text message instead',
  Hint: ({ masked }) => (
    <p>
      We sent a 6-digit code by text message to <span className="masked">{masked}</span>. Texts can take a
      minute to arrive.
    </p>
  ),
};
