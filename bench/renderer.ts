/**
 * The renderer's two targets: first-load JS (gzip, KB) of a fresh build, and time from navigation to an
 * interactive login form in headless Chromium, against a bare Vite React page (bench/bare-vite/) built and
 * served the same way in the same run. Both builds go to a temp dir (never out/renderer) and are served by
 * a static node:http server on 127.0.0.1.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { type Browser, chromium, type Locator, type Page } from '@playwright/test';
import react from '@vitejs/plugin-react';
import { build } from 'vite';
import { CHROMIUM_LAUNCH } from '../tests/e2e/chromium';
import type { Ratio } from './report';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(BENCH_DIR, '..');

const WARM_UPS = 3;
const ROUNDS = 15;
const NAVIGATION_TIMEOUT_MS = 15_000;

export interface RendererResult {
  lines: string[];
  sizeRatio: Ratio;
  interactiveRatio: Ratio;
}

async function buildRenderer(outDir: string): Promise<void> {
  await build({
    configFile: path.join(REPO_ROOT, 'src', 'renderer', 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
}

async function buildBareVite(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: path.join(BENCH_DIR, 'bare-vite'),
    base: './',
    plugins: [react()],
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
}

/** The JS files index.html loads at once: module scripts and modulepreload links, as paths in outDir. */
export function firstLoadScripts(outDir: string): string[] {
  const html = fs.readFileSync(path.join(outDir, 'index.html'), 'utf8');
  const urls = new Set<string>();
  for (const tag of html.match(/<(script|link)\b[^>]*>/gi) ?? []) {
    const attribute = (name: string) => new RegExp(`\\s${name}\\s*=\\s*["']([^"']+)["']`, 'i').exec(tag)?.[1];
    const isScript = /^<script/i.test(tag);
    const url = isScript
      ? attribute('src')
      : attribute('rel') === 'modulepreload'
        ? attribute('href')
        : undefined;
    if (url && !/^[a-z]+:/i.test(url)) urls.add(url);
  }
  return [...urls].map((url) => path.join(outDir, url.replace(/[?#].*$/, '')));
}

/** Sum of each first-load script gzipped alone (level 9), in KB of 1024 bytes, to one decimal. */
export function firstLoadGzipKB(outDir: string): { kb: number; files: string[] } {
  const files = firstLoadScripts(outDir);
  if (files.length === 0) throw new Error(`${outDir}/index.html loads no script`);
  const bytes = files.reduce(
    (sum, file) => sum + zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length,
    0,
  );
  return { kb: Math.round((bytes / 1024) * 10) / 10, files };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

interface StaticServer {
  origin: string;
  /** Requests under /api/ (answered 404 JSON): the login screen should make none before any input. */
  apiRequests: string[];
  close: () => Promise<void>;
}

/** Serves /real/ and /bare/ from their build dirs, on 127.0.0.1 only. */
async function serveBuilds(roots: Record<string, string>): Promise<StaticServer> {
  const apiRequests: string[] = [];
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, type: string, body: string | Buffer) => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    const [, site, ...rest] = url.pathname.split('/');
    const root = site === undefined ? undefined : roots[site];
    if (url.pathname.startsWith('/api/') || rest[0] === 'api') {
      apiRequests.push(`${request.method} ${url.pathname}`);
      send(404, 'application/json', JSON.stringify({ error: 'not_found' }));
      return;
    }
    if (!root) return send(404, 'text/plain', 'not found');
    const file = path.join(root, decodeURIComponent(rest.join('/')) || 'index.html');
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      return send(404, 'text/plain', 'not found');
    }
    send(200, CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', fs.readFileSync(file));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    apiRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits until the control is visible and enabled, then for a round trip through the page's main thread. */
async function untilInteractive(page: Page, control: Locator): Promise<void> {
  const deadline = performance.now() + NAVIGATION_TIMEOUT_MS;
  await control.waitFor({ state: 'visible', timeout: NAVIGATION_TIMEOUT_MS });
  while (!(await control.isEnabled())) {
    if (performance.now() > deadline) throw new Error('the control stayed disabled');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await page.evaluate(() => 0);
}

/** Milliseconds from page.goto to interactive, in a fresh context (so an empty cache). */
async function timeNavigation(
  browser: Browser,
  url: string,
  control: (page: Page) => Locator,
): Promise<number> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const start = performance.now();
    await page.goto(url, { waitUntil: 'commit', timeout: NAVIGATION_TIMEOUT_MS });
    await untilInteractive(page, control(page));
    const ms = performance.now() - start;
    if (errors.length > 0) throw new Error(`${url}: page error: ${errors.join('; ')}`);
    return ms;
  } finally {
    await context.close();
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

const describeTimes = (values: number[]) =>
  `median ${median(values).toFixed(1)} ms (min ${Math.min(...values).toFixed(1)}, max ${Math.max(...values).toFixed(1)})`;

export async function measureRenderer(workDir: string, say: (line: string) => void): Promise<RendererResult> {
  const realDir = path.join(workDir, 'renderer-build');
  const bareDir = path.join(workDir, 'bare-vite-build');
  const lines: string[] = [];
  const sizeRatio: Ratio = { key: 'rendererFirstLoadGzipKB', target: { atMost: 200 }, digits: 1 };
  const interactiveRatio: Ratio = { key: 'loginInteractiveVsBareVite', target: { atMost: 1.5 } };

  say('building the renderer and the bare Vite React page (Vite build() into a temp dir)');
  await buildRenderer(realDir);
  await buildBareVite(bareDir);
  const real = firstLoadGzipKB(realDir);
  const bare = firstLoadGzipKB(bareDir);
  sizeRatio.value = real.kb;
  lines.push(
    `renderer first-load JS: ${real.kb} KB gzip (${real.files.map((f) => path.basename(f)).join(', ')})`,
    `bare Vite React first-load JS: ${bare.kb} KB gzip, for scale`,
  );

  const server = await serveBuilds({ real: realDir, bare: bareDir });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ ...CHROMIUM_LAUNCH, headless: true });
    const pages = {
      real: {
        url: `${server.origin}/real/`,
        control: (page: Page) => page.getByLabel('User ID'),
      },
      bare: {
        url: `${server.origin}/bare/`,
        control: (page: Page) => page.getByRole('button', { name: 'Hello' }),
      },
    };
    const launched = browser;
    const time = (which: 'real' | 'bare') => timeNavigation(launched, pages[which].url, pages[which].control);
    say(`Chromium ${browser.version()}: ${WARM_UPS} warm-ups each, then ${ROUNDS} rounds each, alternating`);
    for (let i = 0; i < WARM_UPS; i++) {
      await time('bare');
      await time('real');
    }
    const times = { real: [] as number[], bare: [] as number[] };
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate which goes first, so neither always follows the other.
      const order: ('real' | 'bare')[] = i % 2 === 0 ? ['bare', 'real'] : ['real', 'bare'];
      for (const which of order) times[which].push(await time(which));
    }
    interactiveRatio.value = median(times.real) / median(times.bare);
    lines.push(
      `login form interactive: ${describeTimes(times.real)}`,
      `bare Vite React button interactive: ${describeTimes(times.bare)}`,
      `ratio of medians ${interactiveRatio.value.toFixed(3)}`,
    );
    if (server.apiRequests.length > 0) {
      lines.push(
        `the login page asked the API at load (answered 404 JSON): ${[...new Set(server.apiRequests)].join(', ')}`,
      );
    } else {
      lines.push('the login page made no /api request at load');
    }
  } catch (error) {
    interactiveRatio.invalid = error instanceof Error ? error.message : String(error);
  } finally {
    await browser?.close();
    await server.close();
  }
  return { lines, sizeRatio, interactiveRatio };
}
