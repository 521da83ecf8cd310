/** What every step of "Forgot your password?" gets from PasswordResetScreen. */
import type { ApiFailure } from '../../api/api-failure';

export interface StepProps {
  failure: string | undefined;
  /** When a send refused by a limit (429 with Retry-After) may be tried again, in epoch milliseconds. */
  retryUntil?: number;
  onFailure(apiFailure: ApiFailure): void;
  onCancel(): void;
}

export function CancelButton({ onCancel }: Pick<StepProps, 'onCancel'>) {
  return (
    <button type="button" className="link" onClick={onCancel}>
      Back to login
    </button>
  );
}

/** The one answer for a user who cannot reset their password here; the server's words for the same case. */
export const ASK_ACCOUNT_MANAGER = 'Ask your account manager to reset your password.';
