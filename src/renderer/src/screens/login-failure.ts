import { ErrorCode } from '../../../shared/error-code';
import type { ApiFailure } from '../api/api-failure';

export interface LoginFailureView {
  text: string;
  /** Epoch milliseconds until which trying again is pointless (a lock, a rate limit, a busy server). */
  retryUntil?: number;
  /** The account is locked out: the screen names who to call when IT has set a support contact. */
  locked?: boolean;
}

const WAITS: readonly string[] = [ErrorCode.accountLocked, ErrorCode.rateLimited, ErrorCode.serverBusy];

/**
 * What to tell the user after a failed password check. The server's message is written for people
 * (invalid_credentials, enrollment_required, account_locked…), so it is shown as is.
 */
export function loginFailureView(failure: ApiFailure, now: number = Date.now()): LoginFailureView {
  const text = failure.message || 'Sign-in failed. Please try again.';
  const wait = WAITS.includes(failure.error) && failure.retryAfter ? failure.retryAfter : 0;
  const view: LoginFailureView = wait > 0 ? { text, retryUntil: now + wait * 1000 } : { text };
  if (failure.error === ErrorCode.accountLocked) view.locked = true;
  return view;
}
