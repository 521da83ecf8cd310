// Prints the plain closing line CI reads, "N passed, N failed, N skipped", from the runners' JSON reports.
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2] ?? 'test-results';
// Reports that must exist: a runner that died before writing one counts as a failure.
const expected = process.argv.slice(3);
let passed = 0;
let failed = 0;
let skipped = 0;
let reports = 0;
for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
  if (!name.endsWith('.json')) continue;
  const report = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
  reports++;
  // vitest (jest-compatible JSON)
  if (typeof report.numPassedTests === 'number') {
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    // A file that failed to load has no tests but must still fail the run.
    failed += (report.testResults ?? []).filter(
      (f) => f.status === 'failed' && f.assertionResults.length === 0,
    ).length;
  }
  // Playwright JSON reporter
  if (report.stats && typeof report.stats.expected === 'number') {
    passed += report.stats.expected + (report.stats.flaky ?? 0);
    failed += report.stats.unexpected;
    skipped += report.stats.skipped ?? 0;
  }
}
if (reports === 0) failed++;
for (const name of expected) {
  if (!fs.existsSync(path.join(dir, name))) {
    console.error(`no ${name}: that runner did not finish`);
    failed++;
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
