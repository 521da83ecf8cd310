/**
 * Child process: the baseline. A bare Fastify hello-world with the logger and the Fastify options buildApp
 * uses (server/app.ts), in the same kind of child process as the subject server.
 */
import Fastify from 'fastify';
import { fastifyOptions } from '../server/app';
import { loadConfig } from '../server/config';
import { createLogger } from '../server/logger';
import { fail, listenAndAnnounce } from './child-ipc';

async function main() {
  const config = loadConfig(process.env);
  const app = Fastify(fastifyOptions(createLogger(config.logLevel), config.trustProxy));
  app.get('/', async () => ({ hello: 'world' }));
  await listenAndAnnounce(app, config);
}

main().catch(fail);
