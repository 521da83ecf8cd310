/**
 * The Electron main process: one instance, one window on app://wrsauth/, the verification server chosen
 * (or started) before the window opens, and IPC handlers grouped by concern.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, type BrowserWindow, dialog, net, protocol, session } from 'electron';
import type { ServerInfo } from '../shared/ipc';
import type { ManagedSettingsInfo } from '../shared/managed-settings';
import { createAppProtocolHandler } from './app-protocol';
import { type EmbeddedServer, startEmbeddedServer } from './embedded-server';
import * as appInfoChannel from './ipc/app-info';
import * as deviceChannel from './ipc/device';
import * as dialogChannel from './ipc/dialog';
import { IpcRefused } from './ipc/handle';
import * as keychainChannel from './ipc/keychain';
import * as managedSettingsChannel from './ipc/managed-settings';
import * as practiceAppChannel from './ipc/practice-app';
import * as serverInfoChannel from './ipc/server-info';
import { LogFile, lineWriter, teeConsole } from './log-file';
import { platformSources, watchedFolders } from './managed/sources';
import { ManagedSettingsStore } from './managed/store';
import { developmentPracticeApp, PracticeAppController } from './practice-app';
import { createPracticeView, isPracticeContents, practiceSession } from './practice-view';
import {
  APP_SCHEME,
  buildContentSecurityPolicy,
  denyAllPermissions,
  devRendererUrl,
  hardenWebContents,
  trustDevRenderer,
} from './security';
import { selectServer, USER_SETTINGS_FILE_NAME } from './server-selection';
import { openTokenVault, type TokenVault } from './token-vault';
import { installKind, loadElectronUpdater, UpdateController } from './updates';
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

// Logs on disk for IT's support bundle (docs/it-deployment.md), every line redacted.
const LOG_DIR = path.join(app.getPath('userData'), 'logs');
teeConsole(new LogFile(path.join(LOG_DIR, 'main.log')));
const serverLog = new LogFile(path.join(LOG_DIR, 'server.log'));

// `npm run dev` serves the renderer from Vite on loopback; a packaged app always shows app://wrsauth.
const devRenderer = devRendererUrl(process.env, app.isPackaged);
trustDevRenderer(devRenderer);

let mainWindow: BrowserWindow | undefined;
let embedded: EmbeddedServer | undefined;
let serverInfo: ServerInfo | undefined;
let practiceApp: PracticeAppController | undefined;

// One keychain vault: the workstation tokens and the embedded server's key.
let vaultOpening: Promise<TokenVault> | undefined;
const tokenVault = () => {
  vaultOpening ??= openTokenVault();
  return vaultOpening;
};

// IT's settings (Group Policy, configuration profile, root-owned file), reread while the app runs. Their
// places are fixed per OS: nothing about them comes from the environment.
const managedInputs = { platform: process.platform };
const managedSettings = new ManagedSettingsStore({
  sources: platformSources(managedInputs),
  watchFolders: watchedFolders(managedInputs),
});

const updates = new UpdateController({
  kind: installKind({
    platform: process.platform,
    isPackaged: app.isPackaged,
    execPath: process.execPath,
    env: process.env,
  }),
  loadUpdater: loadElectronUpdater,
  askToDownload: async (version) => {
    const answer = await dialog.showMessageBox({
      type: 'info',
      buttons: ['Download', 'Later'],
      defaultId: 0,
      cancelId: 1,
      message: `WRSAuth ${version} is available.`,
      detail: 'It downloads now and installs the next time WRSAuth quits.',
    });
    return answer.response === 0;
  },
});

/**
 * The server for these managed settings (server-selection.ts): the environment (development runs only),
 * IT's serverUrl, the user's, the embedded one, or the reason there is none.
 */
async function resolveServer(managed: ManagedSettingsInfo): Promise<ServerInfo> {
  const choice = selectServer({
    env: process.env,
    isPackaged: app.isPackaged,
    userSettingsFile: path.join(app.getPath('userData'), USER_SETTINGS_FILE_NAME),
    managed,
  });
  if ('problem' in choice || choice.source !== 'embedded') return choice;
  embedded ??= await startEmbeddedServer({
    ...serverEntry(),
    userData: app.getPath('userData'),
    vault: await tokenVault(),
    output: lineWriter(serverLog),
  });
  return { url: embedded.url, source: 'embedded' };
}

/**
 * IT changed the managed settings: a new server, or none, reloads the window onto it (signing in again, or
 * the "ask IT" screen). Any change may matter: serverUrl, allowEmbeddedServer, a source now (un)readable.
 */
