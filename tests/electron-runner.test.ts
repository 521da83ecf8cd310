/**
 * scripts/electron-e2e.mjs decides whether the Playwright _electron suite runs. Where no Electron binary
 * exists it must say so in one line and succeed, so the rest of `npm test` decides the run; where one
 * exists it must run the suite with that binary. WRSAUTH_ELECTRON_E2E_DRY_RUN makes it print the commands
 * it would run instead of running them.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNNER = path.join(ROOT, 'scripts', 'electron-e2e.mjs');
// As scripts/electron-binary.mjs names the binary inside an Electron dist folder.
const BINARY_NAMES: Partial<Record<NodeJS.Platform, string>> = {
  darwin: 'Electron.app/Contents/MacOS/Electron',
  win32: 'electron.exe',
};
const BINARY = BINARY_NAMES[process.platform] ?? 'electron';

let dist: string | undefined;
afterEach(() => {
  if (dist) fs.rmSync(dist, { recursive: true, force: true });
  dist = undefined;
});

/** The runner's stdout, line by line, in dry-run mode. execFile rejects when it exits non-zero. */
async function runRunner(
  overrideDist: string,
  report = path.join(overrideDist, 'report.json'),
): Promise<string[]> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [RUNNER], {
      cwd: ROOT,
      env: {
        ...process.env,
        ELECTRON_OVERRIDE_DIST_PATH: overrideDist,
        WRSAUTH_ELECTRON_E2E_DRY_RUN: '1',
        WRSAUTH_ELECTRON_E2E_REPORT: report,
      },
    });
    return stdout.split('\n').filter((line) => line !== '');
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    throw new Error(`the runner exited with ${failed.code}:\n${failed.stdout}${failed.stderr}`);
  }
}

describe('the Playwright _electron runner', () => {
  it('with no Electron binary prints exactly one line naming the reason, exits 0, and runs no Playwright', async () => {
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-no-electron-'));
    const lines = await runRunner(dist);
    expect(lines).toEqual([
      `Playwright _electron suite not run: no Electron binary (ELECTRON_OVERRIDE_DIST_PATH has no ${BINARY}); set ELECTRON_OVERRIDE_DIST_PATH to run it`,
    ]);
  });

  it("with no Electron binary writes a report that counts each of the suite's tests as skipped, with the reason", async () => {
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-no-electron-'));
    const report = path.join(dist, 'report.json');
    await runRunner(dist, report);
    const specs = fs
      .readdirSync(path.join(ROOT, 'tests', 'electron'))
      .filter((name) => name.endsWith('.spec.ts'));
    const declared = specs
      .map((name) => fs.readFileSync(path.join(ROOT, 'tests', 'electron', name), 'utf8'))
      .reduce((n, source) => n + (source.match(/^\s*test\(/gm) ?? []).length, 0);
    expect(JSON.parse(fs.readFileSync(report, 'utf8'))).toEqual({
      notRun: {
        suite: 'Playwright _electron suite',
        reason: `no Electron binary (ELECTRON_OVERRIDE_DIST_PATH has no ${BINARY})`,
        tests: declared,
        errors: [],
      },
    });
    expect(declared).toBeGreaterThan(0);
  });

  it('with an Electron binary in ELECTRON_OVERRIDE_DIST_PATH runs the suite with that binary', async () => {
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-fake-electron-'));
    const binary = path.join(dist, BINARY);
    fs.mkdirSync(path.dirname(binary), { recursive: true });
    fs.writeFileSync(binary, '#!/bin/sh\necho "not a real Electron" >&2\nexit 1\n', { mode: 0o755 });
    const lines = await runRunner(dist);
    const run = lines.filter((line) => line.startsWith('would run: '));
    expect(run).toHaveLength(1);
    expect(run[0]).toMatch(
      new RegExp(
        `^would run: WRSAUTH_ELECTRON_BINARY=${asRegExpText(binary)} (xvfb-run -a )?npx playwright test -c playwright\\.electron\\.config\\.ts$`,
      ),
    );
    // Besides that line, at most the build it would run first (when out/ is missing or older than src/).
    expect(lines.filter((line) => !line.startsWith('would run: '))).toEqual(
      lines.some((line) => line.startsWith('would build'))
        ? [expect.stringMatching(/^would build \(.+\): npx electron-vite build$/)]
        : [],
    );
  });
});

function asRegExpText(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
