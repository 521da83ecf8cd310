/**
 * Crash safety, in the bounded form CI runs (the full run is `npm run crash-test`, 1,000 sign-ins): the server
 * process is SIGKILLed mid-request and restarted on the same SQLite data dir, and every sign-in that got its
 * 200 must keep its session and its audit record, with the database passing integrity_check.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** The processes (Linux /proc) whose environment names this data dir: the servers started on it. */
function serversOn(dataDir: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return fs
          .readFileSync(`/proc/${pid}/environ`, 'utf8')
          .split('\0')
          .includes(`WRSAUTH_DATA_DIR=${dataDir}`);
      } catch {
        return false; // gone meanwhile, or not ours to read
      }
    })
    .map(Number);
}

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

  it('runs kills that land together one after another, and leaves no server running when it ends', async () => {
    // Every sign-in kills, three at a time: the kills overlap. Run at once, each would start a server of its
    // own and one would be left running, owned by nobody. The run may report problems (every sign-in is cut
    // off); what counts here is the restarts and what is left running.
    const output = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/crash-test.ts', '--sign-ins', '6', '--kills', '6', '--concurrency', '3'],
      { timeout: 170_000 },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const dataDir = /data dir (\S+)/.exec(output.stdout)?.[1];
    expect(dataDir, output.stdout).toBeDefined();
    expect(output.stdout).toMatch(/6 SIGKILLs and restarts/);
    const left = serversOn(dataDir ?? '');
    // Stopped here even when the test fails, so a failure leaks nothing into the rest of the run.
    for (const pid of left) process.kill(pid, 'SIGKILL');
    expect(left).toEqual([]);
  }, 180_000);
});
