/**
 * The bridge in a plain browser tab. The verification server serves this page, so the server is where the
 * page is: its origin and folder (a server behind a reverse-proxy path keeps that path). A browser has no
 * OS keychain we may use (the token must never sit in localStorage), so there is no remember-workstation
 * option, and the targets are chosen from an in-page list.
 */
import { normalizeServerUrl } from '../../../shared/server-url';
import type { ClientBridge } from './client-bridge';

export const WEB_KEYCHAIN_REASON = 'This browser cannot keep a workstation token; sign-in still works.';

/**
 * The server that served a page: https://host/wrsauth/index.html gives https://host/wrsauth. An
 * application's login prompt, https://host/oidc-interaction/<uid>, is served one folder down: its server is
 * https://host.
 */
export function pageServerUrl(pageUrl: string): string {
  const page = new URL(pageUrl);
  const prompt = /\/oidc-interaction\/[^/]+$/.exec(page.pathname);
  if (prompt) return normalizeServerUrl(new URL(`${page.pathname.slice(0, prompt.index)}/`, page));
  return normalizeServerUrl(new URL('.', pageUrl));
}

export function createWebBridge(serverUrl: string = pageServerUrl(window.location.href)): ClientBridge {
  return {
    kind: 'web',
    serverInfo: async () => ({ url: serverUrl, source: 'origin' }),
    keychainStatus: async () => ({ available: false, reason: WEB_KEYCHAIN_REASON }),
    loadDeviceToken: async () => null,
    saveDeviceToken: async () => {},
    forgetDeviceToken: async () => {},
  };
}
