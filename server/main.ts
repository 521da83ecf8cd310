/**
 * `npm run server -- <command>` (`node main.mjs <command>` in the bundle): no command serves; the others are
 * the admin CLI, whose verbs live in server/cli/. Every command works on the same data dir as a running
 * server, and creates and migrates it when new. Bad input exits non-zero with a one-line reason.
 */
import { accountCommands } from './cli/account-commands';
import { type Handler, options, withServices } from './cli/arguments';
import { keyCommands } from './cli/key-commands';
import { oidcCommands } from './cli/oidc-commands';
import { USAGE } from './cli/usage';
import { ConfigError, loadConfig, type ServerConfig } from './config';
import { requireProviders } from './delivery';
import { DEMO_APP_NAME, demoApplicationPort, ensureDemoApplication } from './demo-application';
import { AppError } from './errors';
import { createLogger } from './logger';
import { startServer } from './runtime';
import { seedDemoPractice } from './seed';
import { AdminInputError } from './services/validators';

async function serve(config: ServerConfig, args: string[]): Promise<void> {
  const flags = options(args, { demo: { type: 'boolean' }, 'demo-app': { type: 'boolean' } });
  const demo = flags.demo;
  // Only `npm start` runs the demo practice application: the desktop client's embedded server (also a
  // demo practice) registers no client, and writes no client secret into its data dir.
  const withDemoApp = demo === true && flags['demo-app'] === true;
  // Before anything is seeded or opened: a server that cannot reach people does not start.
  requireProviders(config);
  const log = createLogger(config.logLevel);
  if (demo) {
    const demoAppPort = demoApplicationPort(process.env);
    const { credentials, demoApp } = await withServices(config, async (services) => ({
      credentials: await seedDemoPractice(services),
      demoApp: withDemoApp
        ? await ensureDemoApplication(services, config.dataDir, demoAppPort)
        : 'not requested',
    }));
    if (credentials) process.stdout.write(credentials);
    if (demoApp === 'disabled') {
      console.error(
        `wrsauth: the client "${DEMO_APP_NAME}" is disabled, so the demo practice application cannot sign in; register it again or use another WRSAUTH_DEMO_APP_PORT`,
      );
    }
  }
  const server = await startServer(config, { log });
  log.info(
    { url: server.url, dataDir: config.dataDir },
    `WRSAuth verification server listening on ${server.url}`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

const commands: Record<string, Handler> = { serve, ...accountCommands };

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const name = first === undefined || first.startsWith('-') ? 'serve' : first;
  const args = name === first ? rest : argv;
  const command = [commands, oidcCommands, keyCommands].find((table) => Object.hasOwn(table, name))?.[name];
  if (!command) {
    console.error(`wrsauth: unknown command "${name}" (see npm run server -- --help)`);
    return 2;
  }
  try {
    await command(loadConfig(), args);
    return 0;
  } catch (error) {
    if (
      error instanceof AdminInputError ||
      error instanceof ConfigError ||
      (error instanceof AppError && error.statusCode < 500)
    ) {
      console.error(`wrsauth: ${error.message}`);
      return 2;
    }
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(`wrsauth: the port is in use; set WRSAUTH_PORT to another port`);
      return 1;
    }
    console.error(`wrsauth: ${(error as Error).message}`);
    return 1;
  }
}

// The data dir holds the database, the key and the dev outbox: nothing in it is for other users.
process.umask(0o077);
process.exitCode = await main(process.argv.slice(2));
