/**
 * `npm start` runs this after the verification server is up: the demo practice application on
 * http://127.0.0.1:4581 (WRSAUTH_DEMO_APP_PORT), signing in at the server's issuer (WRSAUTH_PUBLIC_URL, else
 * WRSAUTH_HOST and WRSAUTH_PORT, plus /oidc) as the client that `serve --demo` registered for it: its id and
 * secret are in the data dir's demo-app-client.json (server/demo-application.ts writes it, mode 0600).
 */
import fs from 'node:fs';
import path from 'node:path';
import { startDemoApp } from './app';
import type { ClientCredentials } from './relying-party';

/** Written by server/demo-application.ts (DEMO_APP_CREDENTIALS_FILE). */
const CREDENTIALS_FILE = 'demo-app-client.json';
const DEFAULT_DEMO_APP_PORT = 4581;

class StartError extends Error {}

function port(env: NodeJS.ProcessEnv): number {
  const raw = env.WRSAUTH_DEMO_APP_PORT?.trim() || String(DEFAULT_DEMO_APP_PORT);
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > 65535) {
    throw new StartError(`WRSAUTH_DEMO_APP_PORT must be a port number (1-65535), got "${raw}"`);
  }
  return value;
}

function issuer(env: NodeJS.ProcessEnv): URL {
  const publicUrl = env.WRSAUTH_PUBLIC_URL?.trim();
  if (publicUrl) return new URL(`${publicUrl.replace(/\/+$/, '')}/oidc`);
  // The server listening on every address is reached here on loopback.
  const host = env.WRSAUTH_HOST?.trim() || '127.0.0.1';
  const reachable = ['0.0.0.0', '::', '[::]'].includes(host) ? '127.0.0.1' : host;
  const hostPart = reachable.includes(':') && !reachable.startsWith('[') ? `[${reachable}]` : reachable;
  return new URL(`http://${hostPart}:${env.WRSAUTH_PORT?.trim() || '4580'}/oidc`);
}

function credentials(env: NodeJS.ProcessEnv): ClientCredentials {
  const file = path.join(path.resolve(env.WRSAUTH_DATA_DIR || './data'), CREDENTIALS_FILE);
  let parsed: Partial<ClientCredentials>;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<ClientCredentials>;
  } catch {
    throw new StartError(
      `no client registration at ${file}; start the server with \`npm run server -- serve --demo\` (npm start does) to register the demo application`,
    );
  }
  if (typeof parsed.clientId !== 'string' || typeof parsed.clientSecret !== 'string') {
    throw new StartError(`${file} does not hold a clientId and a clientSecret`);
  }
  return { clientId: parsed.clientId, clientSecret: parsed.clientSecret };
}

try {
  const app = await startDemoApp({
    issuer: issuer(process.env),
    credentials: credentials(process.env),
    port: port(process.env),
  });
  // npm start (scripts/start.mjs) prints the URL once this says it listens.
  process.send?.({ listening: app.url });
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Started by npm start: when it goes, so does this.
  process.once('disconnect', stop);
} catch (error) {
  const reason =
    (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
      ? 'its port is in use; set WRSAUTH_DEMO_APP_PORT to another port'
      : (error as Error).message;
  console.error(`demo practice application: ${reason}`);
  process.exit(1);
}
