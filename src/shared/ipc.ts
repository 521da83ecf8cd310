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

/** The verification server the client talks to, and where that choice came from. */
export const ServerInUse = z.object({ url: z.string().url(), source: ServerSource });
export type ServerInUse = z.infer<typeof ServerInUse>;

/**
 * Why there is no server to talk to. The renderer then shows the "ask IT" screen instead of the sign-in.
 *   managed_settings_unreadable  IT's settings are there but could not be read: the client will not guess;
 *   managed_server_missing       IT manages this computer but sets no serverUrl (and no built-in server);
 *   managed_server_invalid       IT's serverUrl was ignored as not valid;
 *   no_server_configured         an installed client with no server set anywhere (and no built-in server).
 */
export const ServerProblemCode = z.enum([
  'managed_settings_unreadable',
  'managed_server_missing',
  'managed_server_invalid',
  'no_server_configured',
]);
export type ServerProblemCode = z.infer<typeof ServerProblemCode>;

/** `message` is for IT (which source, which setting, why); the screen words it for staff from `error`. */
export const ServerProblem = z.object({ error: ServerProblemCode, message: z.string().max(1000) });
export type ServerProblem = z.infer<typeof ServerProblem>;

export const ServerInfo = z.union([ServerInUse, z.object({ problem: ServerProblem })]);
export type ServerInfo = z.infer<typeof ServerInfo>;

/** For the About panel: this build's version, and whether it is installed (packaged) or a development run. */
export const AppInfo = z.object({ version: z.string().min(1).max(64), installed: z.boolean() });
export type AppInfo = z.infer<typeof AppInfo>;

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
  getAppInfo: { channel: 'app:info', input: z.void(), output: AppInfo },
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
  /**
   * The practice application this client opens after the location step, by its name for staff; null when
   * there is none (no practiceAppUrl, or no server), and the signed-in screen stays as it is.
   */
  getPracticeApp: {
    channel: 'practice:info',
    input: z.void(),
    output: z.object({ name: z.string().min(1).max(60) }).nullable(),
  },
  /**
   * After the location step: show IT's practice application in the window, signed in by this session (main
   * keeps the token in memory to ask the server for tickets; no page ever gets it). `opened: false` when IT
   * set no practiceAppUrl or there is no server: the renderer keeps its own signed-in screen.
   */
  openPracticeApp: {
    channel: 'practice:open',
    input: z.object({
      sessionToken: z.string().min(1).max(512),
      locationId: z.string().min(1).max(64).nullable(),
    }),
    output: z.object({ opened: z.boolean() }),
  },
  /**
   * Take the practice application out of sight: `away` (the user opened WRSAuth's own screens; the sign-in
   * stays), `lock` (the lock ended the session: hidden until unlocked), `sign-out` (closed and its
   * partition's cookies and storage cleared).
   */
  hidePracticeApp: {
    channel: 'practice:hide',
    input: z.object({ reason: z.enum(['away', 'lock', 'sign-out']) }),
    output: z.void(),
  },
  /** When the user last typed or clicked in the practice application (epoch ms), for the idle lock. */
  getPracticeAppActivity: {
    channel: 'practice:activity',
    input: z.void(),
    output: z.object({ lastInputAt: z.number().nullable() }),
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
