// `npm start`: build the client if needed, start the embedded server with its demo practice, and open the
// desktop client. Where no Electron binary can be had, say so in one line and point at the web client.
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
const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', 'serve', '--demo'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, WRSAUTH_DEV_OUTBOX: '1' },
});
server.on('exit', (code) => process.exit(code ?? 1));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));

async function serverIsUp() {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${serverUrl}/healthz`)).ok) return true;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

if (await serverIsUp()) {
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
      env: { ...process.env, WRSAUTH_SERVER_URL: serverUrl },
    });
    app.on('exit', () => server.kill('SIGTERM'));
  }
}
