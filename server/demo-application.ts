/**
 * The demo practice application (demo-app/, started by `npm start`) as a client of the demo practice:
 * `serve --demo` registers it once, under a fixed name with the exact URIs of http://127.0.0.1:<port>, and
 * hands it its client id and secret through a file in the data dir (mode 0600), as the dev outbox hands over
 * codes. The secret rests there in plain text, beside the server key file: whoever can read the data dir
 * could already open every sealed secret, and only a trial (`--demo`) ever writes it.
 *
 * A later start finds the registration and the file, and checks that the file's secret is still the one the
 * server holds. If the file went missing or the secret was rotated by hand, the secret is rotated and the
 * file written again, so the demo application keeps working without a second registration.
 */
import { timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config';
import type { Services } from './services';
import { CLI_CONTEXT } from './services/audit-log';

export const DEMO_APP_NAME = 'Demo practice application';
export const DEMO_APP_CREDENTIALS_FILE = 'demo-app-client.json';
export const DEFAULT_DEMO_APP_PORT = 4581;

export interface DemoApplicationUris {
  redirectUri: string;
  postLogoutRedirectUri: string;
  backchannelLogoutUri: string;
}

export function demoApplicationUris(port: number): DemoApplicationUris {
  const origin = `http://127.0.0.1:${port}`;
  return {
    redirectUri: `${origin}/callback`,
    postLogoutRedirectUri: `${origin}/`,
    backchannelLogoutUri: `${origin}/backchannel-logout`,
  };
}

/** WRSAUTH_DEMO_APP_PORT, as the demo application reads it (demo-app/main.ts). */
export function demoApplicationPort(env: NodeJS.ProcessEnv): number {
  const raw = env.WRSAUTH_DEMO_APP_PORT?.trim() || String(DEFAULT_DEMO_APP_PORT);
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
    throw new ConfigError(`WRSAUTH_DEMO_APP_PORT must be a port number (1-65535), got "${raw}"`);
  }
  return port;
}

interface StoredCredentials {
  clientId: string;
  clientSecret: string;
}

function readStored(file: string): Partial<StoredCredentials> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<StoredCredentials>;
  } catch {
    return undefined;
  }
}

function writeStored(file: string, credentials: StoredCredentials): void {
  // Written aside and renamed, so the demo application never reads half a file; 0600 whatever the umask.
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(credentials)}\n`, { mode: 0o600 });
  fs.chmodSync(temporary, 0o600);
  fs.renameSync(temporary, file);
}

const sameSecret = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export type DemoApplicationOutcome = 'registered' | 'unchanged' | 'secret reissued' | 'disabled';

/**
 * Registers the demo application unless it is registered with these URIs already; makes sure the credentials
 * file holds its working secret. A registration the account manager disabled stays disabled.
 */
export async function ensureDemoApplication(
  services: Services,
  dataDir: string,
  port: number,
): Promise<DemoApplicationOutcome> {
  const uris = demoApplicationUris(port);
  const file = path.join(dataDir, DEMO_APP_CREDENTIALS_FILE);
  const existing = (await services.relyingParties.list()).find(
    (client) =>
      client.name === DEMO_APP_NAME &&
      client.redirectUris.length === 1 &&
      client.redirectUris[0] === uris.redirectUri,
  );
  if (existing?.disabledAt) return 'disabled';
  if (!existing) {
    const issued = await services.relyingParties.register(
      {
        name: DEMO_APP_NAME,
        redirectUris: [uris.redirectUri],
        postLogoutRedirectUris: [uris.postLogoutRedirectUri],
        backchannelLogoutUri: uris.backchannelLogoutUri,
      },
      CLI_CONTEXT,
    );
    writeStored(file, { clientId: issued.clientId, clientSecret: issued.clientSecret as string });
    return 'registered';
  }
  const stored = readStored(file);
  const held = (await services.relyingParties.providerMetadata(existing.clientId))?.client_secret;
  if (
    stored?.clientId === existing.clientId &&
    typeof stored.clientSecret === 'string' &&
    held !== undefined &&
    sameSecret(stored.clientSecret, held)
  ) {
    return 'unchanged';
  }
  const rotated = await services.relyingParties.rotateSecret(existing.clientId, CLI_CONTEXT);
  writeStored(file, { clientId: rotated.clientId, clientSecret: rotated.clientSecret as string });
  return 'secret reissued';
}
