// The Playwright _electron suite (tests/electron), where an Electron binary exists: ELECTRON_OVERRIDE_DIST_PATH,
// or one an earlier install downloaded. Where none does, one line says the suite was not run and why, and the
// exit status is 0, so the rest of `npm test` still decides the run; its report (WRSAUTH_ELECTRON_E2E_REPORT,
// by default test-results/playwright-electron.json) then says the suite's tests were skipped, and why.
//
// `node scripts/electron-e2e.mjs [playwright test options]`; WRSAUTH_ELECTRON_E2E_DRY_RUN=1 prints the commands
// instead of running them (the runner's own test uses that).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findElectronBinary } from './electron-binary.mjs';
import { buildReason, ensureBuilt, ROOT } from './ensure-built.mjs';

// Where the suite's report goes: Playwright's own, or the one saying the suite did not run.
const REPORT =
  process.env.WRSAUTH_ELECTRON_E2E_REPORT ?? path.join(ROOT, 'test-results', 'playwright-electron.json');

/**
 * The report of a suite that could not run, for the closing line to count its tests as skipped with the
 * reason. Its tests are listed without running them (no Electron needed); a spec that does not even load
 * is an error there, and a failure of the run.
 */
function writeNotRunReport(reason) {
  const listed = spawnSync(
    'npx',
    ['playwright', 'test', '-c', 'playwright.electron.config.ts', '--list', '--reporter=json'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: '' },
    },
  );
  let tests = 0;
  let errors = [];
  try {
    const list = JSON.parse(listed.stdout);
    const count = (suite) =>
      (suite.specs ?? []).reduce((n, spec) => n + spec.tests.length, 0) +
      (suite.suites ?? []).reduce((n, child) => n + count(child), 0);
    tests = list.suites.reduce((n, suite) => n + count(suite), 0);
    errors = (list.errors ?? []).map((error) => error.message);
  } catch {
    errors = [
      `the _electron suite could not be listed: ${listed.stderr || listed.error?.message || 'no output'}`,
    ];
  }
  fs.mkdirSync(path.dirname(REPORT), { recursive: true });
  fs.writeFileSync(
    REPORT,
    JSON.stringify({ notRun: { suite: 'Playwright _electron suite', reason, tests, errors } }),
  );
}

const electron = findElectronBinary();
if ('missing' in electron) {
  const reason = `no Electron binary (${electron.missing})`;
  console.log(`Playwright _electron suite not run: ${reason}; set ELECTRON_OVERRIDE_DIST_PATH to run it`);
  writeNotRunReport(reason);
  process.exit(0);
}

// What `npm run build` writes; rebuilt when missing or older than the code it comes from.
const desktopBuild = {
  outputs: ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'],
  sources: ['src/main', 'src/preload', 'src/renderer', 'src/shared'],
  command: ['npx', 'electron-vite', 'build'],
  notice: 'Building the desktop client (npx electron-vite build)…',
};

// Electron has no headless mode on Linux: without a display, Xvfb gives it one.
const needsXvfb = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const command = [
  ...(needsXvfb ? ['xvfb-run', '-a'] : []),
  'npx',
  'playwright',
  'test',
  '-c',
  'playwright.electron.config.ts',
  ...process.argv.slice(2),
];
const env = { ...process.env, WRSAUTH_ELECTRON_BINARY: electron.path };

if (process.env.WRSAUTH_ELECTRON_E2E_DRY_RUN) {
  const reason = buildReason(desktopBuild);
  if (reason) console.log(`would build (${reason}): ${desktopBuild.command.join(' ')}`);
  console.log(`would run: WRSAUTH_ELECTRON_BINARY=${electron.path} ${command.join(' ')}`);
  process.exit(0);
}

if (!ensureBuilt(desktopBuild)) {
  console.error('The desktop client did not build, so the Playwright _electron suite cannot run.');
  process.exit(1);
}
const [program, ...args] = command;
const result = spawnSync(program, args, {
  cwd: ROOT,
  env,
  stdio: 'inherit',
  shell: process.platform === 'win32',
});
if (result.error) console.error(`Could not start ${program}: ${result.error.message}`);
process.exit(result.status ?? 1);
