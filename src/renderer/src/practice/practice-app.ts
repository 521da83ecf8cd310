/**
 * The desktop client's practice application (IT's practiceAppUrl): whether SignedInScreen hands the window
 * to it, and the name staff see. Opening, hiding and closing go through the bridge to the main process,
 * which holds the view; the session token goes there too, and never to the application's pages.
 */
import { useEffect, useState } from 'react';
import { useBridge } from '../bridge/bridge-context';
import { useManagedSettings } from '../managed/managed-settings';

/** What staff read when IT named no application. */
export const DEFAULT_PRACTICE_APP_NAME = 'the practice application';

/** `off`: none (or a browser), the signed-in screen as ever; `opening`, then `open`: the view is up. */
export type PracticeAppStatus = 'off' | 'opening' | 'open';

export interface PracticeAppState {
  status: PracticeAppStatus;
  name: string;
}

/**
 * Opens the practice application for this sign-in while `shown`, and hides it (the sign-in kept) while
 * not, e.g. on My settings. Leaving the signed-in screens is SignInFlow's to handle.
 */
export function usePracticeApp(
  sessionToken: string,
  locationId: string | null,
  shown: boolean,
): PracticeAppState {
  const host = useBridge().practiceApp;
  const { practiceAppUrl, practiceAppName } = useManagedSettings().values;
  const configured = host !== undefined && practiceAppUrl !== undefined;
  const [status, setStatus] = useState<PracticeAppStatus>(configured ? 'opening' : 'off');

  useEffect(() => {
    if (!configured || !host) {
      setStatus('off');
      return;
    }
    if (!shown) {
      void host.hide('away').catch(() => undefined);
      return;
    }
    let current = true;
    setStatus((before) => (before === 'open' ? 'open' : 'opening'));
    host.open({ sessionToken, locationId }).then(
      (opened) => current && setStatus(opened ? 'open' : 'off'),
      () => current && setStatus('off'),
    );
    return () => {
      current = false;
    };
    // IT pointing at another application reloads the whole window (main's onManagedChange).
  }, [configured, host, shown, sessionToken, locationId]);

  return { status: configured ? status : 'off', name: practiceAppName ?? DEFAULT_PRACTICE_APP_NAME };
}
