/**
 * Child process: the baseline. A bare Fastify hello-world with the logger and the Fastify options buildApp
 * uses (server/app.ts), in the same kind of child process as the subject server.
 */
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import { BODY_LIMIT_BYTES } from '../server/app';
import { loadConfig } from '../server/config';
import { createLogger } from '../server/logger';
import { fail, toParent } from './child-ipc';

async function main() {
  const config = loadConfig(process.env);
  const app = Fastify({
    loggerInstance: createLogger(config.logLevel) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
  });
  app.get('/', async () => ({ hello: 'world' }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || !address) throw new Error('the server has no TCP address');
  await toParent({
    type: 'ready',
    port: address.port,
    hashConcurrency: config.hashConcurrency,
    hashQueueLimit: config.hashQueueLimit,
  });
}

main().catch(fail);
