/**
 * The admin CLI and `serve`, run as real processes over temp data dirs; effects are checked through the CLI,
 * over HTTP and in the SQLite file itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { verify } from '@node-rs/argon2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEV_OUTBOX_FILE } from '../server/delivery/dev-outbox';
import { SECRET_FILE } from '../server/secrets';
import { operatingSystemUser } from '../server/services/audit-log';
import {
  type CliResult,
  databaseBytes,
  freePort,
  login,
  makeDataDir,
  readDb,
  removeDataDir,
  runAdmin,
  runCli,
  ServerProcess,
  SQLITE_FILE,
  writeDb,
} from './cli-helpers/wrsauth-process';

interface UserRow {
  id: string;
  username: string;
  username_key: string;
  password_hash: string;
  first_name: string;
  last_name: string;
  role: string;
  phone: string | null;
  email: string | null;
  failed_attempts: number;
  locked_until: string | null;
  temporary_password_until: string | null;
}

interface PracticeRow {
  policy_mode: string;
  enforce_after: string | null;
  code_ttl_seconds: number;
  remember_days: number;
  idle_lock_minutes: number;
}

interface AuditRow {
  event_type: string;
  user_id: string | null;
  username: string | null;
  ip: string | null;
  user_agent: string | null;
  detail: string;
}

interface DeviceRow {
  id: string;
  revoked_at: string | null;
}

/** Who the audit trail names for a CLI action: the operating-system user running it, read here on its own. */
const CLI_BY = `(cli: ${operatingSystemUser()})`;
const CLI_AGENT = `wrsauth-cli ${CLI_BY}`;
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const ARGON2ID_OWASP = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/;

function userNamed(dataDir: string, username: string): UserRow | undefined {
  return readDb(dataDir, (db) =>
    db.prepare('SELECT * FROM users WHERE username_key = ?').get(username.toLowerCase()),
  ) as UserRow | undefined;
}

function locationsOf(dataDir: string, userId: string): string[] {
  return readDb(dataDir, (db) =>
    db
      .prepare(
        `SELECT l.name FROM user_locations ul JOIN locations l ON l.id = ul.location_id
         WHERE ul.user_id = ? ORDER BY l.name`,
      )
      .pluck()
      .all(userId),
  ) as string[];
}

function allLocationNames(dataDir: string): string[] {
  return readDb(dataDir, (db) =>
    db.prepare('SELECT name FROM locations ORDER BY name').pluck().all(),
  ) as string[];
}

function practiceOf(dataDir: string): PracticeRow[] {
  return readDb(dataDir, (db) =>
    db
      .prepare(
        'SELECT policy_mode, enforce_after, code_ttl_seconds, remember_days, idle_lock_minutes FROM practices',
      )
      .all(),
  ) as PracticeRow[];
}

function selfServiceResetOf(dataDir: string): string {
  return readDb(dataDir, (db) =>
    db.prepare('SELECT self_service_reset FROM practices').pluck().get(),
  ) as string;
}

function auditEvents(dataDir: string, eventType: string): AuditRow[] {
  return readDb(dataDir, (db) =>
    db.prepare('SELECT * FROM audit_events WHERE event_type = ? ORDER BY at, id').all(eventType),
  ) as AuditRow[];
}

function userCount(dataDir: string): number {
  return readDb(dataDir, (db) => db.prepare('SELECT count(*) FROM users').pluck().get()) as number;
}

/** Exit code 0 and nothing on stderr, or the test fails showing what the CLI said. */
function expectSuccess(result: CliResult): void {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
}

interface DevOutboxEntry {
  channel: string;
  to: string;
  text: string;
}

function devOutbox(dataDir: string): DevOutboxEntry[] {
  const file = path.join(dataDir, DEV_OUTBOX_FILE);
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as DevOutboxEntry);
}

/**
 * Exit code 0, and on stderr only the dev outbox's DEV lines: without SMTP or Twilio configured, the security
 * notices a command sends (2FA reset, bypass code issued) are written to the dev outbox, and each is logged
 * as having gone there, to a masked target: the full phone number or address and the text stay in the file.
 * Answers the notices the command wrote there, as "<channel> to <contact>: <text>", sorted.
 */
function expectSuccessWithDevNotices(result: CliResult, dataDir: string): string[] {
  expect(result.code).toBe(0);
  const lines = result.stderr.split('\n').filter(Boolean);
  const messages = lines.map((line) => (JSON.parse(line) as { msg?: string }).msg ?? '');
  for (const message of messages) {
    expect(message).toMatch(
      /^DEV (sms to ••• - ••• - \d{4}|email to [^@\s]+•••\S+): written to the dev outbox$/,
    );
  }
  const written = devOutbox(dataDir).slice(-lines.length);
  for (const entry of written) {
    expect(result.stderr).not.toContain(entry.to);
    expect(result.stderr).not.toContain(entry.text);
  }
  // A notice goes to every contact at once, so they arrive in either order: sorted, email comes first.
  return written.map((entry) => `${entry.channel} to ${entry.to}: ${entry.text}`).sort();
}

/** Non-zero exit, nothing on stdout, and exactly one line on stderr giving the reason. */
function expectOneLineRefusal(result: CliResult, reason: RegExp): void {
  expect(result.code).not.toBe(0);
  expect(result.code).not.toBeNull();
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^wrsauth: /);
  expect(lines[0]).toMatch(reason);
}

