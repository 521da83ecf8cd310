import { useEffect, useRef } from 'react';
import type { Location } from '../../../shared/api';
import { useCompleteOidcInteraction } from '../api/hooks';
import { Screen } from '../components/Screen';
import type { SignedInSession } from '../flow/sign-in-flow';
import type { OidcInteractionInfo } from '../oidc/interaction-context';

interface ReturningScreenProps {
  interaction: OidcInteractionInfo;
  session: SignedInSession;
  location: Location | null;
  onRestart(): void;
}

/** Only a same-origin next step: the provider's resume URL on this server, never anywhere else. */
function sameOrigin(url: string): URL | undefined {
  try {
    const next = new URL(url, window.location.origin);
    return next.origin === window.location.origin ? next : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The sign-in is done: hands it to the application's request (the session token goes in a header to this
 * server, nowhere else) and follows the server back to the application.
 */
export function ReturningScreen({ interaction, session, location, onRestart }: ReturningScreenProps) {
  const complete = useCompleteOidcInteraction();
  const sent = useRef(false);
  const { mutate } = complete;
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    mutate(
      { uid: interaction.uid, sessionToken: session.auth.sessionToken, locationId: location?.id ?? null },
      {
        onSuccess: ({ redirectTo }) => {
          const next = sameOrigin(redirectTo);
          if (next) window.location.assign(next.toString());
        },
      },
    );
  }, [mutate, interaction.uid, session, location]);

  return (
    <Screen title="Returning to the application" focusHeading>
      {complete.isError ? (
        <>
          <p className="alert" role="alert">
            {complete.error.message}
          </p>
          <button type="button" className="primary" onClick={onRestart}>
            Sign in again
          </button>
        </>
      ) : (
        <p className="status" role="status">
          Taking you back to {interaction.clientName}…
        </p>
      )}
    </Screen>
  );
}
