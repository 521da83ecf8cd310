/**
 * Password logins. loginVsRawArgon2: logins per second against bare argon2id verifications per second at the
 * same concurrency (rounds raw, login, login, raw). unknownUserVsWrongPasswordTime: how long a login for an
 * unknown user takes against a wrong password for a known one, one at a time, interleaved.
 */
import { API_PREFIX } from '../src/shared/api';
import type { BenchChild } from './children';
import { startCpuMeters } from './cpu-meters';
import { countOf, type LoadResult, runLoad, unexpected } from './load';
import { FAILING_LOGIN_PAIRS } from './protocol';
import type { Ratio } from './report';
import { describeServerStats, readServerStats, type Subject } from './servers';
import { median } from './statistics';

const WARM_UP_SECONDS = 2;
const ROUND_SECONDS = 4;
const TIMING_WARM_UP_PAIRS = 10;
const TIMING_PAIRS = FAILING_LOGIN_PAIRS - TIMING_WARM_UP_PAIRS;
const LOGIN_PATH = `${API_PREFIX}/auth/login`;

/** Enough connections that a hash is always waiting for a free slot, never so many the queue overflows. */
export function saturatingConnections(hashConcurrency: number, hashQueueLimit: number): number {
  return Math.max(hashConcurrency, Math.min(hashConcurrency + hashQueueLimit, 2 * hashConcurrency + 2));
}

export interface LoginThroughput {
  ratio: Ratio;
  /** Password logins per second the server sustains: what "capacity" means for the overload phase. */
  loginsPerSecond: number;
  lines: string[];
}

export async function measureLoginThroughput(
  subject: Subject,
  argon2: BenchChild,
  say: (line: string) => void,
): Promise<LoginThroughput> {
  const { hashConcurrency, hashQueueLimit } = subject.ready;
  const connections = saturatingConnections(hashConcurrency, hashQueueLimit);
  const { username, password } = subject.accounts;
  const login = (seconds: number) =>
    runLoad({
      origin: subject.origin,
      connections,
      seconds,
      method: 'POST',
      path: LOGIN_PATH,
      body: JSON.stringify({ username, password }),
    });
  const raw = async () => {
    const rate = await argon2.ask({ type: 'measure', seconds: ROUND_SECONDS }, 'argon2-rate', 30_000);
    return { hashes: rate.hashes, seconds: rate.seconds };
  };

  say(
    `hash concurrency ${hashConcurrency}, queue limit ${hashQueueLimit}; logins over ${connections} connections ` +
      `(user with a phone, policy optional: each login answers with a challenge)`,
  );
  await login(WARM_UP_SECONDS);
  say(`measuring: 4 rounds of ${ROUND_SECONDS} s (raw argon2, login, login, raw argon2)`);
  const rawRounds = [await raw()];
  await readServerStats(subject);
  const readCpu = startCpuMeters();
  const loginRounds: LoadResult[] = [await login(ROUND_SECONDS), await login(ROUND_SECONDS)];
  const cpu = readCpu();
  const serverStats = await readServerStats(subject);
  rawRounds.push(await raw());

  const rawRate =
    rawRounds.reduce((sum, r) => sum + r.hashes, 0) / rawRounds.reduce((sum, r) => sum + r.seconds, 0);
  const loginRate =
    loginRounds.reduce((sum, r) => sum + countOf(r, 200), 0) /
    loginRounds.reduce((sum, r) => sum + r.seconds, 0);
  const problems = loginRounds.flatMap((r) => {
    const odd = unexpected(r, [200]);
    return [
      ...(odd ? [`logins answered ${odd}`] : []),
      ...(r.errors ? [`${r.errors} connection errors or timeouts`] : []),
    ];
  });
  return {
    ratio: {
      key: 'loginVsRawArgon2',
      value: loginRate / rawRate,
      target: { atLeast: 0.85 },
      invalid: problems.length ? problems.join('; ') : undefined,
    },
    loginsPerSecond: loginRate,
    lines: [
      `raw argon2id verify: ${rawRate.toFixed(1)} /s (rounds ${rawRounds.map((r) => (r.hashes / r.seconds).toFixed(1)).join(', ')})`,
      `password login:      ${loginRate.toFixed(1)} /s answered 200 (rounds ${loginRounds.map((r) => (countOf(r, 200) / r.seconds).toFixed(1)).join(', ')}); ` +
        `non-200: ${loginRounds.reduce((sum, r) => sum + r.responses - countOf(r, 200), 0)}; ` +
        `errors: ${loginRounds.reduce((sum, r) => sum + r.errors, 0)}`,
      `  ${describeServerStats(serverStats, cpu)}`,
    ],
  };
}

async function timeLogin(subject: Subject, username: string, password: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${subject.origin}${LOGIN_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
    signal: AbortSignal.timeout(10_000),
  });
  await response.arrayBuffer();
  const took = performance.now() - started;
  if (response.status !== 401)
    throw new Error(`a failing login for "${username}" answered ${response.status}`);
  return took;
}

/**
 * Waits until the server answers a login again rather than 503: the flood of the step before leaves it
 * shedding load for a moment after its last request (more so on a busy machine), and a 503 here is not what
 * this step measures. The probe's User ID is none the timing uses, so no count of theirs moves.
 */
async function untilAnsweringLogins(subject: Subject): Promise<void> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const response = await fetch(`${subject.origin}${LOGIN_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench.settling', password: 'not-the-password-1' }),
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    if (response.status !== 503) return;
    if (performance.now() > deadline)
      throw new Error('the server still answers logins 503 30 s after the flood');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function measureUnknownUserTiming(
  subject: Subject,
  say: (line: string) => void,
): Promise<{ ratio: Ratio; lines: string[] }> {
  const { unknownUsernames, wrongPasswordUsernames } = subject.accounts;
  const wrongPassword = 'not-the-password-1';
  const unknown: number[] = [];
  const wrong: number[] = [];
  say(`${TIMING_PAIRS} pairs of failing logins, one request at a time, in random order within each pair`);
  await untilAnsweringLogins(subject);
  for (let i = 0; i < FAILING_LOGIN_PAIRS; i++) {
    const unknownFirst = Math.random() < 0.5;
    const unknownUsername = unknownUsernames[i % unknownUsernames.length] as string;
    const wrongPasswordUsername = wrongPasswordUsernames[i % wrongPasswordUsernames.length] as string;
    const first = await timeLogin(
      subject,
      unknownFirst ? unknownUsername : wrongPasswordUsername,
      wrongPassword,
    );
    const second = await timeLogin(
      subject,
      unknownFirst ? wrongPasswordUsername : unknownUsername,
      wrongPassword,
    );
    if (i < TIMING_WARM_UP_PAIRS) continue;
    unknown.push(unknownFirst ? first : second);
    wrong.push(unknownFirst ? second : first);
  }
  const unknownMedian = median(unknown);
  const wrongMedian = median(wrong);
  return {
    ratio: {
      key: 'unknownUserVsWrongPasswordTime',
      value: unknownMedian / wrongMedian,
      target: { between: [0.8, 1.2] },
    },
    lines: [
      `unknown user: median ${unknownMedian.toFixed(2)} ms; known user, wrong password: median ${wrongMedian.toFixed(2)} ms`,
    ],
  };
}
