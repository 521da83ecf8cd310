/**
 * The world the end-to-end tests run in, started by Playwright's webServer: the real verification server
 * (serving the built web client) over a fresh data dir, a real SMTP server, a local Twilio-compatible
 * endpoint (which reports each text's fate to the server's status callback, as Twilio does), and the users the
 * specs sign in as. All on 127.0.0.1.
 *
 * GET /__e2e/messages on the inspection port lists what the providers received, so a spec can read its code;
 * GET /__e2e/clients gives the OIDC spec the ids and secrets of the applications registered for it;
 * GET /__e2e/demo-app gives the demo practice application (demo-app/) its own, registered as `serve --demo` does.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config';
import { DEMO_APP_CREDENTIALS_FILE, ensureDemoApplication } from '../../server/demo-application';
import { createLogger } from '../../server/logger';
import { startServer } from '../../server/runtime';
import { CLI_CONTEXT } from '../../server/services/audit-log';
import { startSmtpCatcher } from '../support/smtp-catcher';
import { providerEnv } from '../support/test-server';
import { startTwilioEndpoint } from '../support/twilio-endpoint';
import {
  E2E_PORTS,
  E2E_RELYING_PARTIES,
  E2E_RP_REDIRECT_URI,
  E2E_STATUS_CALLBACK_URL,
  E2E_USERS,
} from './world';

const smtp = await startSmtpCatcher();
const twilio = await startTwilioEndpoint();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-e2e-'));
const config = loadConfig({
  WRSAUTH_HOST: '127.0.0.1',
  WRSAUTH_PORT: String(E2E_PORTS.server),
  WRSAUTH_DATA_DIR: dataDir,
  WRSAUTH_SECRET: randomBytes(32).toString('base64'),
  ...providerEnv(smtp, twilio),
  TWILIO_STATUS_CALLBACK_URL: E2E_STATUS_CALLBACK_URL,
  WRSAUTH_LOG_LEVEL: 'warn',
});
if (!fs.existsSync(path.join(config.webRoot, 'index.html'))) {
  console.error(`e2e: no web client build in ${config.webRoot}; run the renderer build first`);
  process.exit(1);
}
const server = await startServer(config, { log: createLogger('warn') });
// Like Twilio: each text's fate is posted, signed, to its StatusCallback; a landline's never arrives.
twilio.relayCallbacksTo(server.url);
twilio.reportFor(E2E_USERS.landline.phone, { status: 'undelivered', errorCode: '30006' });
for (const user of Object.values(E2E_USERS)) await server.services.cli.createUser(user);
// The OIDC spec's applications, registered as the CLI's register-client does.
const relyingParties: Array<{ name: string; clientId: string; clientSecret?: string }> = [];
for (const name of E2E_RELYING_PARTIES) {
  const credentials = await server.services.relyingParties.register(
    { name, redirectUris: [E2E_RP_REDIRECT_URI] },
    CLI_CONTEXT,
  );
  relyingParties.push({ name, ...credentials });
}
// The demo practice application, as `serve --demo` registers it: its id and secret in the data dir's file.
await ensureDemoApplication(server.services, dataDir, E2E_PORTS.demoApp);
const demoAppCredentials = fs.readFileSync(path.join(dataDir, DEMO_APP_CREDENTIALS_FILE), 'utf8');

const inspection = http.createServer((req, res) => {
  if (req.url === '/__e2e/demo-app') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(demoAppCredentials);
    return;
  }
  if (req.url === '/__e2e/clients') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(relyingParties));
    return;
  }
  if (req.url !== '/__e2e/messages') {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      sms: twilio.messages.map((m) => ({ to: m.to, body: m.body })),
      email: smtp.mails.map((m) => ({ to: m.to, raw: m.raw })),
    }),
  );
});
await new Promise<void>((resolve) => inspection.listen(E2E_PORTS.inspection, '127.0.0.1', resolve));
console.log(`e2e world ready at ${server.url}`);

const stop = async () => {
  inspection.close();
  await server.close();
  await smtp.close();
  await twilio.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
