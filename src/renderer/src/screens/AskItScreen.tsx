import type { ServerProblem, ServerProblemCode } from '../../../shared/ipc';
import { Screen } from '../components/Screen';
import { useManagedSettings } from '../managed/managed-settings';

/** What went wrong, in words for the front desk. The details below them are for IT. */
export const WHAT_HAPPENED: Record<ServerProblemCode, string> = {
  managed_settings_unreadable:
    'WRSAuth could not read the settings your IT department made for this computer, so it cannot tell ' +
    'which sign-in server is safe to use.',
  managed_server_missing:
    'Your IT department looks after WRSAuth on this computer, but has not set which sign-in server to use.',
  managed_server_invalid:
    'The sign-in server your IT department set for this computer is not a valid address.',
  no_server_configured: 'WRSAuth has not been set up with a sign-in server on this computer.',
};

/**
 * Instead of the sign-in, when there is no server WRSAuth may use (the main process decided why). It never
 * falls back to another server: a stranger's server would be handed passwords and codes.
 */
export function AskItScreen({ problem }: { problem: ServerProblem }) {
  const contact = useManagedSettings().values.supportContact;
  return (
    <Screen title="Ask your IT department to set up WRSAuth" focusHeading>
      <div className="alert" role="alert">
        <p>{WHAT_HAPPENED[problem.error]}</p>
        <p>You cannot sign in on this computer until this is fixed.</p>
      </div>
      <p>
        Please contact your IT department{contact ? ` (${contact})` : ''} and show them this screen. WRSAuth
        carries on by itself once they have fixed it, or after a restart.
      </p>
      <section aria-labelledby="ask-it-details">
        <h2 id="ask-it-details">Details for your IT department</h2>
        <p>
          <code>{problem.error}</code>: {problem.message}
        </p>
      </section>
    </Screen>
  );
}
