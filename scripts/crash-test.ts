/**
 * Crash safety of the embedded server: runs sign-ins (password, then an emailed code) against a real server
 * process on SQLite, SIGKILLs that process at random points while requests are in flight, restarts it on
 * the same data dir, and goes on. Afterwards, every sign-in that got its 200 must still have its session
 * (GET /api/v1/me answers 200 with its token) and its `login_succeeded` audit record, and the database must
 * pass `PRAGMA integrity_check`.
 *
 *   npm run crash-test -- [--sign-ins 1000] [--kills 10] [--concurrency 4] [--keep]
 *
 * Prints one summary line; exits 1 when anything was lost. Loopback only; codes come from the dev outbox.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pino from 'pino';
import { loadConfig } from '../server/config';
import { SQLITE_FILE } from '../server/db/database';
import { DEV_OUTBOX_FILE } from '../server/delivery/dev-outbox';
import { openServices } from '../server/runtime';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const PASSWORD = `crash${randomBytes(6).toString('hex')}7`;

const { values } = parseArgs({
  options: {
    'sign-ins': { type: 'string', default: '1000' },
    kills: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '4' },
    keep: { type: 'boolean', default: false },
  },
});
const signIns = Number(values['sign-ins']);
const kills = Number(values.kills);
const concurrency = Number(values.concurrency);
if (![signIns, kills, concurrency].every(Number.isInteger) || signIns < 1 || kills < 0 || concurrency < 1) {
  console.error(
    'crash-test: --sign-ins, --kills and --concurrency take whole numbers (sign-ins and concurrency ≥ 1)',
  );
  process.exit(2);
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-crash-'));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  WRSAUTH_DATA_DIR: dataDir,
  WRSAUTH_HOST: '127.0.0.1',
  WRSAUTH_PORT: String(await freePort()),
  // One client signs everyone in: the per-IP login limit would otherwise be the first thing measured.
  WRSAUTH_LOGIN_LIMIT_PER_MINUTE: '1000000',
};
// Providers would send real messages: this run uses the dev outbox only.
for (const name of Object.keys(env))
  if (/^(TWILIO_|WRSAUTH_SMTP|WRSAUTH_DATABASE_URL)/.test(name)) delete env[name];
const origin = `http://127.0.0.1:${env.WRSAUTH_PORT}`;
const username = (i: number) => `crash${String(i).padStart(5, '0')}`;
const emailOf = (i: number) => `${username(i)}@crash.example`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/** Each sign-in has a user of its own: the 30-second cooldown per email would otherwise pace the run. */
async function seedUsers(): Promise<void> {
  const opened = await openServices(loadConfig(env), { log: pino({ level: 'warn' }) });
  try {
    const queue = Array.from({ length: signIns }, (_, i) => i);
    const worker = async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        await opened.services.admin.createUser({
          username: username(i),
          password: PASSWORD,
          firstName: 'Crash',
          lastName: `Test ${i}`,
          role: 'staff',
          email: emailOf(i),
        });
      }
    };
    await Promise.all(Array.from({ length: os.availableParallelism() }, worker));
  } finally {
    await opened.close();
  }
}

// ---- the server process, killed and restarted -------------------------------------------------------

let server: ChildProcess | undefined;
let ready: Promise<void> = Promise.resolve();
let restarts = 0;

function startServer(): Promise<void> {
  const log = fs.openSync(path.join(dataDir, 'server.log'), 'a');
  server = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'server/main.ts')], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  ready = waitForHealth();
  return ready;
}

async function waitForHealth(): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const healthy = await fetch(`${origin}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the server did not answer /healthz within 30 s; see ${dataDir}/server.log`);
}

async function killAndRestart(): Promise<void> {
  const victim = server;
  if (!victim || victim.exitCode !== null) return;
  const exited = new Promise((r) => victim.once('exit', r));
  const restarted = exited.then(() => {
    restarts += 1;
    return startServer();
  });
  ready = restarted;
  victim.kill('SIGKILL');
  await restarted;
}

async function stopServer(): Promise<void> {
  const running = server;
  if (!running || running.exitCode !== null) return;
  const exited = new Promise((r) => running.once('exit', r));
  running.kill('SIGTERM');
  await exited;
}

// ---- one sign-in -------------------------------------------------------------------------------------

