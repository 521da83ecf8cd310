import { Countdown } from '../components/Countdown';
import { ErrorAlert } from '../components/Messages';
import type { LoginFailureView } from './login-failure';

/** Why a password was refused, and for a lock or rate limit, a live countdown to the next try. */
export function LoginFailureMessage({ failure }: { failure: LoginFailureView | undefined }) {
  return (
    <>
      <ErrorAlert>{failure?.text}</ErrorAlert>
      {failure?.retryUntil && (
        <Countdown until={failure.retryUntil} done="You can try again now.">
          {(remaining) => `You can try again in ${remaining}.`}
        </Countdown>
      )}
    </>
  );
}
