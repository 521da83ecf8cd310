/**
 * Crash safety, in the bounded form CI runs (the full run is `npm run crash-test`, 1,000 sign-ins): the server
 * process is SIGKILLed mid-request and restarted on the same SQLite data dir, and every sign-in that got its
 * 200 must keep its session and its audit record, with the database passing integrity_check.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('crash safety (scripts/crash-test.ts)', () => {
  it('keeps the session and audit record of every 200 sign-in across SIGKILLs, leaves nothing stuck in the outbox, and the database stays intact', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/crash-test.ts', '--sign-ins', '40', '--kills', '3'],
      { timeout: 170_000 },
    );

    const summary = stdout.trim().split('\n').at(-1) ?? '';
    const figures =
      /(\d+) SIGKILLs and restarts, (\d+) signed in \(200\).*?(\d+) sessions and (\d+) audit records kept; \d+ cut-off sends settled, (\d+) stuck in the outbox; integrity_check (\S+);/.exec(
        summary,
      );
    expect(figures, summary).not.toBeNull();
    const [, restarts, signedIn, sessions, audits, stuck, integrity] = figures ?? [];
    expect(Number(restarts)).toBe(3);
    expect(Number(signedIn)).toBeGreaterThan(0);
    expect(Number(sessions)).toBe(Number(signedIn));
    expect(Number(audits)).toBe(Number(signedIn));
    expect(Number(stuck)).toBe(0);
    expect(integrity).toBe('ok');
    expect(summary).not.toMatch(/problems/);
  }, 180_000);
});
