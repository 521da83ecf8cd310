/**
 * The scale section ("costs as the practice grows"): a small and a large practice (scale-practice.ts) per
 * backend, each seeded once by a child process and then served by a real server child (scale-server.ts);
 * every figure is the large practice's median over the small one's, both measured in the same run with the
 * samples interleaved (small, large, small, …) so drift on a shared machine falls on both alike.
 */

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { hash } from '@node-rs/argon2';
import { ARGON2_OPTIONS } from '../server/password-hasher';
import { BenchChild, type ChildOptions } from './children';
import type { Ratio, Target } from './report';
import { type PostgresBench, postgresBench } from './scale-postgres';
import {
  AUDIT_WINDOW_DAYS,
  BUSY_USER_INDEX,
  EXPORT_MANAGER_INDEX,
  MANAGER_INDEX,
  PRACTICE_SIZES,
  type PracticeSize,
  phoneOf,
  SEARCH_PREFIX,
  signInUserIndexes,
  usernameOf,
} from './scale-practice';
import {
  AUDIT_PAGING,
  auditPageFetcher,
  exportAuditCsv,
  readiness,
  searchUsers,
  signIn,
  type Timed,
} from './scale-requests';
import { type RunningServer, readServerStats, startServer } from './servers';
import { median, ratioOf } from './statistics';

const SIZES: PracticeSize[] = ['small', 'large'];
const WARM_UP_SAMPLES = 2;
const MIN_SAMPLES = 3;
const MAX_SAMPLES = 15;
/** A measurement stops sampling after this long (both sizes together), once it has MIN_SAMPLES of each. */
const SAMPLING_BUDGET_MS = 8_000;
const DEEP_PAGE = 100;
const SEED_TIMEOUT_MS = 150_000;
/** The bound on seeding the large practice on SQLite. */
export const LARGE_SQLITE_SEED_BUDGET_MS = 60_000;

export const SCALE_TARGETS = {
  signInLargeVsSmall: { atMost: 1.25 },
  auditFirstPageLargeVsSmall: { atMost: 1.5 },
  auditDeepPageLargeVsSmall: { atMost: 1.5 },
  userSearchLargeVsSmall: { atMost: 1.5 },
  readinessLargeVsSmall: { atMost: 10 },
  rssLargeVsSmall: { atMost: 1.3 },
  auditCsvRssLargeVsSmall: { atMost: 1.3 },
} satisfies Record<string, Target>;
type ScaleKey = keyof typeof SCALE_TARGETS;

type BackendName = 'Sqlite' | 'Postgres';
type Say = (line: string) => void;
type Options = (name: string, env?: Record<string, string>) => ChildOptions;

interface Served extends RunningServer {
  size: PracticeSize;
  token: string;
}

/** Every key of this backend, each invalid for `reason`: what "not measured" looks like in the results. */
function notMeasured(backend: BackendName, reason: string): Ratio[] {
  return (Object.keys(SCALE_TARGETS) as ScaleKey[]).map((key) => ({
    key: `${key}${backend}`,
    target: SCALE_TARGETS[key],
    invalid: `not measured: ${reason}`,
  }));
}

/** A sample's figures; a sign-in has no answer size worth showing (bytes 0). */
const fmt = (t: Timed) =>
  t.bytes
    ? `${t.ms.toFixed(1)} ms, ${(t.bytes / 1024).toFixed(1)} KiB, ${t.rows} rows`
    : `${t.ms.toFixed(1)} ms`;

/** Interleaved samples of one request on both servers: warm-up, then until MAX_SAMPLES or the budget. */
async function sampleBoth(
  servers: Served[],
  sample: (server: Served) => Promise<Timed>,
): Promise<Map<PracticeSize, Timed[]>> {
  for (let i = 0; i < WARM_UP_SAMPLES; i++) for (const server of servers) await sample(server);
  const samples = new Map<PracticeSize, Timed[]>(servers.map((s) => [s.size, []]));
  const started = performance.now();
  for (let i = 0; i < MAX_SAMPLES; i++) {
    if (i >= MIN_SAMPLES && performance.now() - started > SAMPLING_BUDGET_MS) break;
    for (const server of servers) samples.get(server.size)?.push(await sample(server));
  }
  return samples;
}

/** The median sample's figures (by time; bytes and rows of the last sample, which every sample shares). */
function typical(samples: Timed[]): Timed {
  return {
    ms: median(samples.map((s) => s.ms)),
    bytes: samples.at(-1)?.bytes ?? 0,
    rows: samples.at(-1)?.rows ?? 0,
  };
}

class BackendRun {
  readonly ratios: Ratio[] = [];

  constructor(
    private readonly backend: BackendName,
    private readonly say: Say,
  ) {}

  add(key: ScaleKey, value: number | undefined, detail: string, invalid?: string): void {
    const ratio: Ratio = { key: `${key}${this.backend}`, value, target: SCALE_TARGETS[key], invalid };
    if (value === undefined && !invalid) ratio.invalid = 'no figure';
    this.ratios.push(ratio);
    this.say(`${ratio.key}: ${value === undefined ? '-' : value.toFixed(3)}  (${invalid ?? detail})`);
  }

