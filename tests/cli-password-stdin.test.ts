/**
 * `--password -` reads the password from standard input, so an administrator never has to put one on a
 * command line, where `ps`, the shell's history and sudo's log keep it (docs/deploy-server.md's first
 * account manager). Real CLI processes over a temp data dir.
 */
import { verify } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, readDb, removeDataDir, runCli } from './cli-helpers/wrsauth-process';

const PASSWORD = 'Stdin-Chosen-Passw0rd-2026';

let dataDir = '';
beforeAll(() => {
  dataDir = makeDataDir();
});
afterAll(() => removeDataDir(dataDir));

const admin = (args: string[], input?: string) =>
  runCli(args, { WRSAUTH_DATA_DIR: dataDir }, undefined, input);

function passwordHashOf(username: string): string {
  return readDb(
    dataDir,
    (db) =>
      (
        db.prepare('SELECT password_hash FROM users WHERE username = ?').get(username) as {
          password_hash: string;
        }
      ).password_hash,
  );
}

describe('--password - (standard input)', { timeout: 60_000 }, () => {
  it('create-user takes the password from standard input, without its newline', async () => {
    const created = await admin(
      ['create-user', '--username', 'stdin-manager', '--password', '-', '--role', 'admin'],
      `${PASSWORD}\n`,
    );
    expect(created.code, created.stderr).toBe(0);
    expect(await verify(passwordHashOf('stdin-manager'), PASSWORD)).toBe(true);
    expect(created.stdout + created.stderr).not.toContain(PASSWORD);
  });

  it('temporary-password takes it from standard input too', async () => {
    const temporary = 'Stdin-Temporary-Passw0rd-77';
    const set = await admin(
      ['temporary-password', '--username', 'stdin-manager', '--password', '-', '--reason', 'forgot'],
      temporary,
    );
    expect(set.code, set.stderr).toBe(0);
    expect(await verify(passwordHashOf('stdin-manager'), temporary)).toBe(true);
  });

  it('refuses empty input, or more than one line, in one line and creating nobody', async () => {
    const empty = await admin(['create-user', '--username', 'stdin-nobody', '--password', '-'], '\n');
    expect([empty.code, empty.stderr.trim()]).toEqual([
      2,
      'wrsauth: --password -: standard input held no password',
    ]);
    const twoLines = await admin(
      ['create-user', '--username', 'stdin-nobody', '--password', '-'],
      `${PASSWORD}\nsecond\n`,
    );
    expect([twoLines.code, twoLines.stderr.trim()]).toEqual([
      2,
      'wrsauth: --password -: give the password on one line',
    ]);
    expect(
      readDb(dataDir, (db) =>
        db.prepare("SELECT count(*) AS n FROM users WHERE username = 'stdin-nobody'").get(),
      ),
    ).toEqual({ n: 0 });
  });
});
