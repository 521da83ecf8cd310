/**
 * Serves the built web client (the same renderer the desktop app shows) at `/`, so staff on a machine
 * without the desktop client can sign in from a browser. Skipped when no build is present.
 */
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Same-origin only: the page talks to this server and nothing else. */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function hasWebClient(webRoot: string | undefined): webRoot is string {
  return webRoot !== undefined && fs.existsSync(path.join(webRoot, 'index.html'));
}

export async function registerWebClient(app: FastifyInstance, webRoot: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: webRoot,
    prefix: '/',
    index: 'index.html',
    // The file names of a Vite build change with their content; index.html must always be fresh.
    setHeaders(res, filePath) {
      res.header('content-security-policy', WEB_CSP);
      res.header('referrer-policy', 'no-referrer');
      res.header('x-frame-options', 'DENY');
      if (path.basename(filePath) === 'index.html') res.header('cache-control', 'no-cache');
    },
  });
}
