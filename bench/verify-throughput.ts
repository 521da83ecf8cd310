/**
 * verifyVsBareFastify: code checks per second against a bare Fastify hello-world, both in child processes,
 * both driven by the same autocannon setup. Rounds run bare, verify, verify, bare so drift on a shared
 * machine falls on both sides alike.
 */

import { startCpuMeters } from './cpu-meters';
import { countOf, type LoadResult, runLoad, unexpected } from './load';
import type { Ratio } from './report';
import { describeServerStats, mintPool, type RunningServer, readServerStats, type Subject } from './servers';

const CONNECTIONS = 10;
const WARM_UP_SECONDS = 2;
const ROUND_SECONDS = 4;
/** Challenges per verify round, relative to what the warm-up rate says a round needs. */
const POOL_MARGIN = 1.6;

export interface VerifyThroughput {
  ratio: Ratio;
  verifiesPerSecond: number;
  lines: string[];
}

function rateOf(rounds: LoadResult[], status: number): number {
  const answered = rounds.reduce((sum, r) => sum + countOf(r, status), 0);
  return answered / rounds.reduce((sum, r) => sum + r.seconds, 0);
}

export async function measureVerifyThroughput(
  bare: RunningServer,
  subject: Subject,
  warmUpPairs: number,
  say: (line: string) => void,
): Promise<VerifyThroughput> {
  const problems: string[] = [];
  const hello = () => runLoad({ origin: bare.origin, connections: CONNECTIONS, seconds: ROUND_SECONDS });

  say(`warm-up: ${WARM_UP_SECONDS} s each, ${CONNECTIONS} connections`);
  await runLoad({ origin: bare.origin, connections: CONNECTIONS, seconds: WARM_UP_SECONDS });
  const warmPool = await mintPool(subject, warmUpPairs);
  const warm = await runLoad({
    origin: subject.origin,
    connections: CONNECTIONS,
    seconds: WARM_UP_SECONDS,
    next: warmPool.next,
  });
  // Once the warm-up pool runs dry the answers are cheap 4xx; counting them too errs on the large side.
  const warmRate = (warmPool.overflow ? warm.responses : countOf(warm, 200)) / warm.seconds;
  const perRound = Math.ceil(warmRate * ROUND_SECONDS * POOL_MARGIN) + 2000;
  const pools = [await mintPool(subject, perRound), await mintPool(subject, perRound)];
  const verify = (round: 0 | 1) =>
    runLoad({
      origin: subject.origin,
      connections: CONNECTIONS,
      seconds: ROUND_SECONDS,
      next: pools[round]?.next,
    });

  say(
    `measuring: 4 rounds of ${ROUND_SECONDS} s (bare, verify, verify, bare); ${perRound} challenges a round`,
  );
  const bareRounds = [await hello()];
  await readServerStats(subject);
  const readCpu = startCpuMeters();
  const verifyRounds = [await verify(0), await verify(1)];
  const cpu = readCpu();
  const serverStats = await readServerStats(subject);
  bareRounds.push(await hello());

  for (const [name, rounds] of [
    ['bare hello-world', bareRounds],
    ['verify', verifyRounds],
  ] as const) {
    const errors = rounds.reduce((sum, r) => sum + r.errors, 0);
    const odd = rounds.map((r) => unexpected(r, [200])).filter(Boolean);
    if (errors) problems.push(`${name}: ${errors} connection errors or timeouts`);
    if (odd.length) problems.push(`${name}: non-200 answers ${odd.join('; ')}`);
  }
  const overflow = pools.reduce((sum, p) => sum + p.overflow, 0);
  if (overflow) problems.push(`the challenge pool ran out (${overflow} requests reused a spent challenge)`);

  const bareRate = rateOf(bareRounds, 200);
  const verifyRate = rateOf(verifyRounds, 200);
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
  ];
  return {
    ratio: {
      key: 'verifyVsBareFastify',
      value: verifyRate / bareRate,
      target: { atLeast: 0.5 },
      invalid: problems.length ? problems.join('; ') : undefined,
    },
    verifiesPerSecond: verifyRate,
    lines,
  };
}
