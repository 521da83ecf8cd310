/**
 * scripts/dist.mjs (npm run dist, dist:dir, dist:release) and scripts/stage-app.mjs: the electron-builder
 * command each mode runs, the one line where no Electron binary exists, and a stage that ships only what
 * the built code imports and rebuilds native modules only inside itself.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builderArgs, electronDistOf } from '../../scripts/dist.mjs';
import {
  externalPackages,
  nativeRebuildOptions,
  packageNameOf,
  STAGE_DIR,
  stageLockfile,
  stagePackageJson,
} from '../../scripts/stage-app.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const base = { env: {}, electronDist: '/opt/electron', electronVersion: '45.5.0' };

const emptyDist = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-no-electron-'));
afterAll(() => fs.rmSync(emptyDist, { recursive: true, force: true }));

function runDist(mode: string) {
  return spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'dist.mjs'), mode], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: emptyDist },
  });
}

describe('npm scripts', () => {
  it('dist, dist:dir and dist:release run scripts/dist.mjs in installers, dir and release mode', () => {
    expect(packageJson.scripts.dist).toBe('node scripts/dist.mjs installers');
    expect(packageJson.scripts['dist:dir']).toBe('node scripts/dist.mjs dir');
    expect(packageJson.scripts['dist:release']).toBe('node scripts/dist.mjs release');
  });

  it('depends on electron-builder 26.17 for building and electron-updater at run time', () => {
    expect(packageJson.devDependencies['electron-builder']).toMatch(/^[~^]?26\.17\./);
    expect(packageJson.dependencies['electron-updater']).toBeDefined();
  });
});

describe('without an Electron binary', () => {
  it('dist:dir says why in one line and exits 0', () => {
    const result = runDist('dir');
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `dist: no unpacked app built: no Electron binary (ELECTRON_OVERRIDE_DIST_PATH has no electron); set ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron ${JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/electron/package.json'), 'utf8')).version}`,
    );
    expect(result.stderr).toBe('');
  });

  it('dist:release fails instead, since a release that did not happen must not look like one that did', () => {
    const result = runDist('release');
    expect(result.status).toBe(1);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toContain('no installers built: no Electron binary');
  });
});

describe('electron-builder arguments', () => {
  it('packs the local Electron (electronDist), never a downloaded one', () => {
    expect(builderArgs({ ...base, mode: 'installers' })).toEqual([
      '-c.electronDist=/opt/electron',
      '-c.electronVersion=45.5.0',
    ]);
    expect(builderArgs({ ...base, mode: 'dir' })[0]).toBe('--dir');
  });

  it('dist:release forces code signing; dist and dist:dir do not', () => {
    expect(builderArgs({ ...base, mode: 'release' })).toContain('-c.forceCodeSigning=true');
    expect(builderArgs({ ...base, mode: 'installers' })).not.toContain('-c.forceCodeSigning=true');
    expect(builderArgs({ ...base, mode: 'dir' })).not.toContain('-c.forceCodeSigning=true');
  });

  it('never puts a signing secret from the environment on the command line', () => {
    // Made up at run time, so the repository's secret scan (builder-config.test.ts) has nothing to flag here.
    const made = (name: string) => `${name}-${process.pid}-value`;
    const env = {
      CSC_LINK: 'file:///secure/wrs.pfx',
      CSC_KEY_PASSWORD: made('pfx'),
      WIN_CSC_KEY_PASSWORD: made('win'),
      APPLE_APP_SPECIFIC_PASSWORD: made('apple'),
      AZURE_CLIENT_SECRET: made('azure'),
    };
    const line = builderArgs({ ...base, env, mode: 'release' }).join(' ');
    for (const secret of Object.values(env)) expect(line).not.toContain(secret);
  });

  it('switches Azure Trusted Signing on from WRSAUTH_AZURE_* names, all or none', () => {
    const azure = {
      WRSAUTH_AZURE_ENDPOINT: 'https://eus.codesigning.azure.net',
      WRSAUTH_AZURE_CODE_SIGNING_ACCOUNT: 'wrs-signing',
      WRSAUTH_AZURE_CERTIFICATE_PROFILE: 'wrs-public',
      WRSAUTH_AZURE_PUBLISHER_NAME: 'WRS Health',
    };
    expect(builderArgs({ ...base, env: azure, mode: 'release' })).toEqual(
      expect.arrayContaining([
        '-c.win.azureSignOptions.endpoint=https://eus.codesigning.azure.net',
        '-c.win.azureSignOptions.codeSigningAccountName=wrs-signing',
        '-c.win.azureSignOptions.certificateProfileName=wrs-public',
        '-c.win.azureSignOptions.publisherName=WRS Health',
      ]),
    );
    const { WRSAUTH_AZURE_PUBLISHER_NAME: _, ...partial } = azure;
    expect(() => builderArgs({ ...base, env: partial, mode: 'release' })).toThrow(
      'Azure Trusted Signing needs WRSAUTH_AZURE_PUBLISHER_NAME as well',
    );
    expect(builderArgs({ ...base, mode: 'release' }).join(' ')).not.toContain('azureSignOptions');
  });

  it('takes electronDist from the binary: its folder, or the folder holding Electron.app on macOS', () => {
    expect(electronDistOf('/opt/electron/electron', 'linux')).toBe('/opt/electron');
    expect(electronDistOf('/opt/e/Electron.app/Contents/MacOS/Electron', 'darwin')).toBe('/opt/e');
  });
});

describe('the staged app', () => {
  it('stages into release/app, the folder electron-builder.yml packs', () => {
    expect(path.relative(ROOT, STAGE_DIR)).toBe(path.join('release', 'app'));
  });

  it('rebuilds native modules with both buildPath and projectRootPath in the stage, never the dev tree', () => {
    const options = nativeRebuildOptions(STAGE_DIR, '45.5.0');
    expect(options.buildPath).toBe(STAGE_DIR);
    expect(options.projectRootPath).toBe(STAGE_DIR);
    expect(options.onlyModules.sort()).toEqual(['better-sqlite3', 'keytar']);
  });

  it('names packages, not subpaths, and leaves out Node built-ins and electron', () => {
    expect(packageNameOf('fastify')).toBe('fastify');
    expect(packageNameOf('@fastify/cors/types')).toBe('@fastify/cors');
    expect(packageNameOf('node:fs')).toBeUndefined();
    expect(packageNameOf('fs')).toBeUndefined();
    expect(packageNameOf('electron')).toBeUndefined();
    expect(packageNameOf('./chunks/x.js')).toBeUndefined();
    expect(
      externalPackages({
        inputs: {
          a: {
            imports: [
              { path: 'pino', external: true },
              { path: './b', external: false },
            ],
          },
          b: {
            imports: [
              { path: 'node:path', external: true },
              { path: 'pino/file', external: true },
            ],
          },
        },
      }),
    ).toEqual(['pino']);
  });

  it('ships only imported runtime packages, pinned, and refuses an import package.json does not declare', () => {
    const root = {
      name: 'wrsauth',
      version: '1.2.3',
      dependencies: { pino: '^9' },
      optionalDependencies: { keytar: '^7' },
      devDependencies: { vitest: '4' },
    };
    const staged = stagePackageJson(
      root,
      ['keytar', 'pino'],
      (name) => ({ pino: '9.14.0', keytar: '7.9.0' })[name] ?? '?',
    );
    expect(staged).toMatchObject({
      version: '1.2.3',
      type: 'module',
      main: 'out/main/index.js',
      dependencies: { pino: '9.14.0' },
      optionalDependencies: { keytar: '7.9.0' },
    });
    expect(JSON.stringify(staged)).not.toContain('vitest');
    expect(() => stagePackageJson(root, ['vitest'], () => '4.1.0')).toThrow(
      'the shipped code imports vitest, which package.json does not list in dependencies',
    );
  });

  it('locks the stage to the tested versions: the runtime closure of the root lockfile, at the same paths', () => {
    const rootLock = {
      lockfileVersion: 3,
      packages: {
        '': { name: 'wrsauth', dependencies: { pino: '^9', react: '^19' } },
        'node_modules/pino': {
          version: '9.14.0',
          dependencies: { 'sonic-boom': '^4' },
          optionalDependencies: { 'pino-win32': '1' },
          peerDependencies: { 'pino-pretty': '*' },
          peerDependenciesMeta: { 'pino-pretty': { optional: true } },
        },
        // Nested: pino needs a sonic-boom other than the hoisted one, which react's tree uses.
        'node_modules/pino/node_modules/sonic-boom': { version: '4.2.0' },
        'node_modules/sonic-boom': { version: '3.8.1' },
        'node_modules/react': { version: '19.2.0', dependencies: { 'sonic-boom': '^3' } },
        'node_modules/vitest': { version: '4.1.0', dev: true },
        'node_modules/keytar': {
          version: '7.9.0',
          devOptional: true,
          dependencies: { 'node-addon-api': '^4' },
        },
        'node_modules/node-addon-api': { version: '4.3.0', devOptional: true },
      },
    };
    const manifest = {
      name: 'wrsauth',
      version: '1.2.3',
      dependencies: { pino: '9.14.0' },
      optionalDependencies: { keytar: '7.9.0' },
    };
    const lock = stageLockfile(rootLock, manifest);
    expect(Object.keys(lock.packages)).toEqual([
      '',
      'node_modules/keytar',
      'node_modules/node-addon-api',
      'node_modules/pino',
      'node_modules/pino/node_modules/sonic-boom',
    ]);
    expect(lock.packages['']).toMatchObject({ dependencies: { pino: '9.14.0' } });
    expect(lock.packages['node_modules/keytar']).toEqual({
      version: '7.9.0',
      optional: true,
      dependencies: { 'node-addon-api': '^4' },
    });

    const broken = {
      lockfileVersion: 3,
      packages: { 'node_modules/pino': { version: '9', dependencies: { gone: '1' } } },
    };
    expect(() => stageLockfile(broken, { ...manifest, optionalDependencies: undefined })).toThrow(
      'package-lock.json has no gone for node_modules/pino: run npm install',
    );
  });
});
