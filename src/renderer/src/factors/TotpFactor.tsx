import type { FactorView } from './factor-view';

/** Codes from the user's authenticator app: nothing is sent. */
export const TotpFactor: FactorView = {
  targetLabel: () => 'Authenticator app',
  switchLabel: 'Use the authenticator app instead',
  Hint: () => <p>Enter the 6-digit code your authenticator app shows now.</p>,
};
