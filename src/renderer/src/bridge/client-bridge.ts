/**
 * What the renderer needs from its host, whether Electron (through the preload) or a plain browser tab.
 * Screens never touch `window.wrsauth` directly; they ask for the bridge from context.
 */
import type { DeliveryTarget } from '../../../shared/api';
import type { KeychainStatus, ServerSource } from '../../../shared/ipc';
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

export interface ClientBridge {
  readonly kind: 'electron' | 'web';
  serverInfo(): Promise<ClientServerInfo>;
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
}