describe('admin CLI commands on one data dir (in order)', () => {
  let parent: string | undefined;
  let dataDir = '';
  const password = 'Kiplock2024pw';
  beforeAll(() => {
    parent = makeDataDir();
    // Not created yet: the first command must create it.
    dataDir = path.join(parent, 'practice', 'data');
  });
  afterAll(() => removeDataDir(parent));

  it('creates and migrates a new data dir itself, starting the practice with "Main Office" and policy optional', async () => {
    expect(fs.existsSync(dataDir)).toBe(false);

    const result = await runAdmin(dataDir, ['audit']);

    expectSuccess(result);
    expect(result.stdout.trim()).toBe('no audit events');
    expect(fs.existsSync(path.join(dataDir, SQLITE_FILE))).toBe(true);
    expect(practiceOf(dataDir)).toEqual([
      {
        policy_mode: 'optional',
        enforce_after: null,
        code_ttl_seconds: 600,
        remember_days: 30,
        idle_lock_minutes: 15,
      },
    ]);
    expect(allLocationNames(dataDir)).toEqual(['Main Office']);
    expect(userCount(dataDir)).toBe(0);
  });

  it('create-user stores an argon2id hash of the password, never the password, and links the user to "Main Office"', async () => {
    const result = await runAdmin(dataDir, [
      'create-user',
      '--username',
      'CKiplock',
      '--password',
      password,
      '--first-name',
      'Casey',
      '--last-name',
      'Kiplock',
      '--phone',
      '+12025553816',
      '--email',
      'ckiplock@practice.example',
    ]);

    expectSuccess(result);
    expect(result.stdout).toMatch(/^created staff "CKiplock" \(id [0-9a-f-]{36}\) at Main Office\n$/);
    const user = userNamed(dataDir, 'CKiplock');
    expect(user).toMatchObject({
      username: 'CKiplock',
      username_key: 'ckiplock',
      first_name: 'Casey',
      last_name: 'Kiplock',
      role: 'staff',
      phone: '+12025553816',
      email: 'ckiplock@practice.example',
      failed_attempts: 0,
      locked_until: null,
    });
    expect(user?.password_hash).toMatch(ARGON2ID_OWASP);
    expect(await verify(user?.password_hash ?? '', password)).toBe(true);
    expect(databaseBytes(dataDir).includes(password)).toBe(false);
    expect(locationsOf(dataDir, user?.id ?? '')).toEqual(['Main Office']);
  });

  it('create-user records a user_created audit event from the CLI without the phone or email', () => {
    const [event, ...more] = auditEvents(dataDir, 'user_created');
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      user_id: userNamed(dataDir, 'CKiplock')?.id,
      username: 'CKiplock',
      ip: null,
      user_agent: CLI_AGENT,
    });
    expect(JSON.parse(event?.detail ?? '{}')).toEqual({
      role: 'staff',
      hasPhone: true,
      hasEmail: true,
      locations: 1,
    });
    expect(event?.detail).not.toMatch(/3816|ckiplock@/);
  });

  it('create-user --role admin with --location links each named location, creating only the new ones', async () => {
    const result = await runAdmin(dataDir, [
      'create-user',
      '--username',
      'avery',
      '--password',
      'Manager99x',
      '--role',
      'admin',
      '--location',
      'Eastside Clinic',
      '--location',
      'Main Office',
    ]);

    expectSuccess(result);
    expect(result.stdout).toMatch(/^created admin "avery" .* at Eastside Clinic, Main Office\n$/);
    const user = userNamed(dataDir, 'avery');
    expect(user).toMatchObject({ role: 'admin', phone: null, email: null, first_name: '', last_name: '' });
    expect(locationsOf(dataDir, user?.id ?? '')).toEqual(['Eastside Clinic', 'Main Office']);
    expect(allLocationNames(dataDir)).toEqual(['Eastside Clinic', 'Main Office']);
  });

  it('set-policy writes mode, enforce-after date, code TTL, remember days, idle lock and the SMS guard to the practice, and audits it', async () => {
    const result = await runAdmin(dataDir, [
      'set-policy',
      '--mode',
      'required',
      '--enforce-after',
      '2030-02-28',
      '--code-ttl',
      '120',
      '--remember-days',
      '14',
      '--idle-lock-minutes',
      '5',
      '--sms-per-hour',
      '50',
      '--sms-countries',
      '+1, 44',
    ]);

    expectSuccess(result);
    expect(result.stdout.trim()).toBe(
      'policy: required, required from 2030-02-28; code TTL 120s; remember workstations 14 days; idle lock 5 min; texts 50/h to +1, +44',
    );
    expect(practiceOf(dataDir)).toEqual([
      {
        policy_mode: 'required',
        enforce_after: '2030-02-28',
        code_ttl_seconds: 120,
        remember_days: 14,
        idle_lock_minutes: 5,
      },
    ]);
    const events = auditEvents(dataDir, 'policy_changed');
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]?.detail ?? '{}')).toMatchObject({
      policy_mode: 'required',
      enforce_after: '2030-02-28',
      code_ttl_seconds: 120,
      remember_days: 14,
      idle_lock_minutes: 5,
      sms_per_hour: 50,
      sms_countries: '1,44',
    });
  });

  it('set-policy --self-service-reset changes only how a forgotten password may be reset, says so, and audits it', async () => {
    const result = await runAdmin(dataDir, ['set-policy', '--self-service-reset', 'one_factor']);

    expectSuccess(result);
    expect(result.stdout.trim()).toBe(
      'policy: required, required from 2030-02-28; code TTL 120s; remember workstations 14 days; idle lock 5 min; texts 50/h to +1, +44; self-service reset one_factor',
    );
    expect(selfServiceResetOf(dataDir)).toBe('one_factor');
    // The mode and its date stay as they were.
    expect(practiceOf(dataDir)).toEqual([
      expect.objectContaining({ policy_mode: 'required', enforce_after: '2030-02-28' }),
    ]);
    const events = auditEvents(dataDir, 'policy_changed');
    expect(events).toHaveLength(2);
    expect(JSON.parse(events[1]?.detail ?? '{}')).toEqual({ self_service_reset: 'one_factor' });

    expectSuccess(
      await runAdmin(dataDir, ['set-policy', '--mode', 'required', '--self-service-reset', 'off']),
    );
    expect(selfServiceResetOf(dataDir)).toBe('off');
    expectSuccess(await runAdmin(dataDir, ['set-policy', '--self-service-reset', 'two_factors']));
    expect(selfServiceResetOf(dataDir)).toBe('two_factors');
  });

  it('unlock clears the lock and the failed-attempt count, and records account_unlocked', async () => {
    writeDb(dataDir, (db) =>
      db
        .prepare(
          "UPDATE users SET failed_attempts = 10, locked_until = '2999-01-01T00:00:00.000Z' WHERE username = ?",
        )
        .run('CKiplock'),
    );

    const result = await runAdmin(dataDir, ['unlock', '--username', 'CKiplock']);

    expectSuccess(result);
    expect(result.stdout.trim()).toBe('unlocked "CKiplock"');
    expect(userNamed(dataDir, 'CKiplock')).toMatchObject({ failed_attempts: 0, locked_until: null });
    expect(auditEvents(dataDir, 'account_unlocked')).toMatchObject([{ username: 'CKiplock' }]);
  });

  it('reset-2fa revokes every live trusted workstation, keeps earlier revocations, clears locks and audits it', async () => {
    const userId = userNamed(dataDir, 'CKiplock')?.id ?? '';
    const earlier = '2020-01-01T00:00:00.000Z';
    writeDb(dataDir, (db) => {
      const insert = db.prepare(
        `INSERT INTO trusted_devices (id, token_hash, user_id, name, created_at, last_used_at, expires_at, revoked_at)
         VALUES (?, ?, ?, ?, '2024-01-01T00:00:00.000Z', NULL, '2999-01-01T00:00:00.000Z', ?)`,
      );
      insert.run('device-front', 'hash-front', userId, 'Front desk PC', null);
      insert.run('device-exam', 'hash-exam', userId, 'Exam room 2', null);
      insert.run('device-old', 'hash-old', userId, 'Old laptop', earlier);
      db.prepare(
        "UPDATE users SET failed_attempts = 4, locked_until = '2999-01-01T00:00:00.000Z' WHERE id = ?",
      ).run(userId);
    });

    const result = await runAdmin(dataDir, ['reset-2fa', '--username', 'CKiplock']);

    expect(expectSuccessWithDevNotices(result, dataDir)).toEqual([
      expect.stringMatching(/^email to ckiplock@practice\.example: .*reset two-factor sign-in/),
      expect.stringMatching(/^sms to \+12025553816: .*reset two-factor sign-in/),
    ]);
    expect(result.stdout.trim()).toBe(
      'reset 2FA for "CKiplock": locks cleared, sessions ended, 2 trusted workstation(s) revoked, recovery codes voided',
    );
    const devices = readDb(dataDir, (db) =>
      db.prepare('SELECT id, revoked_at FROM trusted_devices ORDER BY id').all(),
    ) as DeviceRow[];
    expect(devices.find((d) => d.id === 'device-old')?.revoked_at).toBe(earlier);
    for (const id of ['device-front', 'device-exam']) {
      const revokedAt = devices.find((d) => d.id === id)?.revoked_at ?? '';
      expect(revokedAt > earlier, `${id} revoked_at ${revokedAt}`).toBe(true);
    }
    expect(userNamed(dataDir, 'CKiplock')).toMatchObject({ failed_attempts: 0, locked_until: null });
    const events = auditEvents(dataDir, 'two_factor_reset');
    expect(events).toMatchObject([{ username: 'CKiplock', user_agent: CLI_AGENT }]);
    expect(JSON.parse(events[0]?.detail ?? '{}')).toEqual({
      revokedSessions: 0,
      revokedDevices: 2,
      removedAuthenticator: false,
      voidedRecoveryCodes: 0,
      by: CLI_BY,
    });
  });

  it('audit lists one user’s events newest first, capped by --limit', async () => {
    const result = await runAdmin(dataDir, ['audit', '--username', 'CKiplock', '--limit', '2']);

    expectSuccess(result);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(
        `^\\S+Z\\s+two_factor_reset\\s+CKiplock\\s+-\\s+${escaped(`{"revokedSessions":0,"revokedDevices":2,"removedAuthenticator":false,"voidedRecoveryCodes":0,"by":"${CLI_BY}"}`)}$`,
      ),
    );
    expect(lines[1]).toMatch(
      new RegExp(`^\\S+Z\\s+account_unlocked\\s+CKiplock\\s+-\\s+${escaped(`{"by":"${CLI_BY}"}`)}$`),
    );
  });

  it('reset-2fa removes the authenticator app too, and says so', async () => {
    const userId = userNamed(dataDir, 'CKiplock')?.id ?? '';
    writeDb(dataDir, (db) =>
      db
        .prepare(
          `INSERT INTO totp_factors (user_id, secret_sealed, created_at, confirmed_at, last_time_step)
           VALUES (?, 'v1.sealed', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z', NULL)`,
        )
        .run(userId),
    );

    const result = await runAdmin(dataDir, ['reset-2fa', '--username', 'ckiplock', '--reason', 'Lost phone']);

    expect(expectSuccessWithDevNotices(result, dataDir).join('\n')).toMatch(/authenticator app was removed/);
    expect(result.stdout.trim()).toBe(
      'reset 2FA for "CKiplock": locks cleared, sessions ended, 0 trusted workstation(s) revoked, authenticator app removed, recovery codes voided',
    );
    expect(readDb(dataDir, (db) => db.prepare('SELECT count(*) FROM totp_factors').pluck().get())).toBe(0);
    expect(JSON.parse(auditEvents(dataDir, 'two_factor_reset').at(-1)?.detail ?? '{}')).toEqual({
      revokedSessions: 0,
      revokedDevices: 0,
      removedAuthenticator: true,
      voidedRecoveryCodes: 0,
      by: CLI_BY,
      reason: 'Lost phone',
    });
  });

  it('revoke-devices --username revokes one user’s live workstations; --all every user’s, with the reason on record', async () => {
    const casey = userNamed(dataDir, 'CKiplock')?.id ?? '';
    const avery = userNamed(dataDir, 'avery')?.id ?? '';
    const addDevice = (id: string, userId: string) =>
      writeDb(dataDir, (db) =>
        db
          .prepare(
            `INSERT INTO trusted_devices (id, token_hash, user_id, name, created_at, last_used_at, expires_at, revoked_at)
             VALUES (?, ?, ?, 'PC', '2024-01-01T00:00:00.000Z', NULL, '2999-01-01T00:00:00.000Z', NULL)`,
          )
          .run(id, `hash-${id}`, userId),
      );
    const live = () =>
      readDb(dataDir, (db) =>
        db.prepare('SELECT id FROM trusted_devices WHERE revoked_at IS NULL ORDER BY id').pluck().all(),
      );
    addDevice('rd-casey-1', casey);
    addDevice('rd-casey-2', casey);
    addDevice('rd-avery-1', avery);

    const one = await runAdmin(dataDir, ['revoke-devices', '--username', 'CKiplock']);
    expectSuccess(one);
    expect(one.stdout.trim()).toBe('revoked 2 trusted workstation(s) of "CKiplock"');
    expect(live()).toEqual(['rd-avery-1']);

    addDevice('rd-casey-3', casey);
    const all = await runAdmin(dataDir, ['revoke-devices', '--all', '--reason', 'Stolen laptop']);
    expectSuccess(all);
    expect(all.stdout.trim()).toBe('revoked 2 trusted workstation(s) of every user');
    expect(live()).toEqual([]);
    expect(JSON.parse(auditEvents(dataDir, 'trusted_devices_revoked_everywhere')[0]?.detail ?? '{}')).toEqual(
      {
        revoked: 2,
        by: CLI_BY,
        reason: 'Stolen laptop',
      },
    );
  });

  it('revoke-sessions --username ends one user’s live sessions; --all everyone’s; the reason and the OS user on record', async () => {
    const casey = userNamed(dataDir, 'CKiplock')?.id ?? '';
    const avery = userNamed(dataDir, 'avery')?.id ?? '';
    const addSession = (id: string, userId: string, expiresAt = '2999-01-01T00:00:00.000Z') =>
      writeDb(dataDir, (db) =>
        db
          .prepare(
            `INSERT INTO sessions (id, token_hash, user_id, created_at, last_seen_at, expires_at, revoked_at, second_factor, amr)
             VALUES (?, ?, ?, '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z', ?, NULL, 1, 'pwd otp mfa')`,
          )
          .run(id, `hash-${id}`, userId, expiresAt),
      );
    const live = () =>
      readDb(dataDir, (db) =>
        db
          .prepare("SELECT id FROM sessions WHERE revoked_at IS NULL AND id LIKE 'rs-%' ORDER BY id")
          .pluck()
          .all(),
      );
    addSession('rs-casey-1', casey);
    addSession('rs-casey-2', casey);
    addSession('rs-avery-1', avery);
    // Over already (past its 12 hours): not counted as signed out now.
    addSession('rs-avery-old', avery, '2001-01-01T00:00:00.000Z');

    expectOneLineRefusal(
      await runAdmin(dataDir, ['revoke-sessions', '--username', 'CKiplock']),
      /--reason is required/,
    );
    expectOneLineRefusal(
      await runAdmin(dataDir, ['revoke-sessions', '--reason', 'Stolen laptop']),
      /either --username U or --all/,
    );
    expect(live()).toHaveLength(4);

    const one = await runAdmin(dataDir, [
      'revoke-sessions',
      '--username',
      'CKiplock',
      '--reason',
      'Lost phone',
    ]);
    expectSuccess(one);
    expect(one.stdout.trim()).toBe('ended 2 signed-in session(s) of "CKiplock"');
    expect(live()).toEqual(['rs-avery-1', 'rs-avery-old']);
    expect(auditEvents(dataDir, 'sessions_revoked')).toMatchObject([
      { username: 'CKiplock', user_id: casey, user_agent: CLI_AGENT },
    ]);
    expect(JSON.parse(auditEvents(dataDir, 'sessions_revoked')[0]?.detail ?? '{}')).toEqual({
      revoked: 2,
      by: CLI_BY,
      reason: 'Lost phone',
    });

    const all = await runAdmin(dataDir, ['revoke-sessions', '--all', '--reason', 'Breach at the front desk']);
    expectSuccess(all);
    expect(all.stdout.trim()).toBe('ended 1 signed-in session(s) of every user');
    expect(live()).toEqual(['rs-avery-old']);
    expect(JSON.parse(auditEvents(dataDir, 'sessions_revoked_everywhere')[0]?.detail ?? '{}')).toEqual({
      revoked: 1,
      by: CLI_BY,
      reason: 'Breach at the front desk',
      keptOwnSession: false,
    });
  });

  it('recover prints a one-time bypass code and its expiry, stores only its HMAC, unlocks and audits the reason', async () => {
    writeDb(dataDir, (db) =>
      db
        .prepare(
          "UPDATE users SET failed_attempts = 10, locked_until = '2999-01-01T00:00:00.000Z' WHERE username = ?",
        )
        .run('CKiplock'),
    );

    const result = await runAdmin(dataDir, [
      'recover',
      '--username',
      'ckiplock',
      '--reason',
      'Lost phone, ID checked in person',
    ]);

    const notices = expectSuccessWithDevNotices(result, dataDir);
    // The user's two contacts hear of it; avery, the only account manager, has no contact on file.
    expect(notices).toHaveLength(2);
    expect(notices.join('\n')).toMatch(/issued a one-time code to sign in/);
    const printed = result.stdout.match(
      /^one-time bypass code for "CKiplock": ([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}) \(valid until (\S+Z), one sign-in; the account is unlocked\)\n$/,
    );
    expect(printed, result.stdout).not.toBeNull();
    const [, code = '', until = ''] = printed ?? [];
    const [row] = readDb(dataDir, (db) =>
      db.prepare('SELECT created_at, expires_at, used_at FROM bypass_codes').all(),
    ) as Array<{ created_at: string; expires_at: string; used_at: string | null }>;
    expect(row?.expires_at).toBe(until);
    expect(new Date(until).getTime() - new Date(row?.created_at ?? '').getTime()).toBe(15 * 60_000);
    expect(databaseBytes(dataDir).includes(code)).toBe(false);
    expect(databaseBytes(dataDir).includes(code.replace(/-/g, ''))).toBe(false);
    expect(userNamed(dataDir, 'CKiplock')).toMatchObject({ failed_attempts: 0, locked_until: null });
    const [event] = auditEvents(dataDir, 'recovery_bypass_issued');
    expect(JSON.parse(event?.detail ?? '{}')).toMatchObject({
      by: CLI_BY,
      reason: 'Lost phone, ID checked in person',
      checks: 'cli',
    });
  });

  it('temporary-password gives a week-long password that only leads to choosing one’s own; user told, audited', async () => {
    const result = await runAdmin(dataDir, [
      'temporary-password',
      '--username',
      'ckiplock',
      '--password',
      'Again2026x',
      '--reason',
      'Forgot password at the front desk',
    ]);
    const notices = expectSuccessWithDevNotices(result, dataDir);
    expect(notices).toHaveLength(2);
    expect(notices.join('\n')).toMatch(/set a temporary password on your WRSAuth account/);
    const user = userNamed(dataDir, 'CKiplock');
    expect(result.stdout).toBe(
      `"CKiplock" has a temporary password until ${user?.temporary_password_until}: it signs in only to choose their own; sessions, trusted workstations and recovery codes ended, the user told\n`,
    );
    expect(new Date(user?.temporary_password_until ?? '').getTime() - Date.now()).toBeGreaterThan(
      6.9 * 86_400_000,
    );
    expect(result.stdout + result.stderr).not.toContain('Again2026x');
    const [event] = auditEvents(dataDir, 'temporary_password_set');
    expect(JSON.parse(event?.detail ?? '{}')).toMatchObject({
      by: CLI_BY,
      reason: 'Forgot password at the front desk',
    });
  });

  it('create-user --resource-type, --start-date and --end-date store the account fields and say them', async () => {
    const result = await runAdmin(dataDir, [
      'create-user',
      '--username',
      'seasonal',
      '--password',
      'Season2026pw',
      '--resource-type',
      'Non-Healthcare Provider',
      '--start-date',
      '2026-06-01',
      '--end-date',
      '2026-08-31',
    ]);

    expectSuccess(result);
    expect(result.stdout).toMatch(
      /^created staff "seasonal" \(id [0-9a-f-]{36}\) at Main Office; resource type Non-Healthcare Provider, from 2026-06-01, until 2026-08-31\n$/,
    );
    expect(
      readDb(dataDir, (db) =>
        db
          .prepare('SELECT resource_type, start_date, end_date FROM users WHERE username_key = ?')
          .get('seasonal'),
      ),
    ).toEqual({ resource_type: 'Non-Healthcare Provider', start_date: '2026-06-01', end_date: '2026-08-31' });
    const created = auditEvents(dataDir, 'user_created').at(-1);
    expect(JSON.parse(created?.detail ?? '{}')).toMatchObject({
      startDate: '2026-06-01',
      endDate: '2026-08-31',
    });
  });

  it('set-policy --time-zone alone sets the zone account dates are read in, says so, and audits it', async () => {
    const timeZoneOf = () =>
      readDb(dataDir, (db) => db.prepare('SELECT time_zone FROM practices').pluck().get());
    expect(timeZoneOf()).toBe('UTC');

    const result = await runAdmin(dataDir, ['set-policy', '--time-zone', 'America/New_York']);

    expectSuccess(result);
    expect(result.stdout.trim()).toMatch(/; account dates in America\/New_York$/);
    expect(timeZoneOf()).toBe('America/New_York');
    expect(JSON.parse(auditEvents(dataDir, 'policy_changed').at(-1)?.detail ?? '{}')).toEqual({
      time_zone: 'America/New_York',
    });
  });

  describe('refuses bad input with a non-zero exit and a one-line reason, changing nothing', () => {
    /** Everything a refused command could have touched. */
    const snapshot = () =>
      JSON.stringify(
        readDb(dataDir, (db) => ({
          users: db.prepare('SELECT * FROM users ORDER BY id').all(),
          practices: db.prepare('SELECT * FROM practices').all(),
          locations: db.prepare('SELECT * FROM locations ORDER BY id').all(),
          devices: db.prepare('SELECT * FROM trusted_devices ORDER BY id').all(),
          audit: db.prepare('SELECT count(*) FROM audit_events').pluck().get(),
        })),
      );

    // A distinct name per case, so one wrongly accepted user cannot make the next case fail for another reason.
    let newcomers = 0;
    const newUser = (...extra: string[]) => ['create-user', '--username', `newbie${++newcomers}`, ...extra];
    const cases: Array<{ rule: string; args: string[]; reason: RegExp }> = [
      {
        rule: 'create-user refuses a password shorter than 8 characters',
        args: newUser('--password', 'abc1234'),
        reason: /password must be at least 8 characters/,
      },
      {
        rule: 'create-user refuses a password with letters but no digits',
        args: newUser('--password', 'abcdefghij'),
        reason: /password must contain both letters and digits/,
      },
      {
        rule: 'create-user refuses a password with digits but no letters',
        args: newUser('--password', '1234567890'),
        reason: /password must contain both letters and digits/,
      },
      {
        rule: 'create-user refuses a phone number libphonenumber-js rejects',
        args: newUser('--password', 'Newbie2024', '--phone', '+1202555'),
        reason: /"\+1202555" is not a valid phone number/,
      },
      {
        rule: 'create-user refuses an unknown flag',
        args: newUser('--password', 'Newbie2024', '--nickname', 'nb'),
        reason: /--nickname/,
      },
      {
        rule: 'create-user refuses a missing --password',
        args: newUser(),
        reason: /--password is required/,
      },
      {
        rule: 'create-user refuses a duplicate username, compared without case',
        args: ['create-user', '--username', 'ckiplock', '--password', 'Another2024'],
        reason: /user "ckiplock" already exists/,
      },
      {
        rule: 'create-user refuses an impossible --start-date (2026-02-30)',
        args: newUser('--password', 'Newbie2024', '--start-date', '2026-02-30'),
        reason: /--start-date "2026-02-30" is not a real date \(use YYYY-MM-DD\)/,
      },
      {
        rule: 'create-user refuses an --end-date that is not a date',
        args: newUser('--password', 'Newbie2024', '--end-date', '31/12/2026'),
        reason: /--end-date "31\/12\/2026" is not a real date/,
      },
      {
        rule: 'create-user refuses an --end-date before its --start-date',
        args: newUser('--password', 'Newbie2024', '--start-date', '2026-07-01', '--end-date', '2026-06-30'),
        reason: /--end-date 2026-06-30 is before --start-date 2026-07-01/,
      },
      {
        rule: 'set-policy refuses a --time-zone that is not an IANA name',
        args: ['set-policy', '--time-zone', 'Eastern Time'],
        reason: /--time-zone "Eastern Time" is not an IANA time zone name/,
      },
      {
        rule: 'set-policy refuses an offset given as --time-zone (a zone follows daylight saving)',
        args: ['set-policy', '--mode', 'optional', '--time-zone=-05:00'],
        reason: /--time-zone "-05:00" is not an IANA time zone name/,
      },
      {
        rule: 'set-policy refuses a --mode other than off, optional or required',
        args: ['set-policy', '--mode', 'sometimes'],
        reason: /--mode must be off, optional or required/,
      },
      {
        rule: 'set-policy refuses a --self-service-reset other than two_factors, one_factor or off',
        args: ['set-policy', '--self-service-reset', 'sometimes'],
        reason: /--self-service-reset must be two_factors, one_factor or off/,
      },
      {
        rule: 'set-policy refuses a misspelt --self-service-reset beside a good --mode',
        args: ['set-policy', '--mode', 'optional', '--self-service-reset', 'one-factor'],
        reason: /--self-service-reset must be two_factors, one_factor or off/,
      },
      {
        rule: 'set-policy refuses an --enforce-after that is not a real calendar date',
        args: ['set-policy', '--mode', 'optional', '--enforce-after', '2025-02-30'],
        reason: /--enforce-after must be a date as YYYY-MM-DD/,
      },
      {
        rule: 'set-policy refuses a code TTL below 120 seconds',
        args: ['set-policy', '--mode', 'required', '--code-ttl', '119'],
        reason: /--code-ttl must be 120-600 seconds/,
      },
      {
        rule: 'set-policy refuses a code TTL above 600 seconds',
        args: ['set-policy', '--mode', 'required', '--code-ttl', '601'],
        reason: /--code-ttl must be 120-600 seconds/,
      },
      {
        rule: 'set-policy refuses an idle lock of 0 minutes (the screen must lock)',
        args: ['set-policy', '--mode', 'optional', '--idle-lock-minutes', '0'],
        reason: /--idle-lock-minutes must be 1-60/,
      },
      {
        rule: 'set-policy refuses an idle lock above 60 minutes',
        args: ['set-policy', '--mode', 'optional', '--idle-lock-minutes', '61'],
        reason: /--idle-lock-minutes must be 1-60/,
      },
      {
        rule: 'set-policy refuses --sms-countries that are not country calling codes',
        args: ['set-policy', '--mode', 'optional', '--sms-countries', 'US'],
        reason: /--sms-countries must be country calling codes such as 1,44/,
      },
      {
        rule: 'set-policy refuses a negative --sms-per-hour',
        args: ['set-policy', '--mode', 'optional', '--sms-per-hour', '-1'],
        reason: /--sms-per-hour/,
      },
      {
        rule: 'unlock refuses an unknown user',
        args: ['unlock', '--username', 'ghost'],
        reason: /no user "ghost"/,
      },
      {
        rule: 'recover needs a reason',
        args: ['recover', '--username', 'CKiplock'],
        reason: /--reason is required/,
      },
      {
        rule: 'recover refuses a reason that says nothing (under 10 characters)',
        args: ['recover', '--username', 'CKiplock', '--reason', 'because'],
        reason: /--reason must be at least 10 characters/,
      },
      {
        rule: 'recover refuses an unknown user',
        args: ['recover', '--username', 'ghost', '--reason', 'Lost phone, ID checked'],
        reason: /no user "ghost"/,
      },
      {
        rule: 'temporary-password holds the password to the rule',
        args: [
          'temporary-password',
          '--username',
          'CKiplock',
          '--password',
          'short1',
          '--reason',
          'Forgot it',
        ],
        reason: /temporary password/i,
      },
      {
        rule: 'temporary-password needs a reason',
        args: ['temporary-password', '--username', 'CKiplock', '--password', 'Again2026x'],
        reason: /--reason is required/,
      },
      {
        rule: 'deactivate refuses the practice’s last active account manager',
        args: ['deactivate', '--username', 'avery'],
        reason: /last active account manager/,
      },
      {
        rule: 'deactivate refuses an unknown user',
        args: ['deactivate', '--username', 'ghost'],
        reason: /no user "ghost"/,
      },
      {
        rule: 'revoke-devices needs exactly one of --username and --all',
        args: ['revoke-devices', '--username', 'CKiplock', '--all'],
        reason: /either --username U or --all/,
      },
      {
        rule: 'revoke-devices refuses to run with neither --username nor --all',
        args: ['revoke-devices'],
        reason: /either --username U or --all/,
      },
      {
        rule: 'reset-2fa refuses an unknown user',
        args: ['reset-2fa', '--username', 'ghost'],
        reason: /no user "ghost"/,
      },
    ];

    for (const { rule, args, reason } of cases) {
      it(rule, async () => {
        const before = snapshot();
        expectOneLineRefusal(await runAdmin(dataDir, args), reason);
        expect(snapshot()).toBe(before);
      });
    }
  });
});

