import { Countdown } from '../components/Countdown';
import { ErrorAlert } from '../components/Messages';
import { useManagedSettings } from '../managed/managed-settings';
import type { LoginFailureView } from './login-failure';

/**
 * Why a password was refused, and for a lock or rate limit, a live countdown to the next try. A locked-out
 * user also sees who to call, when IT has set a support contact.
 */
export function LoginFailureMessage({ failure }: { failure: LoginFailureView | undefined }) {
  const supportContact = useManagedSettings().values.supportContact;
  return (
    <>
      <ErrorAlert>{failure?.text}</ErrorAlert>
      {failure?.retryUntil && (
        <Countdown until={failure.retryUntil} done="You can try again now.">
          {(remaining) => `You can try again in ${remaining}.`}
        </Countdown>
      )}
      {failure?.locked && supportContact && (
        <p className="support-contact">Need help now? Contact {supportContact}.</p>
      )}
    </>
  );
}
