/**
 * scripts/test-summary.mjs prints the closing line CI reads. It must never say less than the truth: every
 * failure a runner's report holds counts, on reports recorded from real failed runs (tests/support/runner-reports).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { countReport, summarize } from '../scripts/test-summary.mjs';
import { REPO_ROOT } from './cli-helpers/wrsauth-process';

const RECORDED = path.join(REPO_ROOT, 'tests', 'support', 'runner-reports');
const recorded = (name: string) => JSON.parse(fs.readFileSync(path.join(RECORDED, name), 'utf8'));

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
/** A test-results folder holding the given reports. */
function resultsWith(reports: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-summary-'));
  dirs.push(dir);
  for (const [name, report] of Object.entries(reports)) {
    fs.writeFileSync(path.join(dir, name), JSON.stringify(report));
  }
  return dir;
}
function closingLine(dir: string, expected: string[]) {
  const run = spawnSync(
    process.execPath,
    [path.join(REPO_ROOT, 'scripts', 'test-summary.mjs'), dir, ...expected],
    {
      encoding: 'utf8',
    },
  );
  return { status: run.status, lines: run.stdout.trim().split('\n') };
}

describe('the closing line, from vitest reports', () => {
  it('counts a file whose beforeAll and afterAll threw as failed, though vitest marked its tests skipped', () => {
    expect(countReport(recorded('vitest-hooks.json'))).toMatchObject({ passed: 1, failed: 1, skipped: 3 });
  });

  it('counts a file whose tests passed and whose afterAll threw as failed', () => {
    expect(countReport(recorded('vitest-after.json'))).toMatchObject({ passed: 2, failed: 1 });
  });

  it('counts a file that did not load as failed', () => {
    expect(countReport(recorded('vitest-load.json'))).toMatchObject({ passed: 1, failed: 1 });
  });

  it('counts a failure when vitest exited non-zero for an error its report does not hold', () => {
    const report = recorded('vitest-unhandled.json');
    expect(countReport(report)).toMatchObject({ passed: 2, failed: 0 });
    expect(countReport(report, 1)).toMatchObject({ passed: 2, failed: 1 });
  });

  it('counts a failure whenever the report says success is false and nothing else was counted', () => {
    const report = { ...recorded('vitest-unhandled.json'), success: false };
    expect(countReport(report)).toMatchObject({ failed: 1 });
  });

  it('prints "2 passed, 0 failed" no more for a run whose beforeAll and afterAll threw, and exits 1', () => {
    const dir = resultsWith({ 'vitest.json': recorded('vitest-hooks.json') });
    const { status, lines } = closingLine(dir, ['vitest.json:1']);
    expect(lines.at(-1)).toBe('1 passed, 1 failed, 3 skipped');
    expect(lines).toContainEqual(expect.stringMatching(/failed file: .*hooks\.test\.ts: setup failed/));
    expect(status).toBe(1);
  });
});

describe('the closing line, from Playwright reports', () => {
  it('counts a failing beforeAll hook', () => {
    expect(countReport(recorded('playwright-hook.json'))).toMatchObject({ passed: 1, failed: 1, skipped: 1 });
  });

  it('counts a spec that did not load, a top-level error with no test in the report', () => {
    expect(countReport(recorded('playwright-load.json'))).toMatchObject({ passed: 0, failed: 1 });
  });

  it('counts a web server that never started', () => {
    expect(countReport(recorded('playwright-webserver.json'))).toMatchObject({ passed: 0, failed: 1 });
  });

  it('counts a test stopped by the global timeout as failed, not skipped, besides the timeout errors', () => {
    const counted = countReport(recorded('playwright-interrupted.json'));
    // One test passed, one was skipped on purpose, one never ran to its end; two top-level timeout errors.
    expect(counted).toMatchObject({ passed: 1, failed: 3, skipped: 1 });
    expect(counted.notes).toContainEqual(expect.stringContaining('not run to the end'));
  });
});

describe('the reports a run expects', () => {
  const passingVitest = recorded('vitest-unhandled.json');

  it('fails a run whose expected report is missing, saying which runner did not finish', () => {
    const dir = resultsWith({ 'vitest.json': passingVitest });
    const { status, lines } = closingLine(dir, ['vitest.json:0', 'playwright.json:0']);
    expect(lines).toContain('playwright.json: missing, so that runner did not finish');
    expect(lines.at(-1)).toBe('2 passed, 1 failed, 1 skipped');
    expect(status).toBe(1);
  });

  it('needs at least one pass in each expected report', () => {
    const empty = { ...passingVitest, numPassedTests: 0, numPendingTests: 0, testResults: [] };
    expect(summarize(resultsWith({ 'vitest.json': empty }), ['vitest.json:0'])).toMatchObject({
      passed: 0,
      failed: 1,
      notes: ['vitest.json: no test passed'],
    });
  });

  it('reports a suite that could not run as skipped, with its tests and the reason, not as a failure', () => {
    const dir = resultsWith({
      'vitest.json': passingVitest,
      'playwright-electron.json': {
        notRun: {
          suite: 'Playwright _electron suite',
          reason: 'no Electron binary (none here)',
          tests: 8,
          errors: [],
        },
      },
    });
    const { status, lines } = closingLine(dir, ['vitest.json:0', 'playwright-electron.json:0']);
    expect(lines).toContain(
      'playwright-electron.json: skipped: Playwright _electron suite, 8 tests: no Electron binary (none here)',
    );
    expect(lines.at(-1)).toBe('2 passed, 0 failed, 9 skipped');
    expect(status).toBe(0);
  });

  it('counts a spec of a suite that could not run as failed when it does not even load', () => {
    const notRun = {
      suite: 'Playwright _electron suite',
      reason: 'no binary',
      tests: 7,
      errors: ['Cannot find module'],
    };
    expect(countReport({ notRun })).toMatchObject({ passed: 0, failed: 1, skipped: 7 });
  });
});
