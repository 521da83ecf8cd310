/**
 * The Electron security scan (Electronegativity) as the test suite runs it: the client's own source must
 * have no finding of medium severity or higher, and the scan must fail on an app that breaks the Electron
 * security checklist, so a green run means something.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SCRIPT = path.resolve('scripts/electronegativity.mjs');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-eneg-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

interface ScanOutcome {
  exitCode: number;
  output: string;
  sarif: { runs: { results: { ruleId: string }[] }[] };
}

async function scan(input: string): Promise<ScanOutcome> {
  const sarifFile = path.join(scratch, `${path.basename(input)}.sarif`);
  const args = [SCRIPT, '--input', input, '--sarif', sarifFile];
  const outcome = await run(process.execPath, args).then(
    ({ stdout }) => ({ exitCode: 0, output: stdout }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      exitCode: error.code,
      output: error.stdout + error.stderr,
    }),
  );
  return { ...outcome, sarif: JSON.parse(fs.readFileSync(sarifFile, 'utf8')) };
}

describe('Electronegativity scan', () => {
  it('finds nothing of medium severity or higher in the desktop client, and says so', async () => {
    const { exitCode, output, sarif } = await scan('src');

    expect(output).toMatch(/Electronegativity: \d+ findings? in src, 0 medium or higher/);
    expect(output).not.toMatch(/^FAIL/m);
    expect(sarif.runs[0]?.results).toBeInstanceOf(Array);
    expect(exitCode).toBe(0);
  });

  it('fails on a window without context isolation or sandbox, naming both checks', async () => {
    const insecureApp = path.join(scratch, 'insecure-app');
    fs.mkdirSync(insecureApp);
    fs.writeFileSync(
      path.join(insecureApp, 'main.js'),
      `const { BrowserWindow } = require('electron');
const win = new BrowserWindow({ webPreferences: { contextIsolation: false, sandbox: false } });
win.loadURL('https://example.org/');
`,
    );

    const { exitCode, output, sarif } = await scan(insecureApp);

    const rules = sarif.runs[0]?.results.map((result) => result.ruleId);
    expect(rules).toEqual(expect.arrayContaining(['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK']));
    expect(output).toMatch(/^FAIL \w+ SANDBOX_JS_CHECK main\.js:2/m);
    expect(output).toMatch(/^FAIL \w+ CONTEXT_ISOLATION_JS_CHECK main\.js:2/m);
    expect(exitCode).toBe(1);
  });
});
