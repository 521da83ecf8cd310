/**
 * `npm run bench`: the verification server's performance targets, measured in one run on 127.0.0.1.
 * Servers run in child processes (`node --import tsx`); autocannon drives them from this process, so load
 * and server never share an event loop. Ends by merging the ratios into bench-results.json.
 *
 *   npm run bench                 measure and write bench-results.json
 *   npm run bench -- --cpu-prof   also write CPU profiles of the children to .tmp/bench-profiles/
 *   npm run bench -- --only renderer   just the renderer step (Vite builds + headless Chromium); merges its
 *                                      two figures and keeps the others in bench-results.json
 *   npm run bench -- --only scale      just the scale section (small vs large practice, SQLite and PostgreSQL)
 *
 * When the scale section runs, the bench runs itself again inside scripts/with-postgres.sh, which gives it a
 * throwaway PostgreSQL cluster (WRSAUTH_TEST_DATABASE_URL) and removes it afterwards; run inside that script
 * already, it uses the cluster it is given.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchChild, stopAllChildren } from './children';
import { measureLoginThroughput, measureUnknownUserTiming } from './logins';
import { measureOverload } from './overload';
import { measureRenderer } from './renderer';
import { formatTable, type Ratio, verdict, writeResults } from './report';
import { measureScale } from './scale';
import { startServer, startSubject } from './servers';
import { measureVerifyThroughput } from './verify-throughput';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_FILE = path.join(REPO_ROOT, 'bench-results.json');
/** The bench must stop by itself, whatever hangs: the servers and renderer steps well inside 3 minutes. */
const WATCHDOG_MS = 170_000;
/** The scale section's own allowance, on top: the whole run must finish within 8 minutes. */
const SCALE_WATCHDOG_MS = 290_000;
const WARM_UP_CHALLENGES = 12_000;

/** Other work on a shared machine skews every figure; say how much there was. */
const loadAverage = () => `load average ${os.loadavg()[0]?.toFixed(1)} on ${os.availableParallelism()} cores`;

const startedAt = performance.now();
const elapsed = () => `${((performance.now() - startedAt) / 1000).toFixed(1)} s`;
const say = (line: string) => console.log(`  ${line}`);
const heading = (title: string) => console.log(`\n[${elapsed()}] ${title}`);

/** Data dir and child logs; removed however the bench ends, short of SIGKILL. */
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-bench-'));

/** Stops the children and removes the work dir; safe to call more than once. */
async function cleanUp(): Promise<void> {
  await stopAllChildren();
  fs.rmSync(workDir, { recursive: true, force: true });
}

const STEPS = ['servers', 'scale', 'renderer'] as const;
type Step = (typeof STEPS)[number];

/** `--only <step>` runs one step; unset runs them all. */
function selectedSteps(argv: string[]): Set<Step> {
  const at = argv.indexOf('--only');
  if (at === -1) return new Set(STEPS);
  const step = argv[at + 1];
  if (!STEPS.includes(step as Step)) throw new Error(`--only takes one of: ${STEPS.join(', ')}`);
  return new Set([step as Step]);
}

