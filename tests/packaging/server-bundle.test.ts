/**
 * `npm run build:server` (scripts/build-server.mjs): the server installs and runs without this checkout.
 * The tarball is extracted into a temporary folder outside the checkout, its production dependencies are
 * installed there by `npm ci --omit=dev` (from npm's cache when it holds them), and the bundle's own CLI and
 * server then create a user and sign them in over HTTP with a code from the dev outbox.
 *
 * SLOW: it builds the web client and the bundle (about 15 s) and runs a real npm install (about 10 s here);
 * the whole file stays well under 3 minutes. Nothing here reaches the checkout's node_modules: the folder
 * is under the OS temp dir, and the test checks that no node_modules sits above it either.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { banner, DIST_DIR, NATIVE_PACKAGES, tarballName } from '../../scripts/build-server.mjs';
import { DEV_OUTBOX_FILE } from '../../server/delivery/dev-outbox';
import { freePort } from '../cli-helpers/wrsauth-process';

const ROOT = path.resolve(import.meta.dirname, '../..');
const rootPackage = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const rootLock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
const PASSWORD = 'Bundle-Sign-In-Passw0rd';
const SLOW = 180_000;

let installDir: string;
let serverDir: string;
let dataDir: string;
let server: ChildProcess | undefined;
let serverOutput = '';
/** Every file of the installed bundle with its size and modification time, right after the install. */
let installedFiles: string[] = [];
/** The started bundle's address, once it answers. */
let serverBase: string | undefined;

/** The runner's environment without WRSAuth or Twilio settings or a NODE_PATH, plus the given ones. */
function bundleEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(WRSAUTH_|TWILIO_|NODE_PATH$|NODE_OPTIONS$)/.test(key)) env[key] = value;
  }
  return { ...env, ...vars };
}

function run(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv) {
  const result = spawnSync(command, args, { cwd, env: env ?? process.env, encoding: 'utf8' });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

/** path, size and mtime of every file under `dir`, sorted. */
function listing(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      const stat = fs.lstatSync(file);
      return `${path.relative(dir, file)} ${stat.size} ${stat.mtimeMs}`;
    })
    .sort();
}

