/**
 * verifyVsFloor: code checks per second of the real server against the floor (floor-server.ts), the least
 * work any verify with one durable transaction can do, both in child processes, both driven by the same
 * autocannon setup. What sits between the two is ours to improve (issue 19); the floor itself is bounded by
 * the machine's SQLite commits. verifyVsBareFastify, against a bare Fastify hello-world, is reported beside
 * it as information: issue 2's target for it was withdrawn when the floor showed no durable verify can
 * reach it.
 *
 * On a shared machine the speed drifts by tens of percent within seconds. So the verify and floor rounds are
 * short and interleaved, in blocks of verify, floor, floor, verify (and the next block the other way round),
 * so that drift, even a steady one, falls on both sides alike; bare hello-world opens and closes.
 */

import { type CpuReading, startCpuMeters } from './cpu-meters';
import { countOf, type LoadResult, runLoad, unexpected } from './load';
import type { ServerStats } from './protocol';
import type { Ratio } from './report';
import {
  type ChallengePool,
  describeServerStats,
  mintPool,
  type RunningServer,
  readServerStats,
  type Subject,
} from './servers';

const CONNECTIONS = 10;
const WARM_UP_SECONDS = 2;
/** The bare hello-world rounds that open and close the step. */
const BARE_ROUND_SECONDS = 4;
/** The verify and floor rounds: short, and interleaved in blocks of four (see above). */
const INTERLEAVED_ROUND_SECONDS = 2;
const BLOCKS = 4;
/** Challenges per verify round, relative to what the warm-up rate says a round needs. */
const POOL_MARGIN = 1.6;

/** Issue 19: the real route at this share of the floor, or better. */
export const VERIFY_VS_FLOOR_TARGET = 0.6;

export interface VerifyThroughput {
  /** verifyVsFloor (the target) and verifyVsBareFastify (information). */
  ratios: Ratio[];
  verifiesPerSecond: number;
  lines: string[];
}

/**
 * Warms a verify server up with its own pool, then sizes a round's pool from one more second at full speed
 * (the warm-up's first second is the JIT's, and far slower).
 */
async function warmUpAndSize(server: RunningServer, warmUpPairs: number): Promise<number> {
  const warmPool = await mintPool(server, warmUpPairs);
  const run = (seconds: number) =>
    runLoad({ origin: server.origin, connections: CONNECTIONS, seconds, next: warmPool.next });
  await run(WARM_UP_SECONDS);
  const sizing = await run(1);
  // Once the warm-up pool runs dry the answers are cheap 4xx; counting them too errs on the large side.
  const rate = (warmPool.overflow ? sizing.responses : countOf(sizing, 200)) / sizing.seconds;
  return Math.ceil(rate * INTERLEAVED_ROUND_SECONDS * POOL_MARGIN) + 1000;
}

/** What makes a set of rounds untrustworthy: connection errors, answers other than 200, a dry pool. */
function problemsOf(name: string, rounds: LoadResult[], pools: ChallengePool[] = []): string[] {
  const problems: string[] = [];
  const errors = rounds.reduce((sum, r) => sum + r.errors, 0);
  const odd = rounds.map((r) => unexpected(r, [200])).filter(Boolean);
  if (errors) problems.push(`${name}: ${errors} connection errors or timeouts`);
  if (odd.length) problems.push(`${name}: non-200 answers ${odd.join('; ')}`);
  const overflow = pools.reduce((sum, p) => sum + p.overflow, 0);
  if (overflow)
    problems.push(`${name}: the challenge pool ran out (${overflow} requests reused a spent challenge)`);
  return problems;
}

function rateOf(rounds: LoadResult[], status: number): number {
  const answered = rounds.reduce((sum, r) => sum + countOf(r, status), 0);
  return answered / rounds.reduce((sum, r) => sum + r.seconds, 0);
}

