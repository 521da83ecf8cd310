/**
 * The admin CLI as real processes on a PostgreSQL database (WRSAUTH_DATABASE_URL): it creates and migrates
 * the database itself, and its effects are checked in the database. The SQLite side of these rules is in
 * tests/cli.test.ts.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_OUTBOX_FILE } from '../../server/delivery/dev-outbox';
import { SECRET_FILE } from '../../server/secrets';
import { type CliResult, makeDataDir, removeDataDir, runCli } from '../cli-helpers/wrsauth-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const SECRET = randomBytes(32).toString('base64');
const PASSWORD = 'Kiplock2024pw';

let database: TestDatabase;
let dataDir: string;
let client: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = makeDataDir();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
  removeDataDir(dataDir);
});

const admin = (args: string[]) =>
  runCli(args, { WRSAUTH_DATA_DIR: dataDir, WRSAUTH_DATABASE_URL: database.url, WRSAUTH_SECRET: SECRET });

async function rows<T>(text: string, values: unknown[] = []): Promise<T[]> {
  return (await client.query(text, values)).rows as T[];
}

function expectSuccess(result: CliResult): void {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
}

// Each CLI run starts Node and tsx afresh: seconds apiece on a busy machine.
describe('admin CLI on PostgreSQL (in order)', { timeout: 90_000 }, () => {
  it('create-user migrates the empty database itself and starts the practice with "Main Office", optional', async () => {
    const result = await admin([
      'create-user',
      '--username',
      'CKiplock',
      '--password',
      PASSWORD,
      '--phone',
      '+12025553816',
    ]);

    expectSuccess(result);
    expect(await rows('SELECT policy_mode FROM practices')).toEqual([{ policy_mode: 'optional' }]);
    expect(await rows('SELECT name FROM locations')).toEqual([{ name: 'Main Office' }]);
    const [user] = await rows<{ password_hash: string; username_key: string }>(
      'SELECT password_hash, username_key FROM users',
    );
    expect(user?.username_key).toBe('ckiplock');
    expect(user?.password_hash).toMatch(/^\$argon2id\$/);
    expect(fs.existsSync(path.join(dataDir, SECRET_FILE))).toBe(false);
  });

  it('refuses a User ID that differs only in case, and of two parallel runs for one new name exactly one wins', async () => {
    const again = await admin(['create-user', '--username', 'ckiplock', '--password', PASSWORD]);
    expect(again.code).not.toBe(0);
    expect(again.stderr.trimEnd()).toBe('wrsauth: user "ckiplock" already exists');

    const both = await Promise.all([
      admin(['create-user', '--username', 'twin', '--password', PASSWORD]),
      admin(['create-user', '--username', 'Twin', '--password', PASSWORD]),
    ]);

    expect(both.filter((r) => r.code === 0)).toHaveLength(1);
    const refused = both.find((r) => r.code !== 0);
    expect(refused?.stderr.trimEnd()).toMatch(/^wrsauth: user "[Tt]win" already exists$/);
    expect(await rows("SELECT username FROM users WHERE username_key = 'twin'")).toHaveLength(1);
  });

  it('set-policy writes the practice policy', async () => {
    const result = await admin([
      'set-policy',
      '--mode',
      'required',
      '--code-ttl',
      '120',
      '--remember-days',
      '14',
    ]);

    expectSuccess(result);
    expect(await rows('SELECT policy_mode, code_ttl_seconds, remember_days FROM practices')).toEqual([
      { policy_mode: 'required', code_ttl_seconds: 120, remember_days: 14 },
    ]);
  });

  it('reset-2fa counts and revokes only the live trusted workstations, and clears the lock', async () => {
    const [user] = await rows<{ id: string }>("SELECT id FROM users WHERE username_key = 'ckiplock'");
    const insert = `INSERT INTO trusted_devices (id, token_hash, user_id, name, created_at, last_used_at, expires_at, revoked_at)
      VALUES ($1, $2, $3, $4, '2024-01-01T00:00:00.000Z', NULL, '2999-01-01T00:00:00.000Z', $5)`;
    await client.query(insert, ['d1', 'h1', user?.id, 'Front desk', null]);
    await client.query(insert, ['d2', 'h2', user?.id, 'Exam room', null]);
    await client.query(insert, ['d3', 'h3', user?.id, 'Old laptop', '2020-01-01T00:00:00.000Z']);
    await client.query(
      "UPDATE users SET failed_attempts = 10, locked_until = '2999-01-01T00:00:00.000Z' WHERE id = $1",
      [user?.id],
    );

    const result = await admin(['reset-2fa', '--username', 'CKIPLOCK']);

    // The user is told: with no SMS provider configured, through the dev outbox, whose DEV log line holds
    // the masked number only; the number and the text stay in the file.
    expect(result.code).toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/"msg":"DEV sms to ••• - ••• - 3816: written to the dev outbox"/),
    ]);
    expect(result.stderr).not.toContain('2025553816');
    const outbox = fs.readFileSync(path.join(dataDir, DEV_OUTBOX_FILE), 'utf8').trim().split('\n');
    expect(JSON.parse(outbox.at(-1) ?? '{}')).toMatchObject({
      channel: 'sms',
      to: '+12025553816',
      text: expect.stringMatching(/^Your account manager reset two-factor sign-in/),
    });
    expect(result.stdout.trim()).toBe(
      'reset 2FA for "CKiplock": locks cleared, sessions ended, 2 trusted workstation(s) revoked, recovery codes voided',
    );
    expect(await rows("SELECT id FROM trusted_devices WHERE revoked_at > '2021'")).toHaveLength(2);
    expect(await rows('SELECT failed_attempts, locked_until FROM users WHERE id = $1', [user?.id])).toEqual([
      { failed_attempts: 0, locked_until: null },
    ]);
  });

  it('audit lists one user’s events newest first, capped by --limit', async () => {
    const result = await admin(['audit', '--username', 'ckiplock', '--limit', '2']);

    expectSuccess(result);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\S+Z\s+two_factor_reset\s+CKiplock\s+-\s+\{/);
    // Who ran it: the operating-system user, read here on its own.
    expect(JSON.parse(lines[0]?.replace(/^.*?\s-\s+/, '') ?? '{}')).toEqual({
      revokedSessions: 0,
      revokedDevices: 2,
      removedAuthenticator: false,
      voidedRecoveryCodes: 0,
      by: `(cli: ${os.userInfo().username})`,
    });
    expect(lines[1]).toMatch(/^\S+Z\s+user_created\s+CKiplock\s/);
  });

  it('audit --format jsonl exports every event of the user in id order, and records the export with its count', async () => {
    const result = await admin(['audit', '--username', 'ckiplock', '--format', 'jsonl']);
    expect(result.code).toBe(0);
    const events = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; type: string });
    const stored = await rows<{ id: string }>(
      "SELECT id FROM audit_events WHERE username = 'CKiplock' AND event_type <> 'audit_exported' ORDER BY id",
    );
    expect(events.map((event) => event.id)).toEqual(stored.map((row) => row.id));
    expect(result.stderr).toBe(
      `exported ${events.length} events from the first event to now (UTC); user CKiplock\n`,
    );
    const [exported] = await rows<{ detail: string }>(
      "SELECT detail FROM audit_events WHERE event_type = 'audit_exported'",
    );
    expect(JSON.parse(exported?.detail ?? '{}')).toMatchObject({ format: 'jsonl', rows: events.length });
  });

  it('keeps the audit trail append-only: PostgreSQL refuses UPDATE, DELETE and TRUNCATE', async () => {
    const before = await rows('SELECT count(*)::int AS n FROM audit_events');

    for (const statement of [
      "UPDATE audit_events SET event_type = 'tampered'",
      'DELETE FROM audit_events',
      'TRUNCATE audit_events',
    ]) {
      await expect(client.query(statement), statement).rejects.toThrow(/append-only/);
    }
    expect(await rows('SELECT count(*)::int AS n FROM audit_events')).toEqual(before);
  });

  it('stores neither the server key nor a password anywhere in the database', async () => {
    const tables = await rows<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
    );
    let dump = '';
    for (const { tablename } of tables) {
      dump += JSON.stringify(await rows(`SELECT * FROM "${tablename}"`));
    }

    expect(dump).toContain('CKiplock');
    expect(dump).not.toContain(SECRET);
    expect(dump).not.toContain(Buffer.from(SECRET, 'base64').toString('hex'));
    expect(dump).not.toContain(PASSWORD);
  });
});