describe('npm run build:server', { timeout: SLOW }, () => {
  beforeAll(() => {
    const built = run('npm', ['run', 'build:server'], ROOT);
    expect(built.code, built.output).toBe(0);
    installDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-bundle-'));
    const extracted = run('tar', ['-xzf', path.join(DIST_DIR, tarballName(rootPackage.version))], installDir);
    expect(extracted.code, extracted.output).toBe(0);
    serverDir = path.join(installDir, 'server');
    const installed = run(
      'npm',
      ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'],
      serverDir,
      bundleEnv({}),
    );
    expect(installed.code, installed.output).toBe(0);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-bundle-data-'));
    installedFiles = listing(serverDir);
  }, SLOW);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    for (const dir of [installDir, dataDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('makes dist/wrsauth-server-<version>.tgz holding the bundle, the web client and a production package.json with only the native modules, at the locked versions', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(serverDir, 'package.json'), 'utf8'));
    const locked = (name: string) => rootLock.packages[`node_modules/${name}`].version;
    expect(manifest.version).toBe(rootPackage.version);
    expect(manifest.dependencies).toEqual(Object.fromEntries(NATIVE_PACKAGES.map((n) => [n, locked(n)])));
    expect(manifest.devDependencies).toBeUndefined();
    expect(fs.existsSync(path.join(serverDir, 'main.mjs'))).toBe(true);
    expect(fs.readFileSync(path.join(serverDir, 'web', 'index.html'), 'utf8')).toContain('<div id="root">');
    // Installed: the two native modules and what they need (argon2's binary for this platform), nothing else.
    const top = fs.readdirSync(path.join(serverDir, 'node_modules')).filter((n) => !n.startsWith('.'));
    expect(top.sort()).toEqual(['@node-rs', 'better-sqlite3']);
  });

  it('runs from a folder outside the checkout: its CLI creates a user, and the user signs in with password and code', async () => {
    // Nothing above the install folder could lend it packages (Node looks in every parent's node_modules).
    for (let dir = installDir; dir !== path.dirname(dir); dir = path.dirname(dir)) {
      expect(fs.existsSync(path.join(path.dirname(dir), 'node_modules')), dir).toBe(false);
    }
    expect(path.relative(ROOT, installDir).startsWith('..')).toBe(true);

    const port = await freePort();
    const env = bundleEnv({
      WRSAUTH_DATA_DIR: dataDir,
      WRSAUTH_SECRET: Buffer.alloc(32, 7).toString('base64'),
      WRSAUTH_DEV_OUTBOX: '1',
      WRSAUTH_HOST: '127.0.0.1',
      WRSAUTH_PORT: String(port),
      // As the container image runs it (Dockerfile): bundled packages such as koa read it.
      NODE_ENV: 'production',
    });
    const created = run(
      process.execPath,
      ['main.mjs', 'create-user', '--username', 'bundled', '--password', PASSWORD, '--phone', '+12025550188'],
      serverDir,
      env,
    );
    expect(created.code, created.output).toBe(0);
    expect(created.output).toContain('created staff "bundled"');

    server = spawn(process.execPath, ['main.mjs', 'serve'], { cwd: serverDir, env });
    server.stdout?.on('data', (chunk: Buffer) => {
      serverOutput += chunk.toString();
    });
    server.stderr?.on('data', (chunk: Buffer) => {
      serverOutput += chunk.toString();
    });
    const base = `http://127.0.0.1:${port}`;
    await vi.waitFor(
      async () => {
        expect(server?.exitCode, serverOutput).toBeNull();
        expect((await fetch(`${base}/healthz`)).status).toBe(200);
      },
      { timeout: 30_000, interval: 250 },
    );
    serverBase = base;

    const post = async (url: string, body: unknown) => {
      const response = await fetch(`${base}/api/v1/auth${url}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const login = await post('/login', { username: 'bundled', password: PASSWORD });
    expect(login.body.status).toBe('challenge');
    expect((await post(`/challenges/${login.body.challengeId}/send`, { targetId: 'sms' })).status).toBe(200);
    const outbox = fs.readFileSync(path.join(dataDir, DEV_OUTBOX_FILE), 'utf8').trim().split('\n');
    const code = /\b(\d{6})\b/.exec(JSON.parse(outbox.at(-1) ?? '{}').text)?.[1];
    const verified = await post(`/challenges/${login.body.challengeId}/verify`, { code });
    expect([verified.status, verified.body.status]).toEqual([200, 'authenticated']);
    const devices = await fetch(`${base}/api/v1/me/devices`, {
      headers: { authorization: `Bearer ${verified.body.sessionToken}` },
    });
    expect(devices.status).toBe(200);
    expect(serverOutput).not.toContain(code);
    expect(serverOutput).not.toContain(PASSWORD);

    // The web client the bundle carries is served at /, as in a checkout.
    const page = await fetch(`${base}/`);
    expect([page.status, (await page.text()).includes('<div id="root">')]).toEqual([200, true]);
  });

  it('names itself in its usage line as it is run (node main.mjs), and its CLI prints no runtime warning with SMTP configured', () => {
    const help = run(process.execPath, ['main.mjs', '--help'], serverDir, bundleEnv({}));
    expect(help.code, help.output).toBe(0);
    expect(help.output.split('\n')[0]).toBe('Usage: node main.mjs [command] [options]');
    // Bundled, nodemailer is no longer under node_modules, so Node warns about any legacy url.parse() call it makes.
    const audit = run(
      process.execPath,
      ['main.mjs', 'audit'],
      serverDir,
      bundleEnv({
        WRSAUTH_DATA_DIR: dataDir,
        WRSAUTH_SECRET: Buffer.alloc(32, 7).toString('base64'),
        WRSAUTH_SMTP_URL: 'smtp://wrsauth:p%40ss@127.0.0.1:2525',
      }),
    );
    expect(audit.code, audit.output).toBe(0);
    expect(audit.output).not.toMatch(/Warning/);
  });

  it('sends an OpenID Connect sign-in request to the login prompt from its bundled web client (oidc-provider is bundled, not installed)', async () => {
    const registered = run(
      process.execPath,
      [
        'main.mjs',
        'register-client',
        '--name',
        'Bundle app',
        '--redirect-uri',
        'https://app.example/cb',
        '--json',
      ],
      serverDir,
      bundleEnv({ WRSAUTH_DATA_DIR: dataDir, WRSAUTH_SECRET: Buffer.alloc(32, 7).toString('base64') }),
    );
    expect(registered.code, registered.output).toBe(0);
    const { clientId } = JSON.parse(registered.output) as { clientId: string };
    // The server the test before started and signed a user in to.
    const base = serverBase;
    expect(base, 'the bundle did not start in the test before').toBeDefined();

    const authorize = new URL(`${base}/oidc/auth`);
    authorize.search = new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: 'https://app.example/cb',
      state: 'bundle-state',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    const begun = await fetch(authorize, { redirect: 'manual' });
    const prompt = begun.headers.get('location') ?? '';
    expect(prompt).toMatch(/^\/oidc-interaction\/[\w-]+$/);
    const page = await fetch(`${base}${prompt}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
  });

  it('wrote nothing into its own folder while its CLI and server ran: the data dir is the one place it writes, so its files can be read-only', () => {
    expect(serverBase, 'the bundle did not start in the tests before').toBeDefined();
    expect(listing(serverDir)).toEqual(installedFiles);
    expect(fs.readdirSync(dataDir)).toContain('wrsauth.sqlite');
  });
});

describe("the bundle's first lines", () => {
  const runBanner = (range: string) =>
    spawnSync(process.execPath, ['--input-type=module', '-e', banner(range)], { encoding: 'utf8' });

  it("refuse, in one line, a Node.js older than package.json's engines, as npm run server does", () => {
    const refused = runBanner('>=99.1');
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual([
      `wrsauth: the server needs Node.js 99.1.0 or later (24 LTS is its runtime), and this is Node.js ${process.versions.node}`,
    ]);
  });

  it("let this Node.js through when it meets package.json's engines", () => {
    const allowed = runBanner(rootPackage.engines.node);
    expect([allowed.status, allowed.stderr]).toEqual([0, '']);
  });
});
