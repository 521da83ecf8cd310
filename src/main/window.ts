/**
 * The one application window: sandboxed, isolated, showing app://wrsauth/. Navigation, popups and
 * permissions are denied for every web contents in index.ts (security.ts).
 */
import { BrowserWindow } from 'electron';
import { APP_HOST, APP_SCHEME } from './security';

export const START_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** `startUrl` is START_URL, except in development, where it may be the renderer's dev server. */
export function createMainWindow(preload: string, startUrl: string = START_URL): BrowserWindow {
  const window = new BrowserWindow({
    width: 480,
    height: 680,
    minWidth: 360,
    minHeight: 520,
    title: 'WRSAuth',
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      // Reviewed for Electronegativity's PRELOAD_JS_CHECK: the preload runs in the sandbox and exposes only
      // the typed DesktopApi through contextBridge; the main process checks every call's sender and payload.
      preload, // eng-disable PRELOAD_JS_CHECK (reviewed, see above)
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      // Middle-click would open links in new windows; the window-open handler refuses those too.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(startUrl);
  return window;
}
