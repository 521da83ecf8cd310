import { createContext, type ReactNode, useContext } from 'react';
import type { ClientBridge } from './client-bridge';

const BridgeContext = createContext<ClientBridge | null>(null);

export function BridgeProvider({ bridge, children }: { bridge: ClientBridge; children: ReactNode }) {
  return <BridgeContext.Provider value={bridge}>{children}</BridgeContext.Provider>;
}

export function useBridge(): ClientBridge {
  const bridge = useContext(BridgeContext);
  if (!bridge) throw new Error('useBridge needs a BridgeProvider');
  return bridge;
}