async function onManagedChange(next: ManagedSettingsInfo, previous: ManagedSettingsInfo): Promise<void> {
  await updates.apply(next.values);
  const server = await resolveServer(next);
  const practiceMoved = next.values.practiceAppUrl !== previous.values.practiceAppUrl;
  if (JSON.stringify(server) === JSON.stringify(serverInfo) && !practiceMoved) return;
  console.warn(
    `[managed] the server or the practice application changed (server: ${'problem' in server ? `none (${server.problem.error})` : server.url}); reloading the window`,
  );
  // Whoever was signed in is signed out of the old application first, at the old server.
  await practiceApp?.quit();
  serverInfo = server;
  mainWindow?.webContents.reload();
}

/** The server's URL, or undefined when there is none (the "ask IT" screen). */
function serverUrlOf(server: ServerInfo): string | undefined {
  return 'problem' in server ? undefined : server.url;
}

async function start(): Promise<void> {
  const managed = await managedSettings.start();
  serverInfo = await resolveServer(managed);
  const currentServer = () => serverInfo as ServerInfo;

  denyAllPermissions(session.defaultSession);
  protocol.handle(
    APP_SCHEME,
    createAppProtocolHandler({
      root: RENDERER_ROOT,
      contentSecurityPolicy: () => buildContentSecurityPolicy(serverUrlOf(currentServer())),
    }),
  );

  serverInfoChannel.initialize(currentServer);
  appInfoChannel.initialize({ version: app.getVersion(), installed: app.isPackaged });
  keychainChannel.initialize({
    vault: await tokenVault(),
    serverUrl: () => {
      const url = serverUrlOf(currentServer());
      if (url === undefined) throw new IpcRefused('refused: no sign-in server is set up');
      return url;
    },
    // Settings that could not be read might forbid it: then nothing is remembered.
    allowRemember: () =>
      managedSettings.current.unreadable.length === 0 &&
      managedSettings.current.values.allowRememberWorkstation !== false,
  });
  managedSettingsChannel.initialize(() => managedSettings.current);
  const devPractice = developmentPracticeApp(process.env, app.isPackaged);
  practiceApp = new PracticeAppController({
    practiceAppUrl: () => managedSettings.current.values.practiceAppUrl ?? devPractice.practiceAppUrl,
    practiceAppName: () => managedSettings.current.values.practiceAppName ?? devPractice.practiceAppName,
    serverUrl: () => serverUrlOf(currentServer()),
    createView: (origins, events) => {
      if (!mainWindow) throw new Error('the window is gone');
      return createPracticeView(mainWindow, origins, events);
    },
    storage: practiceSession(),
    // Chromium's network stack: the workstation's proxy and certificate store, like the window's.
    fetch: (url, init) => net.fetch(url, init),
  });
  practiceAppChannel.initialize(practiceApp);
  deviceChannel.initialize();
  dialogChannel.initialize();

  mainWindow = createMainWindow(PRELOAD, devRenderer);
  mainWindow.on('closed', () => {
    mainWindow = undefined;
  });

  // One change at a time, in order: two quick edits must not start two embedded servers.
  let applying = Promise.resolve();
  let previous = managed;
  managedSettings.onChange((next) => {
    const before = previous;
    previous = next;
    applying = applying
      .then(() => onManagedChange(next, before))
      .catch((error: unknown) =>
        console.error(
          `[managed] could not apply a change: ${error instanceof Error ? error.message : error}`,
        ),
      );
  });
  void updates.apply(managed.values);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  // Every web contents, including any the app did not create itself, stays on app:// with no popups; the
  // practice application's view alone (its own partition) is held to its two origins by practice-view.ts.
  app.on('web-contents-created', (_event, contents) => {
    if (!isPracticeContents(contents)) hardenWebContents(contents);
  });

  app.on('window-all-closed', () => app.quit());

  // Quitting signs out of the practice application (its partition cleared, the WRSAuth session ended at the
  // server while it still runs), then stops the embedded server.
  let stopped = false;
  app.on('before-quit', (event) => {
    managedSettings.stop();
    updates.stop();
    if (stopped || (!embedded && !practiceApp?.busy())) return;
    event.preventDefault();
    const server = embedded;
    embedded = undefined;
    void (practiceApp?.quit() ?? Promise.resolve())
      .catch((error: unknown) =>
        console.error(
          `[practice] could not sign out at quit: ${error instanceof Error ? error.message : error}`,
        ),
      )
      .then(() => server?.stop())
      .finally(() => {
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
