/**
 * The bridge in a plain browser tab. The verification server serves this page, so the server is the page's
 * own origin. A browser has no OS keychain we may use (the token must never sit in localStorage), so there
 * is no remember-workstation option, and the targets are chosen from an in-page list.
 */
import type { ClientBridge } from './client-bridge';

export const WEB_KEYCHAIN_REASON = 'This browser cannot keep a workstation token; sign-in still works.';

export function createWebBridge(origin: string = window.location.origin): ClientBridge {
  return {
    kind: 'web',
    serverInfo: async () => ({ url: origin, source: 'origin' }),
    keychainStatus: async () => ({ available: false, reason: WEB_KEYCHAIN_REASON }),
    loadDeviceToken: async () => null,
    saveDeviceToken: async () => {},
    forgetDeviceToken: async () => {},
  };
}
