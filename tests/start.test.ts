/**
 * `npm start` (scripts/start.mjs): starts the embedded server with its demo practice, the demo practice
 * application, and the client; where no Electron binary can be had, it says so in one line and points at the
 * web client, which then works.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEV_OUTBOX_FILE } from '../server/delivery/dev-outbox';
import { freePort, makeDataDir, REPO_ROOT, removeDataDir, runCli } from './cli-helpers/wrsauth-process';

let child: ChildProcess | undefined;
let dataDir: string | undefined;
/** Everything npm start has printed so far, stdout and stderr. */
let printed = '';
async function stop() {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}
afterEach(async () => {
  await stop();
  removeDataDir(dataDir);
});

/** npm start in this environment without any WRSAuth or Twilio setting (so no provider), plus `env`. */
function startAndWaitFor(pattern: RegExp, env: Record<string, string>): Promise<string> {
  const base: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(WRSAUTH_|TWILIO_)/.test(key)) base[key] = value;
  }
  child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'start.mjs')], {
    cwd: REPO_ROOT,
    env: { ...base, ...env },
  });
  printed = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm start never printed ${pattern}:\n${printed}`)),
      60_000,
    );
    const onData = (chunk: Buffer) => {
      printed += chunk.toString();
      if (pattern.test(printed)) {
        clearTimeout(timer);
        resolve(printed);
      }
    };
    child?.stdout?.on('data', onData);
    child?.stderr?.on('data', onData);
    child?.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${printed}`)));
  });
}

async function postJson(url: string, body: unknown): Promise<Record<string, string>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Record<string, string>;
}

describe('npm start without an Electron binary', () => {
  it('says in one line that Electron cannot start, names the web client URL, and serves it with the demo practice', async () => {
    dataDir = makeDataDir();
    const port = await freePort();
    const output = await startAndWaitFor(/Open the web client instead/, {
      WRSAUTH_DATA_DIR: dataDir,
      WRSAUTH_PORT: String(port),
      WRSAUTH_DEMO_APP_PORT: String(await freePort()),
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

  it('sets WRSAUTH_DEV_OUTBOX=1 itself: with no provider it starts, and a demo code goes to the dev outbox, never to its output', async () => {
    dataDir = makeDataDir();
    const port = await freePort();
    const output = await startAndWaitFor(/Open the web client instead/, {
      WRSAUTH_DATA_DIR: dataDir,
      WRSAUTH_PORT: String(port),
      WRSAUTH_DEMO_APP_PORT: String(await freePort()),
      ELECTRON_OVERRIDE_DIST_PATH: path.join(dataDir, 'no-electron-here'),
    });
    const password = /front desk\s+User ID: frontdesk\s+Password: (\S+)/.exec(output)?.[1];
    const api = `http://127.0.0.1:${port}/api/v1/auth`;

    const login = await postJson(`${api}/login`, { username: 'frontdesk', password });
    expect(login.status).toBe('challenge');
    const sent = await postJson(`${api}/challenges/${login.challengeId}/send`, { targetId: 'sms' });
    expect(sent.masked).toBe('••• - ••• - 3816');

    const outbox = fs.readFileSync(path.join(dataDir, DEV_OUTBOX_FILE), 'utf8').trim().split('\n');
    const entry = JSON.parse(outbox.at(-1) ?? '{}') as { to: string; text: string };
    expect(entry.to).toBe('+12025553816');
    const code = /\b(\d{6})\b/.exec(entry.text)?.[1] as string;
    expect(code).toMatch(/^\d{6}$/);
    await vi.waitFor(() =>
      expect(printed).toContain('DEV sms to ••• - ••• - 3816: written to the dev outbox'),
    );
    expect(printed).not.toContain(code);
    expect(printed).not.toContain('2025553816');
  });

  it('starts the demo practice application, prints its URL with the others, and registers it once over two starts', async () => {
    dataDir = makeDataDir();
    const env = {
      WRSAUTH_DATA_DIR: dataDir,
      WRSAUTH_PORT: String(await freePort()),
      WRSAUTH_DEMO_APP_PORT: String(await freePort()),
      ELECTRON_OVERRIDE_DIST_PATH: path.join(dataDir, 'no-electron-here'),
    };
    const demoAppUrl = `http://127.0.0.1:${env.WRSAUTH_DEMO_APP_PORT}`;

    const output = await startAndWaitFor(/Open the web client instead/, env);
    expect(output).toContain(`Demo practice application: ${demoAppUrl}\n`);
    const page = await (await fetch(`${demoAppUrl}/`)).text();
    expect(page).toContain('<button type="submit">Login with WRSAuth</button>');
    const login = await fetch(`${demoAppUrl}/login`, { redirect: 'manual' });
    expect(login.headers.get('location')).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:${env.WRSAUTH_PORT}/oidc/auth\\?`),
    );

    await stop();
    // The demo app stops with the server (it is told to, and then needs a moment to let go of its port).
    await vi.waitFor(() => expect(fetch(`${demoAppUrl}/`)).rejects.toThrow(), { timeout: 10_000 });
    const again = await startAndWaitFor(/Open the web client instead/, env);
    expect(again).toContain(`Demo practice application: ${demoAppUrl}\n`);
    const clients = await runCli(['list-clients', '--json'], { WRSAUTH_DATA_DIR: dataDir });
    const demoApps = (JSON.parse(clients.stdout) as Array<{ name: string }>).filter(
      (client) => client.name === 'Demo practice application',
    );
    expect(demoApps).toHaveLength(1);
  }, 90_000);
});
