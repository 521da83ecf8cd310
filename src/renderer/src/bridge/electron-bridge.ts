/** The bridge inside Electron: thin wrappers over the preload's `window.wrsauth` (see src/shared/ipc.ts). */
import type { DesktopApi } from '../../../shared/ipc';
import type { ClientBridge } from './client-bridge';

declare global {
  interface Window {
    /** Exposed by the preload in the desktop client only. */
    wrsauth?: DesktopApi;
  }
}

export function createElectronBridge(desktop: DesktopApi): ClientBridge {
  return {
    kind: 'electron',
    serverInfo: () => desktop.getServerInfo(),
    keychainStatus: () => desktop.getKeychainStatus(),
    loadDeviceToken: (username) => desktop.loadDeviceToken({ username }),
    saveDeviceToken: (username, token) => desktop.saveDeviceToken({ username, token }),
    forgetDeviceToken: (username) => desktop.forgetDeviceToken({ username }),
    deviceName: () => desktop.getDeviceName(),
    chooseTarget: (targets) => desktop.chooseTarget({ targets }),
    managedSettings: () => desktop.getManagedSettings(),
    appInfo: () => desktop.getAppInfo(),
    practiceApp: {
      describe: () => desktop.getPracticeApp(),
      open: async (signIn) => (await desktop.openPracticeApp(signIn)).opened,
      hide: (reason) => desktop.hidePracticeApp({ reason }),
      lastInputAt: async () => (await desktop.getPracticeAppActivity()).lastInputAt,
    },
  };
}
