/**
 * The preload: exposes exactly one object, `window.wrsauth`, with one named function per entry of the IPC
 * contract. Never ipcRenderer itself. It runs sandboxed and is built as CommonJS, so: no top-level await,
 * no import.meta, and no runtime import but `electron` (the contract's zod schemas stay in the main process,
 * which does the validating; the channel names below are checked against the contract by the compiler).
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { DesktopApi, IpcContract, IpcName } from '../shared/ipc';

/** Must name every contract entry with its exact channel: a missing, extra or wrong one fails to compile. */
export const channels: { readonly [K in IpcName]: IpcContract[K]['channel'] } = {
  getServerInfo: 'server:info',
  getAppInfo: 'app:info',
  getKeychainStatus: 'keychain:status',
  loadDeviceToken: 'keychain:load',
  saveDeviceToken: 'keychain:save',
  forgetDeviceToken: 'keychain:forget',
  getDeviceName: 'device:name',
  getManagedSettings: 'managed:settings',
  chooseTarget: 'dialog:choose-target',
  getPracticeApp: 'practice:info',
  openPracticeApp: 'practice:open',
  hidePracticeApp: 'practice:hide',
  getPracticeAppActivity: 'practice:activity',
};

/** One function per contract entry, each a single `invoke` of its channel with its one argument. */
export const api = Object.fromEntries(
  Object.entries(channels).map(([name, channel]) => [
    name,
    (input?: unknown) => ipcRenderer.invoke(channel, input),
  ]),
) as DesktopApi;

contextBridge.exposeInMainWorld('wrsauth', api);
