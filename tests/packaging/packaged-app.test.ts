/**
 * What would ship. `npm run dist:dir` (scripts/dist.mjs) runs for real: it builds out/ if needed, stages the
 * app (scripts/stage-app.mjs) and packs it with electron-builder and electron-builder.yml (`--dir`); then
 * app.asar is listed with @electron/asar and the fuses are read back with @electron/fuses. A second, small
 * pack puts files that must never ship into a stage and checks that the config's `files` rules drop them.
 *
 * No Electron binary can be had here, so ELECTRON_OVERRIDE_DIST_PATH names a stand-in: a small file carrying
 * Electron's fuse wire (its sentinel and the stock fuse states), which is all electron-builder and
 * @electron/fuses touch of it in a Linux `--dir` build. The staged packages come from npm's cache
 * (`npm install --offline`, filled by `npm ci`), so the test reaches no network; the native rebuild for
 * Electron is left out (it needs Electron's headers from the internet).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builderArgs } from '../../scripts/dist.mjs';
import { ensureBuilt } from '../../scripts/ensure-built.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const require = createRequire(path.join(ROOT, 'package.json'));
const asar = require('@electron/asar') as { listPackage(file: string, options: object): string[] };
const fuses = require('@electron/fuses') as {
  getCurrentFuseWire(binary: string): Promise<Record<number, number>>;
  FuseV1Options: Record<string, number>;
};
// A fuse's byte on the wire: ASCII '0' off, '1' on.
const OFF = '0'.charCodeAt(0);
const ON = '1'.charCodeAt(0);
// The wire's sentinel, from the library's own constants (not among the package's exports).
const { SENTINEL } = require(path.join(path.dirname(require.resolve('@electron/fuses')), 'constants.js')) as {
  SENTINEL: string;
};

// Electron's stock wire: RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on, asar
// integrity off, only-from-asar off, V8 snapshot off, file:// privileges on.
const STOCK_WIRE = '10110001';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-pack-'));
const electronDist = path.join(work, 'electron');
const appDir = path.join(work, 'dist', 'linux-unpacked');
let listing: string[];
let distDir: ReturnType<typeof spawnSync>;

const DESKTOP_BUILD = {
  outputs: ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'],
  sources: ['src/main', 'src/preload', 'src/renderer', 'src/shared'],
  command: ['npx', 'electron-vite', 'build'],
  notice: 'Building the desktop client (npx electron-vite build)…',
};

function writeFakeElectron() {
  fs.mkdirSync(electronDist);
  fs.writeFileSync(
    path.join(electronDist, 'electron'),
    Buffer.concat([
      Buffer.from('#!/bin/sh\nexit 0\n'),
      Buffer.from(SENTINEL),
      Buffer.from([1, 8]),
      Buffer.from(STOCK_WIRE),
    ]),
    { mode: 0o755 },
  );
}

/** The files in a packed app's app.asar; a missing archive means the pack failed, never an empty app. */
function listAsar(dir: string) {
  const archive = path.join(dir, 'resources', 'app.asar');
  if (!fs.existsSync(archive)) throw new Error(`no ${archive}: the pack failed`);
  return asar.listPackage(archive, { isPack: false });
}

beforeAll(() => {
  // Built once up front, so the script below does not race another test file building it.
  if (!ensureBuilt(DESKTOP_BUILD)) throw new Error('npx electron-vite build failed');
  writeFakeElectron();
  distDir = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'dist.mjs'), 'dir'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      ELECTRON_OVERRIDE_DIST_PATH: electronDist,
      WRSAUTH_STAGE_DIR: path.join(work, 'stage'),
      WRSAUTH_DIST_DIR: path.join(work, 'dist'),
      WRSAUTH_STAGE_OFFLINE: '1',
      WRSAUTH_SKIP_NATIVE_REBUILD: '1',
      CSC_LINK: '',
      WIN_CSC_LINK: '',
    },
  });
  if (distDir.status !== 0) throw new Error(`dist.mjs dir failed:\n${distDir.stdout}\n${distDir.stderr}`);
  listing = listAsar(appDir);
}, 240_000);

