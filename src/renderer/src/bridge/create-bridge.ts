import type { ClientBridge } from './client-bridge';
import { createElectronBridge } from './electron-bridge';
import { createWebBridge, pageServerUrl } from './web-bridge';

/** Electron when the preload exposed `window.wrsauth`, otherwise the browser. */
export function createBridge(host: Window = window): ClientBridge {
  return host.wrsauth
    ? createElectronBridge(host.wrsauth)
    : createWebBridge(pageServerUrl(host.location.href));
}
