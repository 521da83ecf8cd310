/**
 * IT's managed settings as the renderer sees them (desktop client only; a browser has none). Asked of the
 * host again every few seconds, so a change IT makes applies without restarting the app.
 */
import { queryOptions, useQuery } from '@tanstack/react-query';
import type { ManagedSettingsInfo } from '../../../shared/managed-settings';
import { useBridge } from '../bridge/bridge-context';
import type { ClientBridge } from '../bridge/client-bridge';

export const NO_MANAGED_SETTINGS: ManagedSettingsInfo = {
  values: {},
  sources: {},
  managed: false,
  unreadable: [],
  ignored: [],
};

/** How often the renderer asks again; the main process itself rereads its sources on its own timer. */
export const MANAGED_REFRESH_MS = 15_000;

export const REMEMBER_TURNED_OFF = 'Your IT department has turned off remembering this workstation.';

export const managedQuery = (bridge: ClientBridge) =>
  queryOptions({
    queryKey: ['managed-settings'],
    // A host that cannot say is treated as managing nothing: the practice's own policy still applies.
    queryFn: async () => (await bridge.managedSettings?.().catch(() => undefined)) ?? NO_MANAGED_SETTINGS,
    refetchInterval: bridge.managedSettings ? MANAGED_REFRESH_MS : false,
    staleTime: MANAGED_REFRESH_MS,
  });

export function useManagedSettings(): ManagedSettingsInfo {
  return useQuery(managedQuery(useBridge())).data ?? NO_MANAGED_SETTINGS;
}
