/**
 * The Electron main process: one instance, one window on app://wrsauth/, the verification server chosen
 * (or started) before the window opens, and IPC handlers grouped by concern.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, type BrowserWindow, dialog, protocol, session } from 'electron';
import type { ServerInfo } from '../shared/ipc';
import { createAppProtocolHandler } from './app-protocol';
import { type EmbeddedServer, startEmbeddedServer } from './embedded-server';
import * as deviceChannel from './ipc/device';
import * as dialogChannel from './ipc/dialog';
import * as keychainChannel from './ipc/keychain';
import * as serverInfoChannel from './ipc/server-info';
import {
  APP_SCHEME,
  buildContentSecurityPolicy,
  denyAllPermissions,
  devRendererUrl,
  hardenWebContents,
  trustDevRenderer,
} from './security';
import { selectServer, USER_SETTINGS_FILE_NAME } from './server-selection';
import { openTokenVault } from './token-vault';
import { createMainWindow } from './window';

// out/main/index.js → out/renderer and out/preload/index.cjs (electron-vite's layout).
const here = path.dirname(fileURLToPath(import.meta.url));
const RENDERER_ROOT = path.join(here, '../renderer');
const PRELOAD = path.join(here, '../preload/index.cjs');

/**
 * The bundled server's entry. Packaged, it is server/main.js inside app.asar (scripts/stage-app.mjs bundles
 * it; its native modules come from app.asar.unpacked); in development it is server/main.ts through tsx (see
 * embedded-server.ts about better-sqlite3 and Electron's ABI).
 */
function serverEntry(): { entry: string; execArgv: string[] } {
  if (app.isPackaged) return { entry: path.join(app.getAppPath(), 'server', 'main.js'), execArgv: [] };
  return { entry: path.join(app.getAppPath(), 'server', 'main.ts'), execArgv: ['--import', 'tsx'] };
}

// Before `ready`: app:// behaves like https (standard, secure) so 'self', fetch and storage work.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

// `npm run dev` serves the renderer from Vite on loopback; a packaged app always shows app://wrsauth.
const devRenderer = devRendererUrl(process.env, app.isPackaged);
trustDevRenderer(devRenderer);

let mainWindow: BrowserWindow | undefined;
let embedded: EmbeddedServer | undefined;

async function start(): Promise<void> {
  const choice = selectServer({
    env: process.env,
    platform: process.platform,
    userSettingsFile: path.join(app.getPath('userData'), USER_SETTINGS_FILE_NAME),
  });
  let serverInfo: ServerInfo;
  if (choice.source === 'embedded') {
    embedded = await startEmbeddedServer({ ...serverEntry(), userData: app.getPath('userData') });
    serverInfo = { url: embedded.url, source: 'embedded' };
  } else {
    serverInfo = choice;
  }

  denyAllPermissions(session.defaultSession);
  protocol.handle(
    APP_SCHEME,
    createAppProtocolHandler({
      root: RENDERER_ROOT,
      contentSecurityPolicy: buildContentSecurityPolicy(serverInfo.url),
    }),
  );

  serverInfoChannel.initialize(serverInfo);
  keychainChannel.initialize({ vault: await openTokenVault(), serverUrl: serverInfo.url });
  deviceChannel.initialize();
  dialogChannel.initialize();

  mainWindow = createMainWindow(PRELOAD, devRenderer);
  mainWindow.on('closed', () => {
    mainWindow = undefined;
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  // Every web contents, including any the app did not create itself, stays on app:// with no popups.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  app.on('window-all-closed', () => app.quit());

  let stopped = false;
  app.on('before-quit', (event) => {
    if (stopped || !embedded) return;
    event.preventDefault();
    const server = embedded;
    embedded = undefined;
    void server.stop().finally(() => {
      stopped = true;
      app.quit();
    });
  });

  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      dialog.showErrorBox('WRSAuth could not start', reason);
      app.exit(1);
    });
}
