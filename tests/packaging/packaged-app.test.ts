/**
 * What would ship: the built out/ is staged (scripts/stage-app.mjs) and packed by electron-builder itself
 * with electron-builder.yml (`--dir`), then app.asar is listed with @electron/asar and the fuses read back
 * with @electron/fuses.
 *
 * No Electron binary can be had here, so electronDist is a stand-in: a small file carrying Electron's fuse
 * wire (its sentinel and the stock fuse states), which is all electron-builder and @electron/fuses touch of
 * it in a Linux `--dir` build. The staged packages come from npm's cache (`npm install --offline`, filled by
 * `npm ci`), so the test reaches no network; the native rebuild for Electron is left out (it would need
 * Electron's headers from the internet).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builderArgs } from '../../scripts/dist.mjs';
import { ensureBuilt } from '../../scripts/ensure-built.mjs';
import { stageApp } from '../../scripts/stage-app.mjs';

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
const { SENTINEL } = require('@electron/fuses/dist/constants.js') as { SENTINEL: string };

// Electron's stock wire: RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on, asar
// integrity off, only-from-asar off, V8 snapshot off, file:// privileges on.
const STOCK_WIRE = '10110001';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-pack-'));
const stageDir = path.join(work, 'stage');
const outputDir = path.join(work, 'dist');
const electronDist = path.join(work, 'electron');
let appDir: string;
let listing: string[];
let build: ReturnType<typeof spawnSync>;

beforeAll(async () => {
  const built = ensureBuilt({
    outputs: ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'],
    sources: ['src/main', 'src/preload', 'src/renderer', 'src/shared'],
    command: ['npx', 'electron-vite', 'build'],
    notice: 'Building the desktop client (npx electron-vite build)…',
  });
  if (!built) throw new Error('npx electron-vite build failed');

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

  await stageApp({ stageDir, offline: true, log: () => {} });
  // Things that must never ship even when they end up in the stage.
  const decoys: Record<string, string> = {
    'out/main/index.js.map': '{}',
    'signing/wrs.pfx': 'not a real certificate',
    'out/main/deploy.key': 'not a real key',
    '.env': 'WRSAUTH_SECRET=not-a-secret',
    'data/wrsauth.sqlite': '',
    'tests/server.test.js': '',
    'out/main/vault.test.js': '',
  };
  for (const [file, text] of Object.entries(decoys)) {
    fs.mkdirSync(path.dirname(path.join(stageDir, file)), { recursive: true });
    fs.writeFileSync(path.join(stageDir, file), text);
  }

  const args = builderArgs({ mode: 'dir', env: {}, electronDist, electronVersion: '45.5.0' });
  build = spawnSync(
    'npx',
    [
      'electron-builder',
      '--linux',
      ...args,
      `-c.directories.app=${stageDir}`,
      `-c.directories.output=${outputDir}`,
    ],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CSC_LINK: '', WIN_CSC_LINK: '' } },
  );
  appDir = path.join(outputDir, 'linux-unpacked');
  const archive = path.join(appDir, 'resources', 'app.asar');
  listing = fs.existsSync(archive) ? asar.listPackage(archive, { isPack: false }) : [];
}, 240_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('the packed app (electron-builder --dir with electron-builder.yml)', () => {
  it('builds an unpacked app with an app.asar', () => {
    expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0);
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
    ]) {
      expect(listing).toContain(file);
    }
  });

  it('ships no tests, source maps, keys, certificates, .env or local data', () => {
    const forbidden = listing.filter(
      (file) =>
        /\.(map|pfx|p12|pem|key|p8)$/.test(file) ||
        /(^|\/)\.env/.test(file) ||
        /^\/(data|tests|signing)\//.test(file) ||
        /\.(test|spec)\.[cm]?[jt]sx?$/.test(file),
    );
    expect(forbidden).toEqual([]);
  });

  it('ships no development tooling or TypeScript sources', () => {
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
