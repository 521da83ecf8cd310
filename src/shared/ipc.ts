/**
 * The IPC contract between the Electron main process and the renderer, written once. The preload exposes
 * exactly these functions as `window.wrsauth`; the main process validates every argument with these schemas
 * and answers only frames served from the app's own origin.
 */
import { z } from 'zod';
import { DeliveryTarget } from './api';
import { ManagedSettingsInfo } from './managed-settings';

export const APP_ORIGIN = 'app://wrsauth';

export const ServerSource = z.enum(['environment', 'managed', 'user', 'embedded']);
export type ServerSource = z.infer<typeof ServerSource>;

export const ServerInfo = z.object({ url: z.string().url(), source: ServerSource });
export type ServerInfo = z.infer<typeof ServerInfo>;

export const KeychainStatus = z.object({
  available: z.boolean(),
  /** One line for the user when the keychain is unavailable, e.g. "No Secret Service is running". */
  reason: z.string().optional(),
});
export type KeychainStatus = z.infer<typeof KeychainStatus>;

const Username = z.string().trim().min(1).max(128);

/** A workstation's name as the server keeps it for a remembered workstation (see VerifyCodeRequest). */
export const DeviceName = z.string().trim().min(1).max(100);

export const ipcContract = {
  getServerInfo: { channel: 'server:info', input: z.void(), output: ServerInfo },
  getKeychainStatus: { channel: 'keychain:status', input: z.void(), output: KeychainStatus },
  loadDeviceToken: {
    channel: 'keychain:load',
    input: z.object({ username: Username }),
    output: z.string().nullable(),
  },
  saveDeviceToken: {
    channel: 'keychain:save',
    input: z.object({ username: Username, token: z.string().min(1).max(512) }),
    output: z.void(),
  },
  forgetDeviceToken: {
    channel: 'keychain:forget',
    input: z.object({ username: Username }),
    output: z.void(),
  },
  /** This computer's name, sent when remembering it so the practice can tell its workstations apart. */
  getDeviceName: { channel: 'device:name', input: z.void(), output: DeviceName },
  /** IT's managed settings in force and where each came from, for the About panel and the policies they set. */
  getManagedSettings: { channel: 'managed:settings', input: z.void(), output: ManagedSettingsInfo },
  /** The native target chooser; null when the user cancels. */
  chooseTarget: {
    channel: 'dialog:choose-target',
    input: z.object({ targets: z.array(DeliveryTarget).min(1).max(10) }),
    output: z.string().nullable(),
  },
} as const;

export type IpcContract = typeof ipcContract;
export type IpcName = keyof IpcContract;

/** The object the preload exposes as `window.wrsauth`: one named, typed function per contract entry. */
export type DesktopApi = {
  [K in IpcName]: z.input<IpcContract[K]['input']> extends undefined
    ? () => Promise<z.output<IpcContract[K]['output']>>
    : (input: z.input<IpcContract[K]['input']>) => Promise<z.output<IpcContract[K]['output']>>;
};
