/**
 * The desktop client's practice application (IT's practiceAppUrl): whether SignedInScreen hands the window
 * to it, and the name staff see. The main process decides (IT's settings, the server in use) and holds the
 * view; opening, hiding and closing go to it through the bridge, and so does the session token, which
 * never reaches the application's pages.
 */
import { queryOptions, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useBridge } from '../bridge/bridge-context';
import type { PracticeAppHost } from '../bridge/client-bridge';
import { MANAGED_REFRESH_MS } from '../managed/managed-settings';

/** `off`: none (or a browser), the signed-in screen as ever; `opening`, then `open`: the view is up. */
export type PracticeAppStatus = 'off' | 'opening' | 'open';

export interface PracticeAppState {
  status: PracticeAppStatus;
  name: string;
}

const practiceAppQuery = (host: PracticeAppHost | undefined) =>
  queryOptions({
    queryKey: ['practice-app'],
    // A host that cannot say opens nothing: the signed-in screen as ever.
    queryFn: async () => (await host?.describe().catch(() => null)) ?? null,
    // Asked again like the managed settings it comes from.
    refetchInterval: host ? MANAGED_REFRESH_MS : false,
    staleTime: MANAGED_REFRESH_MS,
  });

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
  const described = useQuery(practiceAppQuery(host)).data ?? null;
  const configured = host !== undefined && described !== null;
  const [status, setStatus] = useState<PracticeAppStatus>('opening');

  useEffect(() => {
    if (!configured || !host) return;
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
  }, [configured, host, shown, sessionToken, locationId]);

  return { status: configured ? status : 'off', name: described?.name ?? '' };
}
