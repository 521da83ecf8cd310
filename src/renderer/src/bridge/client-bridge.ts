/**
 * What the renderer needs from its host, whether Electron (through the preload) or a plain browser tab.
 * Screens never touch `window.wrsauth` directly; they ask for the bridge from context.
 */
import type { DeliveryTarget } from '../../../shared/api';
import type { AppInfo, KeychainStatus, ServerProblem, ServerSource } from '../../../shared/ipc';
import type { ManagedSettingsInfo } from '../../../shared/managed-settings';

/**
 * Where the server address came from. The desktop client reports one of the shared `ServerSource` values;
 * the web client is served by the verification server itself, so its server is the page's own origin.
 */
export type ClientServerSource = ServerSource | 'origin';

export interface ClientServerInfo {
  url: string;
  source: ClientServerSource;
}

/** No server to talk to, and why: the desktop client's main process decided (the "ask IT" screen). */
export interface NoServer {
  problem: ServerProblem;
}

/** Why the practice application leaves the screen (see the IPC contract's hidePracticeApp). */
export type PracticeAppHideReason = 'away' | 'lock' | 'sign-out';

/** IT's practice application in the desktop window, opened with the client's own sign-in. */
export interface PracticeAppHost {
  /** The application this client opens after the location step, by name; null: none. */
  describe(): Promise<{ name: string } | null>;
  /** Shows it, signed in by this session; false when IT set none (the signed-in screen stays). */
  open(signIn: { sessionToken: string; locationId: string | null }): Promise<boolean>;
  hide(reason: PracticeAppHideReason): Promise<void>;
  /** When the user last typed or clicked in it (epoch ms), or null: the idle lock counts that too. */
  lastInputAt(): Promise<number | null>;
}

export interface ClientBridge {
  readonly kind: 'electron' | 'web';
  serverInfo(): Promise<ClientServerInfo | NoServer>;
  keychainStatus(): Promise<KeychainStatus>;
  /** The remembered-workstation token for this user, or null. */
  loadDeviceToken(username: string): Promise<string | null>;
  saveDeviceToken(username: string, token: string): Promise<void>;
  forgetDeviceToken(username: string): Promise<void>;
  /**
   * This workstation's name, sent when it is remembered. Absent where nothing can be remembered (the web
   * client).
   */
  deviceName?: () => Promise<string>;
  /**
   * A native target chooser; the id of the chosen target, or null when the user cancels. Absent where
   * the page lists the targets itself (the web client).
   */
  chooseTarget?: (targets: DeliveryTarget[]) => Promise<string | null>;
  /** IT's managed settings and where each came from. Absent where nothing is managed (the web client). */
  managedSettings?: () => Promise<ManagedSettingsInfo>;
  /** This build's version and whether it is installed, for the About panel. Absent in the web client. */
  appInfo?: () => Promise<AppInfo>;
  /** The practice application in the window. Absent in the web client, which is a page itself. */
  practiceApp?: PracticeAppHost;
}