/** What must never be in app.asar, whatever ends up in the stage. */
function mustNotShip(file: string) {
  return (
    /\.(map|pfx|p12|pem|key|p8)$/.test(file) ||
    /(^|\/)\.env/.test(file) ||
    /^\/(data|tests|signing)\//.test(file) ||
    /\.(test|spec)\.[cm]?[jt]sx?$/.test(file)
  );
}

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('npm run dist:dir with an Electron binary', () => {
  it('builds an unpacked app with an app.asar', () => {
    expect(distDir.status, `${distDir.stdout}\n${distDir.stderr}`).toBe(0);
    expect(fs.existsSync(path.join(appDir, 'wrsauth'))).toBe(true);
    expect(listing.length).toBeGreaterThan(0);
  });

  it('ships the main process, the preload, the renderer and the bundled server', () => {
    for (const file of [
      '/package.json',
      '/out/main/index.js',
      '/out/preload/index.cjs',
      '/out/renderer/index.html',
      '/server/main.js',
      '/node_modules/fastify/package.json',
      '/node_modules/better-sqlite3/package.json',
      '/node_modules/electron-updater/package.json',
    ]) {
      expect(listing).toContain(file);
    }
  });

  it('ships no source maps, tests or local data of the dev tree', () => {
    expect(listing).toContain('/out/main/index.js');
    expect(listing.filter(mustNotShip)).toEqual([]);
  });

  it('ships no development tooling or TypeScript sources', () => {
    expect(listing).toContain('/server/main.js');
    for (const name of ['vitest', 'electron-builder', 'electron', 'typescript', 'react', 'tsx', '@biomejs']) {
      expect(listing.some((file) => file.startsWith(`/node_modules/${name}/`))).toBe(false);
    }
    const ours = listing.filter((file) => !file.startsWith('/node_modules/'));
    expect(ours.filter((file) => file.startsWith('/src/') || /\.tsx?$/.test(file))).toEqual([]);
  });

  it('keeps native modules outside the asar (app.asar.unpacked), where the loader can open them', () => {
    const unpacked = path.join(appDir, 'resources', 'app.asar.unpacked', 'node_modules');
    expect(fs.existsSync(path.join(unpacked, 'better-sqlite3', 'package.json'))).toBe(true);
    expect(fs.existsSync(path.join(unpacked, 'keytar', 'package.json'))).toBe(true);
  });

  it('flips the fuses in the packed binary', async () => {
    const wire = await fuses.getCurrentFuseWire(path.join(appDir, 'wrsauth'));
    const fuse = fuses.FuseV1Options as Record<string, number>;
    const at = (name: string) => wire[fuse[name] as number];
    expect(at('RunAsNode')).toBe(OFF);
    expect(at('EnableNodeOptionsEnvironmentVariable')).toBe(OFF);
    expect(at('EnableNodeCliInspectArguments')).toBe(OFF);
    expect(at('OnlyLoadAppFromAsar')).toBe(ON);
    expect(at('EnableEmbeddedAsarIntegrityValidation')).toBe(ON);
    expect(at('EnableCookieEncryption')).toBe(ON);
  });
});

describe("electron-builder.yml's files rules", () => {
  // A stage holding the client plus files that must never ship, packed without dependencies (fast).
  const stage = path.join(work, 'decoy-stage');
  const output = path.join(work, 'decoy-dist');
  const decoys: Record<string, string> = {
    'out/main/index.js.map': '{}',
    'signing/wrs.pfx': 'not a real certificate',
    'out/main/deploy.key': 'not a real key',
    'out/main/AuthKey_TEST.p8': 'not a real key',
    '.env': 'WRSAUTH_SECRET=not-a-secret',
    '.env.production': 'WRSAUTH_SECRET=not-a-secret',
    'data/wrsauth.sqlite': '',
    'tests/server.test.js': '',
    'out/main/vault.test.js': '',
  };
  let packed: string[];
  let pack: ReturnType<typeof spawnSync>;

  beforeAll(() => {
    for (const dir of ['out/main', 'out/preload', 'out/renderer']) {
      fs.cpSync(path.join(ROOT, dir), path.join(stage, dir), { recursive: true });
    }
    fs.mkdirSync(path.join(stage, 'server'));
    fs.writeFileSync(path.join(stage, 'server', 'main.js'), 'export {};\n');
    fs.writeFileSync(
      path.join(stage, 'package.json'),
      JSON.stringify({ name: 'wrsauth', version: '0.1.0', type: 'module', main: 'out/main/index.js' }),
    );
    for (const [file, text] of Object.entries(decoys)) {
      fs.mkdirSync(path.dirname(path.join(stage, file)), { recursive: true });
      fs.writeFileSync(path.join(stage, file), text);
    }
    const args = builderArgs({
      mode: 'dir',
      env: {},
      electronDist,
      electronVersion: '45.5.0',
      stageDir: stage,
      outputDir: output,
    });
    pack = spawnSync('npx', ['electron-builder', '--linux', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CSC_LINK: '', WIN_CSC_LINK: '' },
    });
    packed = listAsar(path.join(output, 'linux-unpacked'));
  }, 180_000);

  it('drop keys, certificates, .env files, local data, tests and source maps from the stage', () => {
    expect(pack.status, `${pack.stdout}\n${pack.stderr}`).toBe(0);
    expect(packed).toContain('/out/main/index.js');
    expect(packed).toContain('/server/main.js');
    expect(packed.filter(mustNotShip)).toEqual([]);
    for (const file of Object.keys(decoys)) expect(packed).not.toContain(`/${file}`);
  });
});
