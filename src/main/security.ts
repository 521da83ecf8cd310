/**
 * The window's security rules as small functions, so each can be tested under Node with `electron` mocked:
 * which URLs are the app's own, the CSP, and the handlers that deny navigation, new windows and permissions.
 */
import type { Session, WebContents } from 'electron';

/** Pages come from app://wrsauth/ (APP_ORIGIN in the IPC contract), never file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'wrsauth';

/**
 * True only for app://wrsauth/... . WHATWG URL gives non-special schemes an opaque origin ("null"), so
 * compare scheme and host rather than `origin`.
 */
export function isAppUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return (
    url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.username === '' && url.password === ''
  );
}

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The renderer's dev server (`npm run dev`: electron-vite sets ELECTRON_RENDERER_URL), or undefined. Only in
 * an unpackaged app and only for http on loopback; a packaged app ignores the variable, so it always shows
 * app://wrsauth.
 */
export function devRendererUrl(
  env: Record<string, string | undefined>,
  isPackaged: boolean,
  log: (line: string) => void = (line) => console.warn(line),
): string | undefined {
  const raw = env.ELECTRON_RENDERER_URL;
  if (isPackaged || raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    log('[security] ignoring ELECTRON_RENDERER_URL: not a URL');
    return undefined;
  }
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname) || url.username || url.password) {
    log(`[security] ignoring ELECTRON_RENDERER_URL: ${safeForLog(raw)} is not an http loopback URL`);
    return undefined;
  }
  return url.href;
}

let devRendererOrigin: string | undefined;

/**
 * Development only: trust the pages of the dev server too (navigation and IPC), by its exact origin. Set
 * once at startup, with what devRendererUrl answered.
 */
export function trustDevRenderer(url: string | undefined): void {
  devRendererOrigin = url === undefined ? undefined : new URL(url).origin;
}

/** A page of this app: app://wrsauth/..., or in development a page of the dev server's origin. */
export function isAppPage(raw: string): boolean {
  if (isAppUrl(raw)) return true;
  if (devRendererOrigin === undefined) return false;
  try {
    const url = new URL(raw);
    return url.origin === devRendererOrigin && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

/** The origin of an http(s) server URL, for `connect-src`; anything else is refused. */
function serverOrigin(serverUrl: string): string {
  const url = new URL(serverUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`the server URL must be http or https, got ${url.protocol}`);
  }
  return url.origin;
}

/**
 * The page may load only its own files and talk only to itself and the verification server; with no server
 * (the "ask IT" screen), only to itself.
 */
export function buildContentSecurityPolicy(serverUrl: string | undefined): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    serverUrl === undefined ? "connect-src 'self'" : `connect-src 'self' ${serverOrigin(serverUrl)}`,
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * Keeps a web contents on the app's own pages (isAppPage): no navigation or redirect elsewhere, no new
 * windows, no <webview>. Nothing is handed to `shell.openExternal`; a link outside simply does nothing.
 */
export function hardenWebContents(contents: WebContents): void {
  const stayHome = (event: { preventDefault(): void }, url: string) => {
    if (!isAppPage(url)) {
      event.preventDefault();
      console.warn(`[security] refused navigation to ${safeForLog(url)}`);
    }
  };
  contents.on('will-navigate', (event) => stayHome(event, event.url));
  contents.on('will-frame-navigate', (event) => stayHome(event, event.url));
  contents.on('will-redirect', (event) => stayHome(event, event.url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    console.warn(`[security] refused window.open of ${safeForLog(url)}`);
    return { action: 'deny' };
  });
}

/** A sign-in screen needs no camera, notifications, USB or anything else: every request and check is no. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

/** The origin only: a refused URL may carry a query we should not copy into logs. */
function safeForLog(raw: string): string {
  try {
    const url = new URL(raw);
    return url.origin === 'null' ? `${url.protocol}//${url.host}` : url.origin;
  } catch {
    return '(unparseable URL)';
  }
}
