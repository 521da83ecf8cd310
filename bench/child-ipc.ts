/** The child's side of the IPC channel: it exits with its parent, and reports a failure before it dies. */
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../server/config';
import type { BenchAccounts, ChildMessage, ParentMessage } from './protocol';

if (!process.send) {
  console.error('This is a bench child process; run the bench with `npm run bench`.');
  process.exit(2);
}

// A child never outlives the bench: the parent going away (even by SIGKILL) closes the channel.
process.on('disconnect', () => process.exit(0));
// A clean exit on SIGTERM lets `--cpu-prof` write its profile.
process.on('SIGTERM', () => process.exit(0));

export function toParent(message: ChildMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    process.send?.(message, undefined, undefined, (error) => (error ? reject(error) : resolve()));
  });
}

export function fail(error: unknown): void {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error(message);
  process.send?.({ type: 'failed', message } satisfies ChildMessage, undefined, undefined, () =>
    process.exit(1),
  );
}

export function onParentMessage(handler: (message: ParentMessage) => Promise<void>): void {
  process.on('message', (message) => {
    handler(message as ParentMessage).catch(fail);
  });
}

/** Listens on 127.0.0.1 (whatever the environment says) and tells the parent the port and hashing limits. */
export async function listenAndAnnounce(
  app: FastifyInstance,
  config: Pick<ServerConfig, 'hashConcurrency' | 'hashQueueLimit'>,
  accounts?: BenchAccounts,
): Promise<void> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || !address) throw new Error('the server has no TCP address');
  await toParent({
    type: 'ready',
    port: address.port,
    hashConcurrency: config.hashConcurrency,
    hashQueueLimit: config.hashQueueLimit,
    accounts,
  });
}
