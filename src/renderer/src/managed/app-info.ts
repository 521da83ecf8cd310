/** This build as the About panel shows it: its version, and whether it is installed or a development run. */
import { queryOptions, useQuery } from '@tanstack/react-query';
import type { AppInfo } from '../../../shared/ipc';
import { useBridge } from '../bridge/bridge-context';
import type { ClientBridge } from '../bridge/client-bridge';

export const appInfoQuery = (bridge: ClientBridge) =>
  queryOptions({
    queryKey: ['app-info'],
    queryFn: async (): Promise<AppInfo | null> => (await bridge.appInfo?.().catch(() => null)) ?? null,
    staleTime: Number.POSITIVE_INFINITY,
  });

/** null until known, or where the host cannot say (a browser). */
export function useAppInfo(): AppInfo | null {
  return useQuery(appInfoQuery(useBridge())).data ?? null;
}