describe('admin CLI while `npm run server` (serve) runs on the same data dir', () => {
  let dataDir = '';
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    dataDir = makeDataDir();
    server = await ServerProcess.start(dataDir);
  });
  afterAll(async () => {
    await server?.stop();
    removeDataDir(dataDir);
  });

  it('serve without --demo seeds no users and prints no credentials on an empty data dir', () => {
    expect(userCount(dataDir)).toBe(0);
    expect(server?.stdout).not.toMatch(/Password/);
  });

  it('a user created by the CLI can sign in over HTTP at once: 200 with a code challenge to their phone', async () => {
    expectSuccess(
      await runAdmin(dataDir, [
        'create-user',
        '--username',
        'frontdesk',
        '--password',
        'Desk2024pw',
        '--phone',
        '+12025553816',
      ]),
    );

    const answer = await login(server?.url ?? '', 'frontdesk', 'Desk2024pw');

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: 'challenge',
      targets: [{ id: 'sms', channel: 'sms', masked: '••• - ••• - 3816' }],
    });
  });

  it('unlock from the CLI lets a user locked out by 10 wrong passwords sign in again', async () => {
    const url = server?.url ?? '';
    for (let i = 0; i < 10; i++) {
      expect((await login(url, 'frontdesk', `wrong${i}pass`)).status).toBe(401);
    }
    const locked = await login(url, 'frontdesk', 'Desk2024pw');
    expect(locked).toMatchObject({ status: 423, body: { error: 'account_locked' } });

    expectSuccess(await runAdmin(dataDir, ['unlock', '--username', 'frontdesk']));

    expect(await login(url, 'frontdesk', 'Desk2024pw')).toMatchObject({
      status: 200,
      body: { status: 'challenge' },
    });
  });

  it('recover prints a code that signs the user in over HTTP once, while the server runs', async () => {
    const url = server?.url ?? '';
    const result = await runAdmin(dataDir, [
      'recover',
      '--username',
      'frontdesk',
      '--reason',
      'Phone lost; called back on the number in the staff file',
    ]);
    expectSuccessWithDevNotices(result, dataDir);
    const code = result.stdout.match(/: (\S{4}-\S{4}-\S{4}) /)?.[1] ?? '';
    const verify = async () => {
      const { body } = await login(url, 'frontdesk', 'Desk2024pw');
      const response = await fetch(`${url}/api/v1/auth/challenges/${body.challengeId}/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code, targetId: 'bypass' }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    expect(await verify()).toMatchObject({ status: 200, body: { status: 'authenticated' } });
    expect(await verify()).toMatchObject({ status: 400, body: { error: 'invalid_code' } });
  });

  it('a user created with an end date already past cannot sign in: 401 as for a wrong password', async () => {
    expectSuccess(
      await runAdmin(dataDir, [
        'create-user',
        '--username',
        'departed',
        '--password',
        'Gone2024pw',
        '--start-date',
        '2020-01-01',
        '--end-date',
        '2020-12-31',
      ]),
    );
    const right = await login(server?.url ?? '', 'departed', 'Gone2024pw');
    const wrong = await login(server?.url ?? '', 'departed', 'Wrong2024pw');
    expect(right).toEqual(wrong);
    expect(right).toMatchObject({ status: 401, body: { error: 'invalid_credentials' } });
  });

  it('deactivate from the CLI refuses the user’s next sign-in at once: 401 invalid_credentials', async () => {
    const result = await runAdmin(dataDir, ['deactivate', '--username', 'frontdesk', '--reason', 'Left']);
    expectSuccess(result);
    expect(result.stdout.trim()).toBe(
      'deactivated "frontdesk": sessions, trusted workstations, bypass codes and recovery codes revoked',
    );
    expect(await login(server?.url ?? '', 'frontdesk', 'Desk2024pw')).toMatchObject({
      status: 401,
      body: { error: 'invalid_credentials' },
    });
  });
});

interface DemoCredential {
  username: string;
  password: string;
}

function printedCredentials(stdout: string): DemoCredential[] {
  return [...stdout.matchAll(/User ID: (\S+)\s+Password: (\S+)/g)].map((m) => ({
    username: m[1] ?? '',
    password: m[2] ?? '',
  }));
}

describe('serve --demo (`npm start`)', () => {
  let dataDir = '';
  let first: ServerProcess | undefined;
  let credentials: DemoCredential[] = [];
  let firstUsers: unknown[] = [];
  beforeAll(() => {
    dataDir = makeDataDir();
  });
  afterAll(async () => {
    await first?.stop();
    removeDataDir(dataDir);
  });

  it('on an empty data dir prints an admin and a front-desk password once, and both sign in over HTTP', async () => {
    const server = await ServerProcess.start(dataDir, ['serve', '--demo']);
    first = server;
    try {
      credentials = printedCredentials(server.stdout);
      expect(credentials.map((c) => c.username)).toEqual(['admin', 'frontdesk']);
      const roles = readDb(dataDir, (db) =>
        db.prepare('SELECT username, role FROM users ORDER BY username').all(),
      );
      expect(roles).toEqual([
        { username: 'admin', role: 'admin' },
        { username: 'frontdesk', role: 'staff' },
      ]);
      // Without --demo-app (the desktop client's embedded server): no client, no client secret on disk.
      expect(readDb(dataDir, (db) => db.prepare('SELECT count(*) AS n FROM oidc_clients').get())).toEqual({
        n: 0,
      });
      expect(fs.existsSync(path.join(dataDir, 'demo-app-client.json'))).toBe(false);
      for (const { username, password } of credentials) {
        const answer = await login(server.url, username, password);
        expect(answer, username).toMatchObject({ status: 200, body: { status: 'challenge' } });
      }
      // A near miss is logged as a failure; it must not carry the password either.
      expect((await login(server.url, 'frontdesk', `${credentials[1]?.password}x`)).status).toBe(401);
    } finally {
      await server.stop();
    }
    for (const { password } of credentials) {
      expect(server.stdout.split(password)).toHaveLength(2);
      expect(server.stderr).not.toContain(password);
    }
    firstUsers = readDb(dataDir, (db) => db.prepare('SELECT * FROM users ORDER BY id').all());
  });

  it('never writes a demo password into a JSON log line', () => {
    expect(credentials).toHaveLength(2);
    const logLines = first?.jsonLogLines() ?? [];
    expect(logLines.some((l) => /listening/.test(String(l.entry.msg)))).toBe(true);
    for (const { password } of credentials) {
      expect(logLines.filter((l) => l.raw.includes(password))).toEqual([]);
    }
  });

  it('on a second start with the same data dir prints no credentials and seeds nothing new', async () => {
    expect(firstUsers).toHaveLength(2);
    const server = await ServerProcess.start(dataDir, ['serve', '--demo']);
    await server.stop();

    expect(server.stdout).not.toMatch(/Password|demo practice created/);
    expect(readDb(dataDir, (db) => db.prepare('SELECT * FROM users ORDER BY id').all())).toEqual(firstUsers);
    expect(auditEvents(dataDir, 'user_created')).toHaveLength(2);
  });
});

describe('`npm run server` (serve) with a channel that has no provider', () => {
  let dataDir: string | undefined;
  afterEach(() => removeDataDir(dataDir));

  const TWILIO = {
    TWILIO_ACCOUNT_SID: 'AC0123456789',
    TWILIO_AUTH_TOKEN: 'twilio-auth-token',
    TWILIO_FROM_NUMBER: '+12025550100',
    TWILIO_API_BASE: 'http://127.0.0.1:9',
  };
  const SMTP = {
    WRSAUTH_SMTP_URL: 'smtp://127.0.0.1:9',
    WRSAUTH_MAIL_FROM: 'WRSAuth <no-reply@example.org>',
  };

  /** Runs serve on a new data dir; one that starts instead of refusing is killed after 20 s (code null). */
  async function serve(args: string[], vars: Record<string, string>): Promise<CliResult> {
    dataDir = makeDataDir();
    const port = String(await freePort());
    return runCli(args, { WRSAUTH_DATA_DIR: dataDir, WRSAUTH_PORT: port, ...vars }, 20_000);
  }

  it.each([
    ['unset', {}],
    ['0', { WRSAUTH_DEV_OUTBOX: '0' }],
  ])(
    'refuses to start with neither an SMS nor an email provider (WRSAUTH_DEV_OUTBOX %s), in one line naming both channels, the variables to set and WRSAUTH_DEV_OUTBOX=1, touching no data',
    async (_, vars) => {
      const result = await serve([], vars);

      expectOneLineRefusal(result, /./);
      expect(result.stderr.trimEnd()).toBe(
        "wrsauth: no provider sends sms codes (set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID) nor email codes (set WRSAUTH_SMTP_URL and WRSAUTH_MAIL_FROM); for a trial or tests only, WRSAUTH_DEV_OUTBOX=1 writes them to the data dir's dev outbox instead",
      );
      expect(fs.readdirSync(dataDir as string)).toEqual([]);
    },
  );

  it('names only SMS when email has a provider', async () => {
    const result = await serve([], SMTP);

    expectOneLineRefusal(
      result,
      /^wrsauth: no provider sends sms codes \(set TWILIO_ACCOUNT_SID, .*WRSAUTH_DEV_OUTBOX=1/,
    );
    expect(result.stderr).not.toMatch(/email|SMTP/);
  });

  it('names only email when SMS has a provider', async () => {
    const result = await serve([], TWILIO);

    expectOneLineRefusal(
      result,
      /^wrsauth: no provider sends email codes \(set WRSAUTH_SMTP_URL and WRSAUTH_MAIL_FROM\); .*WRSAUTH_DEV_OUTBOX=1/,
    );
    expect(result.stderr).not.toMatch(/sms|TWILIO/);
  });

  it('serve --demo refuses the same way, before it seeds a user or prints a password', async () => {
    const result = await serve(['serve', '--demo'], {});

    expectOneLineRefusal(result, /^wrsauth: no provider sends sms codes .*WRSAUTH_DEV_OUTBOX=1/);
    expect(fs.readdirSync(dataDir as string)).toEqual([]);
  });

  it('starts with both providers and no WRSAUTH_DEV_OUTBOX, and says nothing of a dev outbox', async () => {
    dataDir = makeDataDir();
    const server = await ServerProcess.start(dataDir, [], { ...TWILIO, ...SMTP, WRSAUTH_DEV_OUTBOX: '0' });
    await server.stop();

    expect(server.stdout + server.stderr).not.toMatch(/DEV|dev outbox/);
  });

  it('WRSAUTH_DEV_OUTBOX=1 lets it start, warning once per channel that its codes go to the dev outbox', async () => {
    dataDir = makeDataDir();
    const server = await ServerProcess.start(dataDir, [], { WRSAUTH_DEV_OUTBOX: '1' });
    await server.stop();

    const dev = server.jsonLogLines().filter((l) => String(l.entry.msg).startsWith('DEV'));
    expect(dev.map((l) => [l.entry.level, l.entry.msg])).toEqual([
      [
        40,
        expect.stringMatching(
          /^DEV \(WRSAUTH_DEV_OUTBOX=1\): no Twilio provider configured; sms codes go to the dev outbox/,
        ),
      ],
      [
        40,
        expect.stringMatching(
          /^DEV \(WRSAUTH_DEV_OUTBOX=1\): no SMTP provider configured; email codes go to the dev outbox/,
        ),
      ],
    ]);
  });
});

describe('`npm run server` on SQLite and where the server key sits', () => {
  let dataDir: string | undefined;
  afterEach(() => removeDataDir(dataDir));

  const keyWarnings = (server: ServerProcess) =>
    server.jsonLogLines().filter((l) => /server key sits beside the database/.test(String(l.entry.msg)));

  it('without WRSAUTH_SECRET, warns once at start that the key sits beside the database, naming the file and WRSAUTH_SECRET', async () => {
    dataDir = makeDataDir();
    const server = await ServerProcess.start(dataDir);
    await server.stop();

    const warnings = keyWarnings(server);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.entry.level).toBe(40);
    const message = String(warnings[0]?.entry.msg);
    expect(message).toContain(path.join(dataDir, SECRET_FILE));
    expect(message).toContain('WRSAUTH_SECRET');
    expect(message).toContain('docs/deploy-server.md');
    expect(fs.existsSync(path.join(dataDir, SECRET_FILE))).toBe(true);
  });

  it('with WRSAUTH_SECRET, gives no such warning and writes no key file', async () => {
    dataDir = makeDataDir();
    const secret = Buffer.alloc(32, 7).toString('base64');
    const server = await ServerProcess.start(dataDir, [], { WRSAUTH_SECRET: secret });
    await server.stop();

    expect(keyWarnings(server)).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, SECRET_FILE))).toBe(false);
    expect(server.stdout + server.stderr).not.toContain(secret);
  });
});