  /** A request measured on both practices; a failure makes its key invalid, and the others go on. */
  async measure(key: ScaleKey, servers: Served[], sample: (server: Served) => Promise<Timed>): Promise<void> {
    try {
      const samples = await sampleBoth(servers, sample);
      const [small, large] = SIZES.map((size) => typical(samples.get(size) ?? []));
      if (!small || !large) throw new Error('a practice has no samples');
      const count = samples.get('small')?.length ?? 0;
      this.add(
        key,
        ratioOf(large.ms, small.ms),
        `median of ${count}: small ${fmt(small)}; large ${fmt(large)}`,
      );
    } catch (error) {
      this.add(key, undefined, '', error instanceof Error ? error.message : String(error));
    }
  }
}

/** The 30 days the audit measurements filter on, ending today (UTC). */
function lastDays(days: number): { from: string; to: string } {
  const today = new Date();
  const from = new Date(today.getTime() - (days - 1) * 86_400_000);
  return { from: from.toISOString().slice(0, 10), to: today.toISOString().slice(0, 10) };
}

async function seed(size: PracticeSize, options: ChildOptions, say: Say): Promise<number> {
  const started = performance.now();
  const child = BenchChild.start('scale-seed-child.ts', options);
  const seeded = await child.waitFor('seeded', SEED_TIMEOUT_MS);
  await child.stop();
  say(
    `seeded ${size}: ${seeded.users} users, ${seeded.auditEvents} audit events, ${seeded.trustedDevices} trusted ` +
      `workstations in ${(seeded.ms / 1000).toFixed(1)} s (${((performance.now() - started) / 1000).toFixed(1)} s ` +
      'with the child process start and migrations)',
  );
  return seeded.ms;
}

interface BackendSetup {
  name: BackendName;
  /** The environment that points a child at this size's database. */
  env(size: PracticeSize): Record<string, string>;
}

