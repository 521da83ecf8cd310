/** Starts and stops one verification server over a data dir: database, key, couriers, services, HTTP. */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app';
import type { Clock } from './clock';
import { ConfigError, type ServerConfig } from './config';
import { closeDatabase, type Db, openDatabase } from './db/database';
import { createCouriers, requireProviders } from './delivery';
import type { RetryOptions } from './delivery/courier';
import { ensurePractice } from './repositories/practices';
import { loadServerKey, SECRET_FILE } from './secrets';
import { createServices, type Services } from './services';
import { LOGOUT_EVERY_MS } from './services/oidc-logout';
import { logoutSweepJob, Sweeps, serverSweepJobs } from './sweeps';

const UNSPECIFIED_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

export interface RunningServer {
  app: FastifyInstance;
  services: Services;
  /**
   * The database the services work on, for tests and scripts that look underneath. The server's own code
   * reaches it only through services and their repositories: Services does not hand it out.
   */
  db: Db;
  /** The address it listens on, e.g. http://127.0.0.1:4580 */
  url: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  log: Logger;
  backgroundCheckpoints?: boolean;
  clock?: Clock;
  retry?: RetryOptions;
  /** How often the sweeps run (default once a minute; see sweeps.ts); tests lengthen or shorten it. */
  sweepEveryMs?: number;
  /** How often (at most) the OpenID Connect provider re-reads its signing keys; 0: every request (tests). */
  oidcKeyCheckMs?: number;
  /** How often sign-ins that ended are logged out of their applications (default every second). */
  logoutEveryMs?: number;
  /** Waits between retries of a failed back-channel logout; tests shorten them. */
  oidcLogoutRetryAfterSeconds?: readonly number[];
  /**
   * Open even when rows still need a key that is no longer configured: only for `rekey --check` and
   * `rekey --forget`, which report and resolve exactly that.
   */
  allowMissingKeys?: boolean;
}

/** Database, key and services without HTTP: what the admin CLI works with. */
export async function openServices(config: ServerConfig, options: OpenOptions) {
  const key = serverKey(config);
  const db = await openDatabase(config.database, config.dataDir, {
    backgroundCheckpoints: options.backgroundCheckpoints,
    log: options.log,
  });
  const delivery = createCouriers(config, options.log);
  const services = createServices({
    db,
    key,
    previousKeys: config.previousSecrets,
    config,
    couriers: delivery.couriers,
    smsReportsBack: Boolean(config.twilio?.statusCallbackUrl),
    lookup: delivery.lookup,
    log: options.log,
    clock: options.clock,
    retry: options.retry,
    oidcKeyCheckMs: options.oidcKeyCheckMs,
    oidcLogoutRetryAfterSeconds: options.oidcLogoutRetryAfterSeconds,
  });
  await ensurePractice(db, services.clock.now());
  try {
    await services.rekey.recordKeyIds();
    // Before anything runs: a key rows still need has gone from the configuration, and they would be lost.
    if (!options.allowMissingKeys) await services.rekey.requireNeededKeys();
  } catch (error) {
    await services.hasher.close();
    await delivery.close();
    await closeDatabase(db);
    throw error;
  }
  return {
    services,
    db,
    delivery,
    async close() {
      // Security notices still under way go out before their couriers and database close.
      await services.notices.settled();
      await delivery.close();
      await services.hasher.close();
      await closeDatabase(db);
    },
  };
}

/**
 * WRSAUTH_SECRET, or for SQLite the data dir's key file. With PostgreSQL there is no key file: the key must
 * never sit beside the hashes it protects, and every instance must share it (loadConfig insists on it).
 */
function serverKey(config: ServerConfig): Buffer {
  if (config.database.kind === 'postgres') {
    if (!config.secret)
      throw new ConfigError('WRSAUTH_SECRET is required with PostgreSQL (WRSAUTH_DATABASE_URL)');
    return config.secret;
  }
  return loadServerKey(config.dataDir, config.secret);
}

export async function startServer(config: ServerConfig, options: OpenOptions): Promise<RunningServer> {
  requireProviders(config);
  const opened = await openServices(config, { ...options, backgroundCheckpoints: true });
  if (config.database.kind === 'sqlite' && !config.secret) {
    const keyFile = path.join(config.dataDir, SECRET_FILE);
    options.log.warn(
      { keyFile },
      `the server key sits beside the database, in ${keyFile}: a copy of the data dir is enough to test stored codes offline and open authenticator secrets; set WRSAUTH_SECRET instead (docs/deploy-server.md)`,
    );
  }
  for (const channel of opened.delivery.devChannels) {
    options.log.warn(
      { channel, devOutbox: opened.delivery.devOutboxFile },
      `DEV (WRSAUTH_DEV_OUTBOX=1): no ${channel === 'sms' ? 'Twilio' : 'SMTP'} provider configured; ${channel} codes go to the dev outbox, never to a person`,
    );
  }
  const app = await buildApp({
    services: opened.services,
    log: options.log,
    trustProxy: config.trustProxy,
    webRoot: config.webRoot,
    metricsToken: config.metricsToken,
    twilio: config.twilio,
  });
  // Generating the first signing keys takes a moment: done before listening, so no request waits for it.
  await opened.services.oidc.ensureKeys();
  const sweeps = new Sweeps(serverSweepJobs(opened.services), options.log, options.sweepEveryMs);
  await sweeps.start();
  // Applications hear of a sign-in's end within seconds (OIDC Back-Channel Logout), so this one runs often.
  const logouts = new Sweeps(
    [logoutSweepJob(opened.services)],
    options.log,
    options.logoutEveryMs ?? LOGOUT_EVERY_MS,
  );
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  if (!config.publicUrl && UNSPECIFIED_HOSTS.has(config.host)) {
    options.log.warn(
      { publicUrl: url },
      `WRSAUTH_PUBLIC_URL is not set and the server listens on every address: OpenID Connect relying parties will be told ${url}/oidc, which no browser can reach; set WRSAUTH_PUBLIC_URL to the address people use (docs/deploy-server.md)`,
    );
  }
  await opened.services.oidc.start(config.publicUrl ?? url);
  await logouts.start();
  return {
    app,
    services: opened.services,
    db: opened.db,
    url,
    async close() {
      sweeps.stop();
      logouts.stop();
      await app.close();
      await opened.close();
    },
  };
}
