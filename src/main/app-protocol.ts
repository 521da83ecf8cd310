/**
 * The `app://wrsauth/` protocol: serves the built renderer from one folder, with the CSP on every response.
 * Only that folder: a path that resolves (or links) outside it is refused.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { APP_HOST, APP_SCHEME } from './security';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface AppProtocolOptions {
  /** The built renderer, e.g. out/renderer. */
  root: string;
  /** A getter when the server, and so the CSP, can change while the app runs. */
  contentSecurityPolicy: string | (() => string);
}

/** For `protocol.handle('app', ...)`. */
export function createAppProtocolHandler(
  options: AppProtocolOptions,
): (request: Request) => Promise<Response> {
  const csp = options.contentSecurityPolicy;
  const baseHeaders = () => ({
    'content-security-policy': typeof csp === 'function' ? csp() : csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  });
  const rootReal = fs.realpath(options.root).catch(() => path.resolve(options.root));
  const refuse = (status: number, reason: string) =>
    new Response(reason, {
      status,
      headers: { ...baseHeaders(), 'content-type': 'text/plain; charset=utf-8' },
    });

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'Method not allowed');
    const file = await resolveInside(await rootReal, request.url);
    if (file === undefined) return refuse(404, 'Not found');
    let body: Buffer;
    try {
      body = await fs.readFile(file);
    } catch {
      return refuse(404, 'Not found');
    }
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    const headers = { ...baseHeaders(), 'content-type': type, 'cache-control': 'no-cache' };
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
  };
}

/** The real path of the requested file if it lies inside root, else undefined. */
async function resolveInside(root: string, rawUrl: string): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return undefined;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  // Backslashes and NULs have no business in a renderer asset path; on Windows a backslash is a separator.
  if (pathname.includes('\0') || pathname.includes('\\')) return undefined;
  if (pathname === '/' || pathname === '') pathname = '/index.html';
  const candidate = path.resolve(root, `.${pathname}`);
  if (!isInside(root, candidate)) return undefined;
  let real: string;
  try {
    real = await fs.realpath(candidate);
  } catch {
    return undefined;
  }
  // A symlink inside the folder must not lead out of it.
  return isInside(root, real) ? real : undefined;
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