async function post(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${origin}${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** The code last sent to this address; lines cut short by a kill are skipped. */
function codeSentTo(email: string): string | undefined {
  let code: string | undefined;
  for (const line of fs.readFileSync(path.join(dataDir, DEV_OUTBOX_FILE), 'utf8').split('\n')) {
    try {
      const entry = JSON.parse(line) as { to?: string; text?: string };
      if (entry.to === email) code = /\b(\d{6})\b/.exec(entry.text ?? '')?.[1] ?? code;
    } catch {}
  }
  return code;
}

type Outcome = { signedIn: true; token: string } | { signedIn: false; reason: string };

async function signIn(i: number): Promise<Outcome> {
  const login = await post('/api/v1/auth/login', { username: username(i), password: PASSWORD });
  if (login.status !== 200 || login.json.status !== 'challenge') {
    return { signedIn: false, reason: `login answered ${login.status}` };
  }
  const challengeId = String(login.json.challengeId);
  const [target] = login.json.targets as { id: string }[];
  const send = await post(`/api/v1/auth/challenges/${challengeId}/send`, { targetId: target?.id });
  if (send.status !== 200) return { signedIn: false, reason: `send answered ${send.status}` };
  const code = codeSentTo(emailOf(i));
  if (!code) return { signedIn: false, reason: 'no code in the dev outbox after a 200 send' };
  const verify = await post(`/api/v1/auth/challenges/${challengeId}/verify`, { code });
  if (verify.status !== 200) return { signedIn: false, reason: `verify answered ${verify.status}` };
  return { signedIn: true, token: String(verify.json.sessionToken) };
}

// ---- the run -----------------------------------------------------------------------------------------

const started = Date.now();
console.log(`crash-test: ${signIns} sign-ins, ${kills} kills, data dir ${dataDir}`);
await seedUsers();
await startServer();

const killAt = new Set<number>();
while (killAt.size < Math.min(kills, signIns)) killAt.add(randomInt(0, signIns));
const tokens = new Map<number, string>();
const interrupted: number[] = [];
const refused: string[] = [];
let next = 0;

async function worker(): Promise<void> {
  for (let i = next++; i < signIns; i = next++) {
    await ready;
    // A kill lands a random few milliseconds into this sign-in, while its requests (and others') are in flight.
    const kill = killAt.has(i)
      ? new Promise((r) => setTimeout(r, randomInt(0, 40))).then(killAndRestart)
      : undefined;
    const outcome = await signIn(i).catch((error: Error) => ({ signedIn: false as const, crash: error }));
    await kill;
    if (outcome.signedIn) tokens.set(i, outcome.token);
    else if ('crash' in outcome) interrupted.push(i);
    else refused.push(`${username(i)}: ${outcome.reason}`);
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
await ready;

// Every 200 must have survived: its session answers, and its audit record is there.
const lostSessions: string[] = [];
for (const [i, token] of tokens) {
  const me = await fetch(`${origin}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  if (me.status !== 200) lostSessions.push(`${username(i)} (GET /me ${me.status})`);
}
await stopServer();

const opened = await openServices(loadConfig(env), { log: pino({ level: 'warn' }) });
const audited = new Set(
  (
    await opened.services.db
      .selectFrom('audit_events')
      .select('username')
      .where('event_type', '=', 'login_succeeded')
      .execute()
  ).map((row) => row.username),
);
await opened.close();
const lostAudit = [...tokens.keys()].map(username).filter((name) => !audited.has(name));

const sqlite = new Database(path.join(dataDir, SQLITE_FILE), { readonly: true });
const integrity = (sqlite.pragma('integrity_check') as { integrity_check: string }[])
  .map((row) => row.integrity_check)
  .join('; ');
sqlite.close();

const problems = [
  ...lostSessions.map((s) => `lost session: ${s}`),
  ...lostAudit.map((name) => `lost audit record: ${name}`),
  ...(integrity === 'ok' ? [] : [`integrity_check: ${integrity}`]),
  ...refused.map((r) => `refused: ${r}`),
  ...(restarts === Math.min(kills, signIns) ? [] : [`${restarts} restarts for ${kills} kills`]),
  ...(tokens.size === 0 ? ['no sign-in succeeded at all'] : []),
];
for (const problem of problems.slice(0, 20)) console.log(`  ${problem}`);
console.log(
  `crash-test: ${signIns} sign-ins, ${restarts} SIGKILLs and restarts, ${tokens.size} signed in (200), ` +
    `${interrupted.length} cut off by a kill; ${tokens.size - lostSessions.length} sessions and ` +
    `${tokens.size - lostAudit.length} audit records kept; integrity_check ${integrity}; ` +
    `${((Date.now() - started) / 1000).toFixed(1)} s${problems.length ? `; ${problems.length} problems` : ''}`,
);
if (!values.keep) fs.rmSync(dataDir, { recursive: true, force: true });
process.exit(problems.length ? 1 : 0);
