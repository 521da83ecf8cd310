/** A ClientBridge for tests: a plain object that records every call. */

import type {
  ClientBridge,
  ClientServerInfo,
  NoServer,
} from '../../../src/renderer/src/bridge/client-bridge';
import type { DeliveryTarget } from '../../../src/shared/api';
import type { AppInfo, KeychainStatus } from '../../../src/shared/ipc';
import type { ManagedSettingsInfo } from '../../../src/shared/managed-settings';
import { SERVER_URL } from './fake-auth-server';

export interface FakeBridgeOptions {
  kind?: 'web' | 'electron';
  keychain?: KeychainStatus;
  /** The server in use, or (Electron) why there is none. */
  server?: ClientServerInfo | NoServer;
  /** Electron only: this workstation's name, as the main process would answer it. */
  deviceName?: string;
  /** Electron only: what the native dialog answers (a target id, or null for Cancel). */
  choose?: (targets: DeliveryTarget[]) => string | null;
  /** Electron only: IT's managed settings, as the main process would answer them (asked at every call). */
  managed?: () => ManagedSettingsInfo;
  /** Electron only: this build's version and whether it is installed. */
  app?: AppInfo;
  /** Electron only: when the user last used the practice application (epoch ms), as main would answer. */
  practiceLastInputAt?: () => number | null;
}

export interface FakeBridge extends ClientBridge {
  /** The keychain: username → device token. */
  readonly tokens: Map<string, string>;
  readonly calls: {
    loadDeviceToken: string[];
    saveDeviceToken: Array<{ username: string; token: string }>;
    forgetDeviceToken: string[];
    chooseTarget: DeliveryTarget[][];
    deviceName: number;
    /** The practice application: each open (its sign-in) and hide (its reason), in order. */
    practiceApp: Array<{ open: { sessionToken: string; locationId: string | null } } | { hide: string }>;
  };
}

export function createFakeBridge(options: FakeBridgeOptions = {}): FakeBridge {
  const kind = options.kind ?? 'web';
  const keychain = options.keychain ?? { available: true };
  const tokens = new Map<string, string>();
  const calls: FakeBridge['calls'] = {
    loadDeviceToken: [],
    saveDeviceToken: [],
    forgetDeviceToken: [],
    chooseTarget: [],
    deviceName: 0,
    practiceApp: [],
  };
  const bridge: FakeBridge = {
    kind,
    tokens,
    calls,
    serverInfo: async () => options.server ?? { url: SERVER_URL, source: 'environment' },
    keychainStatus: async () => keychain,
    loadDeviceToken: async (username) => {
      calls.loadDeviceToken.push(username);
      return keychain.available ? (tokens.get(username) ?? null) : null;
    },
    saveDeviceToken: async (username, token) => {
      calls.saveDeviceToken.push({ username, token });
      tokens.set(username, token);
    },
    forgetDeviceToken: async (username) => {
      calls.forgetDeviceToken.push(username);
      tokens.delete(username);
    },
  };
  if (kind === 'electron') {
    const name = options.deviceName ?? 'FRONT-DESK-1';
    bridge.deviceName = async () => {
      calls.deviceName += 1;
      return name;
    };
    const choose = options.choose ?? ((targets: DeliveryTarget[]) => targets[0]?.id ?? null);
    bridge.chooseTarget = async (targets) => {
      calls.chooseTarget.push(targets);
      return choose(targets);
    };
    const managed = options.managed;
    if (managed) bridge.managedSettings = async () => managed();
    const app = options.app;
    if (app) bridge.appInfo = async () => app;
    // As main answers: opened only when IT set a practice application.
    bridge.practiceApp = {
      describe: async () => {
        const values = managed?.().values ?? {};
        if (values.practiceAppUrl === undefined) return null;
        return { name: values.practiceAppName ?? 'the practice application' };
      },
      open: async (signIn) => {
        calls.practiceApp.push({ open: signIn });
        return managed?.().values.practiceAppUrl !== undefined;
      },
      hide: async (reason) => {
        calls.practiceApp.push({ hide: reason });
      },
      lastInputAt: async () => options.practiceLastInputAt?.() ?? null,
    };
  }
  return bridge;
}