async function main(): Promise<number> {
  const steps = selectedSteps(process.argv);
  const cpuProfileDir = process.argv.includes('--cpu-prof')
    ? path.join(REPO_ROOT, '.tmp', 'bench-profiles', new Date().toISOString().replace(/[:.]/g, '-'))
    : undefined;
  const childOptions = (name: string, env: Record<string, string> = {}) => ({
    logFile: path.join(workDir, `${name}.log`),
    cpuProfileDir,
    env: {
      WRSAUTH_DATA_DIR: path.join(workDir, 'data'),
      WRSAUTH_SECRET: '',
      WRSAUTH_LOG_LEVEL: 'info',
      // The per-IP login limit would otherwise answer 429 to a load that all comes from 127.0.0.1.
      WRSAUTH_LOGIN_LIMIT_PER_MINUTE: '1000000',
      ...env,
    },
  });
  const ratios: Ratio[] = [];
  try {
    console.log(`WRSAuth bench: Node ${process.version}, 127.0.0.1 only; ${loadAverage()} before the start`);
    if (steps.has('servers')) {
      heading('starting servers in child processes');
      const [bare, subject, floor] = await Promise.all([
        startServer('bare-server.ts', childOptions('bare-server')),
        startSubject(childOptions('subject-server')),
        startServer(
          'floor-server.ts',
          childOptions('floor-server', { WRSAUTH_DATA_DIR: path.join(workDir, 'floor-data') }),
        ),
      ]);

      heading('1. verify code vs the durable floor, and vs bare Fastify hello-world (req/s)');
      const throughput = await measureVerifyThroughput(bare, subject, floor, WARM_UP_CHALLENGES, say);
      throughput.lines.forEach(say);
      ratios.push(...throughput.ratios);
      await Promise.all([bare.child.stop(), floor.child.stop()]);

      heading('2. password login vs raw argon2id (per second)');
      const argon2 = BenchChild.start(
        'argon2-rate.ts',
        childOptions('argon2-rate', { BENCH_HASH_CONCURRENCY: String(subject.ready.hashConcurrency) }),
      );
      await argon2.waitFor('ready', 60_000);
      const logins = await measureLoginThroughput(subject, argon2, say);
      logins.lines.forEach(say);
      ratios.push(logins.ratio);
      await argon2.stop();

      heading('3. verify p99 under a login flood vs idle');
      const overload = await measureOverload(
        subject,
        { verifiesPerSecond: throughput.verifiesPerSecond, loginsPerSecond: logins.loginsPerSecond },
        say,
      );
      overload.lines.forEach(say);
      ratios.push(...overload.ratios);

      heading('4. unknown user vs wrong password (time per login)');
      const timing = await measureUnknownUserTiming(subject, say);
      timing.lines.forEach(say);
      ratios.push(timing.ratio);
      await subject.child.stop();
    }

    if (steps.has('scale')) {
      heading('5. costs as the practice grows: large practice vs small, SQLite and PostgreSQL');
      const scale = await measureScale(workDir, childOptions, say);
      ratios.push(...scale.ratios);
      say(`the scale section took ${scale.seconds.toFixed(1)} s`);
    }

    if (steps.has('renderer')) {
      heading('6. renderer: first-load JS (gzip KB), and login form interactive vs bare Vite React');
      const renderer = await measureRenderer(workDir, say);
      renderer.lines.forEach(say);
      ratios.push(renderer.sizeRatio, renderer.interactiveRatio);
    }
  } finally {
    await cleanUp();
  }

  heading(`results (${loadAverage()})`);
  console.log(formatTable(ratios));
  writeResults(RESULTS_FILE, ratios);
  console.log(`\nwrote ${path.relative(process.cwd(), RESULTS_FILE)}; took ${elapsed()}`);
  if (cpuProfileDir) console.log(`CPU profiles in ${path.relative(process.cwd(), cpuProfileDir)}`);
  return ratios.some((r) => verdict(r) === 'INVALID') ? 1 : 0;
}

/**
 * Runs this same bench inside scripts/with-postgres.sh and answers its exit code, when the scale section is
 * selected and no cluster was given; undefined when this process should measure itself.
 */
function rerunWithPostgres(): number | undefined {
  const env = process.env;
  if (!selectedSteps(process.argv).has('scale')) return undefined;
  if (env.WRSAUTH_TEST_DATABASE_URL || env.WRSAUTH_TEST_POSTGRES_MISSING || env.WRSAUTH_BENCH_IN_POSTGRES)
    return undefined;
  const script = fileURLToPath(import.meta.url);
  const result = spawnSync(
    'bash',
    [
      path.join(REPO_ROOT, 'scripts', 'with-postgres.sh'),
      process.execPath,
      '--import',
      'tsx',
      script,
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit', env: { ...env, WRSAUTH_BENCH_IN_POSTGRES: '1' } },
  );
  return result.status ?? 1;
}

const rerun = rerunWithPostgres();
if (rerun !== undefined) {
  fs.rmSync(workDir, { recursive: true, force: true });
  process.exit(rerun);
}

const watchdogMs = WATCHDOG_MS + (selectedSteps(process.argv).has('scale') ? SCALE_WATCHDOG_MS : 0);
const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${watchdogMs / 1000} s; stopping`);
  cleanUp().finally(() => process.exit(1));
}, watchdogMs);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    cleanUp().finally(() => process.exit(130));
  });
}

main().then(
  (code) => {
    process.exitCode = code;
    clearTimeout(watchdog);
  },
  (error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
    clearTimeout(watchdog);
  },
);
