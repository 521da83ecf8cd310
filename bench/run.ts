/**
 * `npm run bench`: the verification server's performance targets, measured in one run on 127.0.0.1.
 * Servers run in child processes (`node --import tsx`); autocannon drives them from this process, so load
 * and server never share an event loop. Ends by merging the ratios into bench-results.json.
 *
 *   npm run bench                 measure and write bench-results.json
 *   npm run bench -- --cpu-prof   also write CPU profiles of the children to .tmp/bench-profiles/
 *   npm run bench -- --only renderer   just the renderer step (Vite builds + headless Chromium); merges its
 *                                      two figures and keeps the others in bench-results.json
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchChild, stopAllChildren } from './children';
import { measureLoginThroughput, measureUnknownUserTiming } from './logins';
import { measureOverload } from './overload';
import { measureRenderer } from './renderer';
import { formatTable, type Ratio, verdict, writeResults } from './report';
import { startServer, startSubject } from './servers';
import { measureVerifyThroughput } from './verify-throughput';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_FILE = path.join(REPO_ROOT, 'bench-results.json');
/** The bench must stop by itself, well inside 3 minutes, whatever hangs. */
const WATCHDOG_MS = 170_000;
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

const STEPS = ['servers', 'renderer'] as const;
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

    if (steps.has('renderer')) {
      heading('5. renderer: first-load JS (gzip KB), and login form interactive vs bare Vite React');
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

const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${WATCHDOG_MS / 1000} s; stopping`);
  cleanUp().finally(() => process.exit(1));
}, WATCHDOG_MS);
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
