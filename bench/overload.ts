/**
 * overloadVerifyP99VsIdle: code checks at a fixed, modest rate, first on an idle server and then while
 * password logins are offered at 10x what the server can hash. Logins past the hash queue must get a 503
 * at once, and the code checks must not notice much.
 *
 * overloadRssVsIdle: the server's peak resident memory during the flood over its peak while idle. Bounded
 * queues mean a flood costs a fixed amount of memory, not memory in proportion to what is offered.
 */
import { API_PREFIX } from '../src/shared/api';
import { startCpuMeters } from './cpu-meters';
import { countOf, type LoadResult, percentile, runPaced, sleep, unexpected } from './load';
import type { Ratio } from './report';
import { describeServerStats, mintPool, readServerStats, type Subject } from './servers';

/** Code checks run at this share of the verify throughput measured earlier, and never above the cap. */
const VERIFY_SHARE = 0.25;
const VERIFY_RATE_CAP = 200;
const VERIFY_RATE_FLOOR = 20;
/** Staggered autocannon instances per load, so neither arrives as one burst a second. */
const SLICES = 10;
const WARM_UP_SECONDS = 1;
const MEASURE_SECONDS = 8;
/** The flood starts this long before the verify measurement and ends this long after it. */
const FLOOD_LEAD_SECONDS = 1;
const OVERLOAD_FACTOR = 10;
const LOGINS_PER_CONNECTION = 10;

/** A 10x flood may cost the server at most this much more resident memory than an idle minute. */
const RSS_GROWTH_LIMIT = 1.5;

const ms = (value: number) => `${value.toFixed(2)} ms`;

export async function measureOverload(
  subject: Subject,
  capacity: { verifiesPerSecond: number; loginsPerSecond: number },
  say: (line: string) => void,
): Promise<{ ratios: Ratio[]; lines: string[] }> {
  const { hashConcurrency, hashQueueLimit } = subject.ready;
  const { verifiesPerSecond, loginsPerSecond } = capacity;
  const verifyRate = Math.round(
    Math.min(VERIFY_RATE_CAP, Math.max(VERIFY_RATE_FLOOR, VERIFY_SHARE * verifiesPerSecond)),
  );
  const floodRate = Math.max(OVERLOAD_FACTOR, Math.round(OVERLOAD_FACTOR * loginsPerSecond));
  // About ten logins a second per connection, and never fewer connections than hash slots plus queue
  // places: logins waiting for a hash hold their connection, and the flood must go on arriving meanwhile.
  const floodConnections = Math.max(
    Math.ceil(floodRate / SLICES / LOGINS_PER_CONNECTION),
    Math.ceil((hashConcurrency + hashQueueLimit) / SLICES) + 2,
  );
  const pool = await mintPool(
    subject,
    verifyRate * (WARM_UP_SECONDS + 2 * MEASURE_SECONDS + FLOOD_LEAD_SECONDS) * 2,
  );
  const verify = (seconds: number) =>
    runPaced({
      origin: subject.origin,
      connections: 1,
      seconds,
      overallRate: verifyRate,
      slices: SLICES,
      next: pool.next,
    });
  const { username, password } = subject.accounts;

  say(
    `verify at ${verifyRate} req/s (${VERIFY_SHARE * 100}% of its throughput, at most ${VERIFY_RATE_CAP}; ` +
      `${SLICES} staggered slices, 1 connection each), ${MEASURE_SECONDS} s idle`,
  );
  await verify(WARM_UP_SECONDS);
  await readServerStats(subject);
  let readCpu = startCpuMeters();
  const idle = await verify(MEASURE_SECONDS);
  const idleCpu = readCpu();
  const idleStats = await readServerStats(subject);
  say(
    `then again under logins offered at ${floodRate}/s (${OVERLOAD_FACTOR}x ${loginsPerSecond.toFixed(1)}/s), ` +
      `${SLICES} slices of ${floodConnections} connections`,
  );
  const flooding = runPaced({
    origin: subject.origin,
    connections: floodConnections,
    seconds: MEASURE_SECONDS + 2 * FLOOD_LEAD_SECONDS,
    overallRate: floodRate,
    slices: SLICES,
    method: 'POST',
    path: `${API_PREFIX}/auth/login`,
    body: JSON.stringify({ username, password }),
  });
  await sleep(FLOOD_LEAD_SECONDS * 1000);
  await readServerStats(subject);
  readCpu = startCpuMeters();
  const loaded = await verify(MEASURE_SECONDS);
  const loadedCpu = readCpu();
  const loadedStats = await readServerStats(subject);
  const flood = await flooding;

  const problems: string[] = [];
  for (const [name, run] of [
    ['idle verify', idle],
    ['verify under flood', loaded],
  ] as const) {
    const odd = unexpected(run, [200]);
    if (odd) problems.push(`${name} answered ${odd}`);
    if (run.errors) problems.push(`${name}: ${run.errors} connection errors or timeouts`);
  }
  const oddLogins = unexpected(flood, [200, 503]);
  if (oddLogins) problems.push(`flood logins answered ${oddLogins}`);
  if (flood.errors) problems.push(`flood: ${flood.errors} connection errors or timeouts`);
  if (pool.overflow) problems.push(`the challenge pool ran out (${pool.overflow} requests)`);
  if (flood.perSecond < 0.8 * floodRate) {
    problems.push(`the flood reached only ${flood.perSecond.toFixed(0)} of ${floodRate} logins/s`);
  }

  const idleP99 = percentile(idle.byStatus.get(200) ?? [], 99);
  const loadedP99 = percentile(loaded.byStatus.get(200) ?? [], 99);
  const busy = countOf(flood, 503);
  const summary = (run: LoadResult) => {
    const ok = run.byStatus.get(200) ?? [];
    return `p50 ${ms(percentile(ok, 50))}, p99 ${ms(percentile(ok, 99))}, max ${ms(percentile(ok, 100))} (${ok.length} checks)`;
  };
  const invalid = problems.length ? problems.join('; ') : undefined;
  return {
    ratios: [
      { key: 'overloadVerifyP99VsIdle', value: loadedP99 / idleP99, target: { atMost: 2 }, invalid },
      {
        key: 'overloadRssVsIdle',
        value: loadedStats.rssPeakMiB / idleStats.rssPeakMiB,
        target: { atMost: RSS_GROWTH_LIMIT },
        invalid,
      },
    ],
    lines: [
      `verify idle:        ${summary(idle)}`,
      `  ${describeServerStats(idleStats, idleCpu)}`,
      `verify under flood: ${summary(loaded)}`,
      `  ${describeServerStats(loadedStats, loadedCpu)}`,
      `flood: ${flood.responses} logins answered (${flood.perSecond.toFixed(0)}/s); ` +
        `${countOf(flood, 200)} got 200 (p99 ${ms(percentile(flood.byStatus.get(200) ?? [], 99))}), ` +
        `${busy} got 503 = ${((100 * busy) / Math.max(1, flood.responses)).toFixed(1)}% ` +
        `(503 p99 ${ms(percentile(flood.byStatus.get(503) ?? [], 99))})`,
    ],
  };
}
