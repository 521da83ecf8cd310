// `npm start`: build the client if needed, start the embedded server with its demo practice, then the demo
// practice application (demo-app/, a relying party signing in with WRSAuth), and open the desktop client.
// Where no Electron binary can be had, say so in one line and point at the web client.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findElectronBinary } from './electron-binary.mjs';
import { ensureBuilt, ROOT as root } from './ensure-built.mjs';

const built = ensureBuilt({
  outputs: ['out/renderer/index.html'],
  command: ['npx', 'vite', 'build', '--config', 'src/renderer/vite.config.ts', '--logLevel', 'warn'],
  notice: 'Building the client (first start)…',
});
if (!built) process.exit(1);

const host = process.env.WRSAUTH_HOST || '127.0.0.1';
const port = process.env.WRSAUTH_PORT || '4580';
const serverUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
// A trial: a channel with no provider configured writes its codes to the data dir's dev outbox, which
// `serve` allows only when told so.
const server = spawn(
  process.execPath,
  ['--import', 'tsx', 'server/main.ts', 'serve', '--demo', '--demo-app'],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, WRSAUTH_DEV_OUTBOX: '1' },
  },
);
/** The demo practice application, once started; it stops with the server. */
let demoApp;
server.on('exit', (code) => {
  demoApp?.kill('SIGTERM');
  process.exit(code ?? 1);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));

async function isUp(url) {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

if (await isUp(`${serverUrl}/healthz`)) {
  // `serve --demo` registered it and wrote its client id and secret to the data dir; it reads the same
  // environment (WRSAUTH_DEMO_APP_PORT, WRSAUTH_PUBLIC_URL, WRSAUTH_DATA_DIR). A demo app that cannot start
  // says why in one line, and the server goes on.
  demoApp = spawn(process.execPath, ['--import', 'tsx', 'demo-app/main.ts'], {
    cwd: root,
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: process.env,
  });
  // It says when it listens (its own port, not whatever else may answer there), or exits saying why.
  const demoAppUrl = await new Promise((resolve) => {
    demoApp.once('message', (message) => resolve(message?.listening));
    demoApp.once('exit', () => resolve(undefined));
  });
  if (demoAppUrl) console.log(`Demo practice application: ${demoAppUrl}`);
  const electron = findElectronBinary();
  const mainEntry = path.join(root, 'out', 'main', 'index.js');
  if ('missing' in electron) {
    console.log(
      `Electron cannot start here: ${electron.missing}. Open the web client instead: ${serverUrl}/`,
    );
  } else if (!fs.existsSync(mainEntry)) {
    console.log(
      `The desktop client is not built (npm run build). Open the web client instead: ${serverUrl}/`,
    );
  } else {
    const app = spawn(electron.path, [mainEntry], {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        WRSAUTH_SERVER_URL: serverUrl,
        // After the location step the desktop client opens the demo practice application, signed in.
        ...(demoAppUrl && {
          WRSAUTH_PRACTICE_APP_URL: demoAppUrl,
          WRSAUTH_PRACTICE_APP_NAME: 'Demo practice application',
        }),
      },
    });
    app.on('exit', () => server.kill('SIGTERM'));
  }
}
