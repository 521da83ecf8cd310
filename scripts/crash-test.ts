/**
 * Crash safety of the embedded server: runs sign-ins (password, then an emailed code) against a real server
 * process on SQLite, SIGKILLs that process at random points while requests are in flight, restarts it on
 * the same data dir, and goes on. Afterwards, every sign-in that got its 200 must still have its session
 * (GET /api/v1/me answers 200 with its token) and its `login_succeeded` audit record, and the database must
 * pass `PRAGMA integrity_check`. Nothing may stay stuck in the outbox: the sweep that a real restart runs at
 * start settles every send a kill cut off, and no message is left `queued`.
 *
 *   npm run crash-test -- [--sign-ins 1000] [--kills 10] [--concurrency 4] [--keep]
 *
 * Prints one summary line; exits 1 when anything was lost. Loopback only; codes come from the dev outbox.
 */
import { randomBytes, randomInt } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pino from 'pino';
import { loadConfig } from '../server/config';
import { SQLITE_FILE } from '../server/db/database';
import { openServices } from '../server/runtime';
import { ABANDONED_AFTER_MS } from '../server/services/delivery-status';
import { ScratchServer } from './server-process';

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

// One client signs everyone in: the per-IP login and send limits would otherwise be the first thing measured
// (40 sign-ins send 40 codes from 127.0.0.1, past the default 30 an hour).
const server = ScratchServer.prepare('crash', {
  WRSAUTH_LOGIN_LIMIT_PER_MINUTE: '1000000',
  WRSAUTH_SEND_LIMIT_PER_HOUR: '1000000',
});
const { dataDir } = server;
const username = (i: number) => `crash${String(i).padStart(5, '0')}`;
const emailOf = (i: number) => `${username(i)}@crash.example`;

// ---- the server process, killed and restarted -------------------------------------------------------

let ready: Promise<void> = Promise.resolve();
let restarts = 0;

/**
 * Kills run one after another: a kill that lands while an earlier one's restart is under way waits for it,
 * then kills the server that restart started. Two at once would each start a server, and the first one
 * started would be left running, owned by nobody (found as a stray server after a CI run).
 */
function killAndRestart(): Promise<void> {
  ready = ready.then(async () => {
    if (!server.running) return;
    await server.stop('SIGKILL');
    restarts += 1;
    await server.start();
  });
  return ready;
}

// ---- one sign-in -------------------------------------------------------------------------------------

type Outcome = { signedIn: true; token: string } | { signedIn: false; reason: string };

async function signIn(i: number): Promise<Outcome> {
  const login = await server.post('/api/v1/auth/login', { username: username(i), password: PASSWORD });
  if (login.status !== 200 || login.json.status !== 'challenge') {
    return { signedIn: false, reason: `login answered ${login.status}` };
  }
  const challengeId = String(login.json.challengeId);
  const [target] = login.json.targets as { id: string }[];
  const send = await server.post(`/api/v1/auth/challenges/${challengeId}/send`, { targetId: target?.id });
  if (send.status !== 200) return { signedIn: false, reason: `send answered ${send.status}` };
  const code = server.codeSentTo(emailOf(i));
  if (!code) return { signedIn: false, reason: 'no code in the dev outbox after a 200 send' };
  const verify = await server.post(`/api/v1/auth/challenges/${challengeId}/verify`, { code });
  if (verify.status !== 200) return { signedIn: false, reason: `verify answered ${verify.status}` };
  return { signedIn: true, token: String(verify.json.sessionToken) };
}

// ---- the run -----------------------------------------------------------------------------------------

const started = Date.now();
console.log(`crash-test: ${signIns} sign-ins, ${kills} kills, data dir ${dataDir}`);
// Each sign-in has a user of its own: the 30-second cooldown per email would otherwise pace the run.
await server.seed(
  Array.from({ length: signIns }, (_, i) => ({
    username: username(i),
    password: PASSWORD,
    firstName: 'Crash',
    lastName: `Test ${i}`,
    role: 'staff' as const,
    email: emailOf(i),
  })),
);
await server.start();

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
  const me = await fetch(`${server.origin}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  if (me.status !== 200) lostSessions.push(`${username(i)} (GET /me ${me.status})`);
}
await server.stop();

// A real restart settles what the kills cut off: its start-up sweep runs before it listens, and settles the
// sends queued for longer than ABANDONED_AFTER_MS. Wait until the newest queued one is that old, restart the
// server as it is deployed, stop it, and only then count what is still queued.
const queuedNow = () => {
  const sqlite = new Database(path.join(dataDir, SQLITE_FILE), { readonly: true });
  const row = sqlite
    .prepare("SELECT count(*) AS n, max(created_at) AS newest FROM outbox WHERE status = 'queued'")
    .get() as { n: number; newest: string | null };
  sqlite.close();
  return row;
};
const cutOff = queuedNow();
if (cutOff.newest) {
  const sweepable = new Date(cutOff.newest).getTime() + ABANDONED_AFTER_MS + 1_000;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, sweepable - Date.now())));
}
await server.start();
await server.stop();
const stuck = queuedNow();
const abandoned = cutOff.n - stuck.n;

const opened = await openServices(loadConfig(server.env), { log: pino({ level: 'warn' }) });
const audited = new Set(
  (
    await opened.db
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
  ...(Number(stuck.n) === 0 ? [] : [`${stuck.n} messages stuck queued in the outbox`]),
  ...(integrity === 'ok' ? [] : [`integrity_check: ${integrity}`]),
  ...refused.map((r) => `refused: ${r}`),
  ...(restarts === Math.min(kills, signIns) ? [] : [`${restarts} restarts for ${kills} kills`]),
  ...(tokens.size === 0 ? ['no sign-in succeeded at all'] : []),
];
for (const problem of problems.slice(0, 20)) console.log(`  ${problem}`);
console.log(
  `crash-test: ${signIns} sign-ins, ${restarts} SIGKILLs and restarts, ${tokens.size} signed in (200), ` +
    `${interrupted.length} cut off by a kill; ${tokens.size - lostSessions.length} sessions and ` +
    `${tokens.size - lostAudit.length} audit records kept; ${abandoned} cut-off sends settled, ` +
    `${stuck.n} stuck in the outbox; integrity_check ${integrity}; ` +
    `${((Date.now() - started) / 1000).toFixed(1)} s${problems.length ? `; ${problems.length} problems` : ''}`,
);
if (!values.keep) server.remove();
process.exit(problems.length ? 1 : 0);
