// Where the Electron binary is, without triggering the electron package's lazy download (which reaches
// outside this machine): ELECTRON_OVERRIDE_DIST_PATH, or a binary an earlier install already placed.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const binaryName =
  { darwin: 'Electron.app/Contents/MacOS/Electron', win32: 'electron.exe' }[process.platform] ?? 'electron';

/** @returns {{ path: string } | { missing: string }} */
export function findElectronBinary() {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const candidate = path.join(override, binaryName);
    return fs.existsSync(candidate)
      ? { path: candidate }
      : { missing: `ELECTRON_OVERRIDE_DIST_PATH has no ${binaryName}` };
  }
  let packageDir;
  try {
    packageDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron package is not installed' };
  }
  const pathFile = path.join(packageDir, 'path.txt');
  if (!fs.existsSync(pathFile))
    return { missing: 'its binary was never downloaded (no network access to fetch it)' };
  const candidate = path.join(packageDir, 'dist', fs.readFileSync(pathFile, 'utf8'));
  return fs.existsSync(candidate) ? { path: candidate } : { missing: `${candidate} is missing` };
}
