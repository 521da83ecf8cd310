/**
 * `npm start` (scripts/start.mjs): starts the embedded server with its demo practice and the client; where
 * no Electron binary can be had, it says so in one line and points at the web client, which then works.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, makeDataDir, REPO_ROOT, removeDataDir } from './cli-helpers/wrsauth-process';

let child: ChildProcess | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  removeDataDir(dataDir);
});

function startAndWaitFor(pattern: RegExp, env: Record<string, string>): Promise<string> {
  child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'start.mjs')], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm start never printed ${pattern}:\n${output}`)),
      60_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child?.stdout?.on('data', onData);
    child?.stderr?.on('data', onData);
    child?.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
}

describe('npm start without an Electron binary', () => {
  it('says in one line that Electron cannot start, names the web client URL, and serves it with the demo practice', async () => {
    dataDir = makeDataDir();
    const port = await freePort();
    const output = await startAndWaitFor(/Open the web client instead/, {
      WRSAUTH_DATA_DIR: dataDir,
      WRSAUTH_PORT: String(port),
      ELECTRON_OVERRIDE_DIST_PATH: path.join(dataDir, 'no-electron-here'),
    });
    const notice = output.split('\n').filter((line) => line.includes('Electron cannot start here'));
    expect(notice).toHaveLength(1);
    expect(notice[0]).toContain(`http://127.0.0.1:${port}/`);
    expect(output).toMatch(/front desk\s+User ID: frontdesk/);

    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
  });
});
