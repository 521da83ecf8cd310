// Prints the plain closing line CI reads, "N passed, N failed, N skipped", from the runners' JSON reports. The
// line never says less than the truth: whatever a report holds that is not a passing test counts as a failure.
//
//   node scripts/test-summary.mjs DIR [REPORT[:EXIT_STATUS]]...
//
// Each REPORT named must exist in DIR (a runner that died before writing one is a failure) and must hold at
// least one pass. With the runner's exit status beside it, a non-zero status that the report explains by no
// failure (an unhandled error, a crashed worker) counts as one. Exits 1 when anything failed or nothing passed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** vitest's report (jest-compatible JSON). */
function countVitest(report) {
  const notes = [];
  let failed = report.numFailedTests;
  // A file can fail while none of its tests does: a failing beforeAll (its tests are marked skipped), a
  // failing afterAll, a file that does not load, a crashed worker.
  const failedFiles = (report.testResults ?? []).filter(
    (file) => file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed'),
  );
  for (const file of failedFiles) notes.push(`failed file: ${file.name}: ${firstLine(file.message)}`);
  failed += failedFiles.length;
  if (report.success === false && failed === 0) {
    notes.push('vitest reports the run as unsuccessful');
    failed = 1;
  }
  return {
    passed: report.numPassedTests,
    failed,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    notes,
  };
}

function* playwrightTests(suite) {
  for (const spec of suite.specs ?? []) for (const test of spec.tests) yield { spec, test };
  for (const child of suite.suites ?? []) yield* playwrightTests(child);
}

/** Playwright's JSON reporter. */
function countPlaywright(report) {
  const notes = [];
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const suite of report.suites ?? []) {
    for (const { spec, test } of playwrightTests(suite)) {
      const statuses = test.results.map((result) => result.status);
      if (test.status === 'expected' || test.status === 'flaky') passed++;
      else if (test.status === 'unexpected') failed++;
      // A test that was meant to run but did not (the run was interrupted, or stopped at the global timeout)
      // is reported as skipped with an expected status other than skipped.
      else if (statuses.includes('interrupted') || test.expectedStatus !== 'skipped') {
        failed++;
        notes.push(`not run to the end: ${spec.file} › ${spec.title}`);
      } else skipped++;
    }
  }
  // Errors outside any test: a web server that never started, a spec that does not load, a global timeout.
  for (const error of report.errors ?? []) notes.push(`error: ${firstLine(error.message)}`);
  failed += (report.errors ?? []).length;
  return { passed, failed, skipped, notes };
}

/** A suite that could not run here: `{ notRun: { suite, reason, tests, errors? } }` (scripts/electron-e2e.mjs). */
function countNotRun({ notRun }) {
  const errors = notRun.errors ?? [];
  return {
    passed: 0,
    failed: errors.length,
    skipped: notRun.tests,
    notes: [
      `skipped: ${notRun.suite}, ${notRun.tests} tests: ${notRun.reason}`,
      ...errors.map((message) => `error: ${firstLine(message)}`),
    ],
    notRun: true,
  };
}

// Terminal colours in the runners' messages.
const COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

function firstLine(text) {
  return String(text ?? '')
    .replace(COLOUR, '')
    .trim()
    .split('\n')[0];
}

/** Counts one report; `exitStatus` is the runner's, when known. */
export function countReport(report, exitStatus) {
  let counted;
  if (report.notRun) counted = countNotRun(report);
  else if (typeof report.numPassedTests === 'number') counted = countVitest(report);
  else if (report.stats && typeof report.stats.expected === 'number') counted = countPlaywright(report);
  else return { passed: 0, failed: 1, skipped: 0, notes: ['a report of no runner this script knows'] };
  if (exitStatus !== undefined && exitStatus !== 0 && counted.failed === 0) {
    counted.failed = 1;
    counted.notes.push(`the runner exited ${exitStatus}, though its report holds no failure`);
  }
  return counted;
}

/**
 * Adds up the reports in `dir`. `expected` names the reports the run must have, each optionally with the
 * runner's exit status ("vitest.json:1").
 */
export function summarize(dir, expected = []) {
  const total = { passed: 0, failed: 0, skipped: 0, notes: [] };
  const statuses = new Map(
    expected.map((entry) => {
      const [name, status] = entry.split(':');
      return [name, status === undefined ? undefined : Number(status)];
    }),
  );
  const present = fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name.endsWith('.json')) : [];
  for (const name of present.sort()) {
    let counted;
    try {
      counted = countReport(JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')), statuses.get(name));
    } catch (error) {
      counted = { passed: 0, failed: 1, skipped: 0, notes: [`unreadable: ${error.message}`] };
    }
    if (statuses.has(name) && counted.passed === 0 && !counted.notRun) {
      counted.failed++;
      counted.notes.push('no test passed');
    }
    total.passed += counted.passed;
    total.failed += counted.failed;
    total.skipped += counted.skipped;
    total.notes.push(...counted.notes.map((note) => `${name}: ${note}`));
  }
  for (const name of statuses.keys()) {
    if (!present.includes(name)) {
      total.failed++;
      total.notes.push(`${name}: missing, so that runner did not finish`);
    }
  }
  if (present.length === 0 && statuses.size === 0) {
    total.failed++;
    total.notes.push('no report at all');
  }
  return total;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  const [dir = 'test-results', ...expected] = process.argv.slice(2);
  const total = summarize(dir, expected);
  for (const note of total.notes) console.log(note);
  console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
}
