/** The child's side of the IPC channel: it exits with its parent, and reports a failure before it dies. */
import type { ChildMessage, ParentMessage } from './protocol';

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
