/**
 * Child process: the real WRSAuth app over a seeded scale-section practice (SQLite in WRSAUTH_DATA_DIR, or
 * WRSAUTH_DATABASE_URL), on 127.0.0.1. Couriers keep the last message per recipient instead of sending it;
 * the bench asks for a code over IPC, as a user reads their text. Answers `stats` with its CPU and peak RSS.
 */
import { buildApp } from '../server/app';
import { loadConfig } from '../server/config';
import { openDatabase } from '../server/db/database';
import { createLogger } from '../server/logger';
import { loadServerKey } from '../server/secrets';
import { createServices } from '../server/services';
import { CapturingCourier } from './capturing-courier';
import { fail, listenAndAnnounce, onParentMessage, toParent } from './child-ipc';
import { startProcessMeter } from './process-meter';

async function main() {
  const readMeter = startProcessMeter();
  const config = loadConfig(process.env);
  const log = createLogger(config.logLevel);
  const key = loadServerKey(config.dataDir, config.secret);
  const db = await openDatabase(config.database, config.dataDir, { backgroundCheckpoints: true });
  const courier = new CapturingCourier();
  const services = createServices({ db, key, config, couriers: { sms: courier, email: courier }, log });
  onParentMessage(async (message) => {
    if (message.type === 'stats') await toParent(readMeter(message.id));
    if (message.type === 'code')
      await toParent({ type: 'code', id: message.id, code: courier.lastCode(message.to) });
  });
  const app = await buildApp({ services, log, trustProxy: config.trustProxy });
  await listenAndAnnounce(app, config);
}

main().catch(fail);
