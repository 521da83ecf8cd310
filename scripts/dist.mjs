// Builds the desktop installers with electron-builder (config: electron-builder.yml).
//
//   npm run dist:dir      an unpacked app for this OS (dist/<os>-unpacked), to try the packaged client;
//   npm run dist          this OS's installers (Windows NSIS + MSI, macOS DMG + zip, Linux AppImage, deb, rpm);
//   npm run dist:release  as dist, but refuses to make an unsigned installer (forceCodeSigning).
//
// Steps: build the client (electron-vite), stage release/app (scripts/stage-app.mjs: install its runtime
// packages and rebuild the native ones for Electron there), then electron-builder with the local Electron
// as electronDist, so nothing is downloaded for Electron itself.
//
// Where no Electron binary can be had (ELECTRON_OVERRIDE_DIST_PATH unset and none downloaded), dist and
// dist:dir print one line saying so and exit 0; dist:release exits 1, since a release that did not happen
// must not look like one that did. WRSAUTH_DIST_DRY_RUN=1 prints the electron-builder command instead.
//
// Signing comes from the environment only (see docs/it-deployment.md): electron-builder reads CSC_LINK,
// CSC_KEY_PASSWORD, WIN_CSC_LINK, WIN_CSC_KEY_PASSWORD and APPLE_* itself; Azure Trusted Signing is switched
// on here when WRSAUTH_AZURE_ENDPOINT and its companions are set (the Azure credentials AZURE_TENANT_ID,
// AZURE_CLIENT_ID and AZURE_CLIENT_SECRET are read by the signing tool, never passed on a command line).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from './electron-binary.mjs';
import { ensureBuilt, ROOT } from './ensure-built.mjs';
import { stageApp } from './stage-app.mjs';

export const MODES = ['dir', 'installers', 'release'];

/** Azure Trusted Signing settings (names, not secrets) and the electron-builder option each sets. */
export const AZURE_SETTINGS = {
  WRSAUTH_AZURE_ENDPOINT: 'endpoint',
  WRSAUTH_AZURE_CODE_SIGNING_ACCOUNT: 'codeSigningAccountName',
  WRSAUTH_AZURE_CERTIFICATE_PROFILE: 'certificateProfileName',
  WRSAUTH_AZURE_PUBLISHER_NAME: 'publisherName',
};

/**
 * The electron-builder arguments for a mode. Only names and switches go on the command line: certificates
 * and passwords stay in the environment, where electron-builder reads them.
 */
export function builderArgs({ mode, env, electronDist, electronVersion, stageDir, outputDir }) {
  if (!MODES.includes(mode)) throw new Error(`unknown mode ${mode}; use one of ${MODES.join(', ')}`);
  const args = [`-c.electronDist=${electronDist}`, `-c.electronVersion=${electronVersion}`];
  if (stageDir) args.push(`-c.directories.app=${stageDir}`);
  if (outputDir) args.push(`-c.directories.output=${outputDir}`);
  if (mode === 'dir') args.unshift('--dir');
  if (mode === 'release') args.push('-c.forceCodeSigning=true');
  const azure = Object.entries(AZURE_SETTINGS).filter(([name]) => env[name]);
  if (azure.length > 0) {
    const missing = Object.keys(AZURE_SETTINGS).filter((name) => !env[name]);
    if (missing.length > 0) throw new Error(`Azure Trusted Signing needs ${missing.join(', ')} as well`);
    for (const [name, option] of azure) args.push(`-c.win.azureSignOptions.${option}=${env[name]}`);
  }
  return args;
}

/** The one line printed when there is no Electron binary to package. */
export function noElectronLine(mode, missing) {
  const what = mode === 'dir' ? 'no unpacked app built' : 'no installers built';
  return `dist: ${what}: no Electron binary (${missing}); set ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron ${electronVersion()}`;
}

function electronVersion() {
  const file = path.join(ROOT, 'node_modules', 'electron', 'package.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')).version;
}

/** The folder electron-builder copies Electron from: the binary's own folder (the .app's parent on macOS). */
export function electronDistOf(binary, platform = process.platform) {
  return platform === 'darwin' ? path.resolve(binary, '..', '..', '..', '..') : path.dirname(binary);
}

const DESKTOP_BUILD = {
  outputs: ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'],
  sources: ['src/main', 'src/preload', 'src/renderer', 'src/shared'],
  command: ['npx', 'electron-vite', 'build'],
  notice: 'Building the desktop client (npx electron-vite build)…',
};

async function main(mode) {
  const electron = findElectronBinary();
  if ('missing' in electron) {
    console.log(noElectronLine(mode, electron.missing));
    return mode === 'release' ? 1 : 0;
  }
  const version = electronVersion();
  // WRSAUTH_STAGE_DIR and WRSAUTH_DIST_DIR move release/app and dist/ elsewhere (the packaging test does).
  const stageDir = process.env.WRSAUTH_STAGE_DIR || undefined;
  const args = builderArgs({
    mode,
    env: process.env,
    electronDist: electronDistOf(electron.path),
    electronVersion: version,
    stageDir,
    outputDir: process.env.WRSAUTH_DIST_DIR || undefined,
  });
  if (process.env.WRSAUTH_DIST_DRY_RUN) {
    console.log(`would run: electron-builder ${args.join(' ')}`);
    return 0;
  }
  if (!ensureBuilt(DESKTOP_BUILD)) {
    console.error('The desktop client did not build.');
    return 1;
  }
  // WRSAUTH_STAGE_OFFLINE=1 installs the staged packages from npm's cache only; WRSAUTH_SKIP_NATIVE_REBUILD=1
  // leaves them unbuilt (the packaging test's fake Electron cannot load them anyway).
  await stageApp({
    stageDir,
    offline: Boolean(process.env.WRSAUTH_STAGE_OFFLINE),
    rebuildFor: process.env.WRSAUTH_SKIP_NATIVE_REBUILD ? undefined : version,
  });
  const result = spawnSync('npx', ['electron-builder', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    shell: process.platform === 'win32',
  });
  return result.status ?? 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv[2] ?? 'dir').then(
    (code) => process.exit(code),
    (error) => {
      console.error(`dist: ${error instanceof Error ? error.message : error}`);
      process.exit(1);
    },
  );
}