export async function measureVerifyThroughput(
  bare: RunningServer,
  subject: Subject,
  floor: RunningServer,
  warmUpPairs: number,
  say: (line: string) => void,
): Promise<VerifyThroughput> {
  const hello = () => runLoad({ origin: bare.origin, connections: CONNECTIONS, seconds: BARE_ROUND_SECONDS });

  say(`warm-up: ${WARM_UP_SECONDS} s each, ${CONNECTIONS} connections`);
  await runLoad({ origin: bare.origin, connections: CONNECTIONS, seconds: WARM_UP_SECONDS });
  const perRound = await warmUpAndSize(subject, warmUpPairs);
  const floorPerRound = await warmUpAndSize(floor, warmUpPairs);
  const mintAll = async (server: RunningServer, count: number) => {
    const all: ChallengePool[] = [];
    for (let round = 0; round < 2 * BLOCKS; round++) all.push(await mintPool(server, count));
    return all;
  };
  const pools = await mintAll(subject, perRound);
  const floorPools = await mintAll(floor, floorPerRound);
  const load = (server: RunningServer, pool: ChallengePool | undefined) =>
    runLoad({
      origin: server.origin,
      connections: CONNECTIONS,
      seconds: INTERLEAVED_ROUND_SECONDS,
      next: pool?.next,
    });

  say(
    `measuring: bare hello-world ${BARE_ROUND_SECONDS} s, then ${BLOCKS} blocks of verify, floor, floor, verify ` +
      `(every other block the other way round) in ${INTERLEAVED_ROUND_SECONDS} s rounds, then bare again; ` +
      `${perRound} challenges a verify round, ${floorPerRound} a floor round`,
  );
  const bareRounds = [await hello()];
  const rounds = { verify: [] as LoadResult[], floor: [] as LoadResult[] };
  let metered: { stats: ServerStats; cpu: CpuReading } | undefined;
  const run = async (side: 'verify' | 'floor') => {
    const done = rounds[side];
    if (side === 'floor') {
      done.push(await load(floor, floorPools[done.length]));
      return;
    }
    // The server's own meter covers the first verify round.
    const metering = done.length === 0;
    if (metering) await readServerStats(subject);
    const readCpu = metering ? startCpuMeters() : undefined;
    done.push(await load(subject, pools[done.length]));
    if (readCpu) metered = { cpu: readCpu(), stats: await readServerStats(subject) };
  };
  const blockRatios: number[] = [];
  for (let block = 0; block < BLOCKS; block++) {
    const [first, second] = block % 2 === 0 ? (['verify', 'floor'] as const) : (['floor', 'verify'] as const);
    for (const side of [first, second, second, first]) await run(side);
    blockRatios.push(rateOf(rounds.verify.slice(-2), 200) / rateOf(rounds.floor.slice(-2), 200));
  }
  const { verify: verifyRounds, floor: floorRounds } = rounds;
  bareRounds.push(await hello());

  const verifyProblems = problemsOf('verify', verifyRounds, pools);
  const floorProblems = problemsOf('floor', floorRounds, floorPools);
  const bareProblems = problemsOf('bare hello-world', bareRounds);
  const invalid = (problems: string[]) => (problems.length ? problems.join('; ') : undefined);

  const bareRate = rateOf(bareRounds, 200);
  const verifyRate = rateOf(verifyRounds, 200);
  const floorRate = rateOf(floorRounds, 200);
  const summarize = (rounds: LoadResult[], rate: number) => {
    const other = rounds.reduce((sum, r) => sum + r.responses - countOf(r, 200), 0);
    const errors = rounds.reduce((sum, r) => sum + r.errors, 0);
    const perRound = rounds.map((r) => (countOf(r, 200) / r.seconds).toFixed(0)).join(', ');
    return `${rate.toFixed(0)} req/s answered 200 (rounds ${perRound}); non-200: ${other}; errors: ${errors}`;
  };
  const lines = [
    `bare hello-world: ${summarize(bareRounds, bareRate)}`,
    `verify code:      ${summarize(verifyRounds, verifyRate)}`,
    ...(metered ? [`  ${describeServerStats(metered.stats, metered.cpu)}`] : []),
    `verify floor:     ${summarize(floorRounds, floorRate)}`,
    `  the floor is raw SQL with one transaction per verify and nothing else (floor-server.ts); ` +
      `the real route reaches ${(verifyRate / floorRate).toFixed(2)} of it (verifyVsFloor; by block ` +
      `${blockRatios.map((ratio) => ratio.toFixed(2)).join(', ')}), and the floor ` +
      `${(floorRate / bareRate).toFixed(3)} of bare hello-world, the ceiling for verifyVsBareFastify here`,
  ];
  return {
    ratios: [
      {
        key: 'verifyVsFloor',
        value: verifyRate / floorRate,
        target: { atLeast: VERIFY_VS_FLOOR_TARGET },
        invalid: invalid([...verifyProblems, ...floorProblems]),
      },
      {
        key: 'verifyVsBareFastify',
        value: verifyRate / bareRate,
        invalid: invalid([...verifyProblems, ...bareProblems]),
      },
    ],
    verifiesPerSecond: verifyRate,
    lines,
  };
}