async function measureBackend(
  setup: BackendSetup,
  childOptions: Options,
  workDir: string,
  passwordHash: string,
  password: string,
  say: Say,
): Promise<Ratio[]> {
  const secret = randomBytes(32).toString('base64');
  const run = new BackendRun(setup.name, say);
  const envOf = (size: PracticeSize) => ({
    WRSAUTH_DATA_DIR: path.join(workDir, `scale-${setup.name.toLowerCase()}-${size}`),
    // The seeding child and the servers after it must use the same key; PostgreSQL requires it given.
    WRSAUTH_SECRET: secret,
    ...setup.env(size),
  });
  const seedMs: Partial<Record<PracticeSize, number>> = {};
  for (const size of SIZES) {
    seedMs[size] = await seed(
      size,
      childOptions(`scale-seed-${setup.name}-${size}`, {
        ...envOf(size),
        BENCH_PRACTICE_SIZE: size,
        BENCH_PASSWORD_HASH: passwordHash,
      }),
      say,
    );
  }
  if (setup.name === 'Sqlite' && (seedMs.large ?? 0) > LARGE_SQLITE_SEED_BUDGET_MS) {
    say(
      `seeding the large practice took longer than the ${LARGE_SQLITE_SEED_BUDGET_MS / 1000} s the issue allows`,
    );
  }

  const readCode = (server: RunningServer) => async (phone: string) => {
    const reply = await server.child.ask({ type: 'code', to: phone }, 'code', 10_000);
    if (!reply.code) throw new Error(`no code was sent to the phone of a sign-in user`);
    return reply.code;
  };
  const userOf = (index: number) => ({ username: usernameOf(index), password, phone: phoneOf(index) });
  const servers: Served[] = [];
  /** A server child per practice, each with an account manager signed in as the console signs in. */
  const startServers = async (round: string, managerIndex: number) => {
    for (const size of SIZES) {
      const server = await startServer(
        'scale-server.ts',
        childOptions(`scale-server-${setup.name}-${size}-${round}`, {
          ...envOf(size),
          WRSAUTH_SEND_LIMIT_PER_HOUR: '1000000',
        }),
      );
      // The console needs a session that passed a second factor: the account manager signs in with a text.
      const { sessionToken } = await signIn(server.origin, userOf(managerIndex), readCode(server));
      servers.push({ ...server, size, token: sessionToken });
    }
  };
  const stopServers = () => Promise.all(servers.splice(0).map((s) => s.child.stop()));
  try {
    await startServers('requests', MANAGER_INDEX);

    // Each sample signs in a user of its own: the resend cooldown and the daily code budget are per phone.
    const signInUsers = new Map(
      servers.map((s) => [s.size, signInUserIndexes(PRACTICE_SIZES[s.size].users)]),
    );
    // Timed: the send and the verify (the password step's argon2 costs the same in any practice).
    await run.measure('signInLargeVsSmall', servers, async (server) => {
      const index = signInUsers.get(server.size)?.shift();
      if (index === undefined) throw new Error('the sign-in users ran out');
      const { ms } = await signIn(server.origin, userOf(index), readCode(server));
      return { ms, bytes: 0, rows: 0 };
    });

    const filter = { username: usernameOf(BUSY_USER_INDEX), ...lastDays(AUDIT_WINDOW_DAYS) };
    const firstPages = new Map<PracticeSize, () => Promise<Timed>>();
    const deepPages = new Map<PracticeSize, () => Promise<Timed>>();
    for (const s of servers) {
      firstPages.set(s.size, await auditPageFetcher(s.origin, s.token, filter, 1));
      deepPages.set(s.size, await auditPageFetcher(s.origin, s.token, filter, DEEP_PAGE));
    }
    const pageOf = (pages: Map<PracticeSize, () => Promise<Timed>>) => (server: Served) => {
      const fetchPage = pages.get(server.size);
      if (!fetchPage) throw new Error(`no audit page for the ${server.size} practice`);
      return fetchPage();
    };
    await run.measure('auditFirstPageLargeVsSmall', servers, pageOf(firstPages));
    await run.measure('auditDeepPageLargeVsSmall', servers, pageOf(deepPages));
    await run.measure('userSearchLargeVsSmall', servers, (s) =>
      searchUsers(s.origin, s.token, SEARCH_PREFIX),
    );
    await run.measure('readinessLargeVsSmall', servers, (s) => readiness(s.origin, s.token));

    // Peak RSS since each server started, over every request above.
    const peaks = await Promise.all(servers.map((s) => readServerStats(s)));
    const [smallPeak, largePeak] = peaks.map((p) => p.rssPeakMiB);
    run.add(
      'rssLargeVsSmall',
      ratioOf(largePeak, smallPeak),
      `peak RSS small ${smallPeak?.toFixed(0)} MiB, large ${largePeak?.toFixed(0)} MiB`,
    );

    // One export each, alone on the machine, by a fresh server: the requests above left their heap behind,
    // and RSS rarely shrinks, so only a new process shows what the export itself needs.
    await stopServers();
    await startServers('export', EXPORT_MANAGER_INDEX);
    try {
      const exports: { size: PracticeSize; timed: Timed; peakMiB: number }[] = [];
      for (const server of servers) {
        await readServerStats(server);
        const timed = await exportAuditCsv(server.origin, server.token);
        exports.push({ size: server.size, timed, peakMiB: (await readServerStats(server)).rssPeakMiB });
      }
      const [small, large] = exports;
      run.add(
        'auditCsvRssLargeVsSmall',
        ratioOf(large?.peakMiB, small?.peakMiB),
        exports
          .map(
            (e) =>
              `${e.size}: ${e.timed.rows} rows, ${(e.timed.bytes / 2 ** 20).toFixed(1)} MiB in ${(e.timed.ms / 1000).toFixed(1)} s, peak RSS ${e.peakMiB.toFixed(0)} MiB`,
          )
          .join('; '),
      );
    } catch (error) {
      run.add(
        'auditCsvRssLargeVsSmall',
        undefined,
        '',
        error instanceof Error ? error.message : String(error),
      );
    }
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    say(`stopped: ${reason}`);
    const measured = new Set(run.ratios.map((r) => r.key));
    return [...run.ratios, ...notMeasured(setup.name, reason).filter((r) => !measured.has(r.key))];
  } finally {
    await stopServers();
  }
  return run.ratios;
}

export async function measureScale(
  workDir: string,
  childOptions: Options,
  say: Say,
): Promise<{ ratios: Ratio[]; seconds: number }> {
  const started = performance.now();
  const password = `bench${randomBytes(9).toString('hex')}7`;
  // One hash for every seeded user: seeding must not cost an argon2 computation per row.
  const passwordHash = await hash(password, ARGON2_OPTIONS);
  say(
    `practices: small ${JSON.stringify(PRACTICE_SIZES.small)}, large ${JSON.stringify(PRACTICE_SIZES.large)}; ` +
      `deep audit page ${DEEP_PAGE} by ${AUDIT_PAGING}; median of ${MIN_SAMPLES}-${MAX_SAMPLES} interleaved samples after ${WARM_UP_SAMPLES} warm-up`,
  );
  const ratios: Ratio[] = [];

  say('SQLite:');
  ratios.push(
    ...(await measureBackend(
      { name: 'Sqlite', env: () => ({}) },
      childOptions,
      workDir,
      passwordHash,
      password,
      say,
    )),
  );

  say('PostgreSQL:');
  const postgres: PostgresBench = await postgresBench();
  if (postgres.unavailable) {
    say(`not measured: ${postgres.unavailable}`);
    ratios.push(...notMeasured('Postgres', postgres.unavailable));
  } else {
    try {
      const urls = { small: await postgres.createDatabase(), large: await postgres.createDatabase() };
      ratios.push(
        ...(await measureBackend(
          { name: 'Postgres', env: (size) => ({ WRSAUTH_DATABASE_URL: urls[size] }) },
          childOptions,
          workDir,
          passwordHash,
          password,
          say,
        )),
      );
    } finally {
      await postgres.dropDatabases();
    }
  }
  return { ratios, seconds: (performance.now() - started) / 1000 };
}
