/**
 * verifyVsFloor: code checks per second of the real server against the floor (floor-server.ts), the least
 * work any verify with one durable transaction can do, both in child processes, both driven by the same
 * autocannon setup. What sits between the two is ours to improve (issue 19); the floor itself is bounded by
 * the machine's SQLite commits. verifyVsBareFastify, against a bare Fastify hello-world, is reported beside
 * it as information: issue 2's target for it was withdrawn when the floor showed no durable verify can
 * reach it. Rounds run bare, verify, verify, floor, floor, bare so drift on a shared machine falls on both
 * sides alike.
 */

import { startCpuMeters } from './cpu-meters';
import { countOf, type LoadResult, runLoad, unexpected } from './load';
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
const ROUND_SECONDS = 4;
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
  return Math.ceil(rate * ROUND_SECONDS * POOL_MARGIN) + 2000;
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
  const hello = () => runLoad({ origin: bare.origin, connections: CONNECTIONS, seconds: ROUND_SECONDS });

  say(`warm-up: ${WARM_UP_SECONDS} s each, ${CONNECTIONS} connections`);
  await runLoad({ origin: bare.origin, connections: CONNECTIONS, seconds: WARM_UP_SECONDS });
  const perRound = await warmUpAndSize(subject, warmUpPairs);
  const floorPerRound = await warmUpAndSize(floor, warmUpPairs);
  const pools = [await mintPool(subject, perRound), await mintPool(subject, perRound)];
  const floorPools = [await mintPool(floor, floorPerRound), await mintPool(floor, floorPerRound)];
  const load = (server: RunningServer, pool: ChallengePool | undefined) =>
    runLoad({ origin: server.origin, connections: CONNECTIONS, seconds: ROUND_SECONDS, next: pool?.next });

  say(
    `measuring: 6 rounds of ${ROUND_SECONDS} s (bare, verify, verify, floor, floor, bare); ` +
      `${perRound} challenges a verify round, ${floorPerRound} a floor round`,
  );
  const bareRounds = [await hello()];
  await readServerStats(subject);
  const readCpu = startCpuMeters();
  const verifyRounds = [await load(subject, pools[0]), await load(subject, pools[1])];
  const cpu = readCpu();
  const serverStats = await readServerStats(subject);
  const floorRounds = [await load(floor, floorPools[0]), await load(floor, floorPools[1])];
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
    `  ${describeServerStats(serverStats, cpu)}`,
    `verify floor:     ${summarize(floorRounds, floorRate)}`,
    `  the floor is raw SQL with one transaction per verify and nothing else (floor-server.ts); ` +
      `the real route reaches ${(verifyRate / floorRate).toFixed(2)} of it (verifyVsFloor), and the floor ` +
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
