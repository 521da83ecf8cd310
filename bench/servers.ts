/** Starting the servers under test, and feeding the subject's verify route one live challenge per request. */
import { API_PREFIX } from '../src/shared/api';
import { BenchChild, type ChildOptions } from './children';
import type { CpuReading } from './cpu-meters';
import type { BenchAccounts, CodePair, ServerReady, ServerStats } from './protocol';

const READY_TIMEOUT_MS = 60_000;
const MINT_TIMEOUT_MS = 30_000;

export interface RunningServer {
  child: BenchChild;
  origin: string;
  ready: ServerReady;
}

export interface Subject extends RunningServer {
  accounts: BenchAccounts;
}

export async function startServer(script: string, options: ChildOptions): Promise<RunningServer> {
  const child = BenchChild.start(script, options);
  const ready = await child.waitFor('ready', READY_TIMEOUT_MS);
  return { child, origin: `http://127.0.0.1:${ready.port}`, ready };
}

export async function startSubject(options: ChildOptions): Promise<Subject> {
  const server = await startServer('subject-server.ts', options);
  const { accounts } = server.ready;
  if (!accounts) throw new Error('the subject server sent no accounts');
  return { ...server, accounts };
}

/** Challenges for one measurement. Running out is a bench bug (the pool was sized too small), and says so. */
export class ChallengePool {
  private taken = 0;
  /** Requests that found the pool empty and reused a spent challenge (their answers are not 200). */
  overflow = 0;

  constructor(private readonly pairs: CodePair[]) {}

  /** The next verify request: a distinct live challenge with its right code. */
  readonly next = (): { path: string; body: string } => {
    const pair = this.pairs[this.taken] ?? this.pairs.at(-1);
    if (this.taken < this.pairs.length) this.taken++;
    else this.overflow++;
    if (!pair) throw new Error('the challenge pool is empty');
    const [challengeId, code] = pair;
    return { path: `${API_PREFIX}/auth/challenges/${challengeId}/verify`, body: JSON.stringify({ code }) };
  };
}

/** Resets the server's meter; the next reading covers what happened from now on. */
export async function readServerStats(server: RunningServer): Promise<ServerStats> {
  return server.child.ask({ type: 'stats' }, 'stats', 10_000);
}

/**
 * The server's figures, with the CPU the load generator (this process) used meanwhile and what the rest of
 * the machine used (other processes, and steal on a VM): on a shared machine that explains many a bad figure.
 */
export function describeServerStats(stats: ServerStats, cpu: CpuReading): string {
  const others = cpu.machine === undefined ? undefined : cpu.machine - stats.cpuCores - cpu.loadGenerator;
  return (
    `server: event loop ${(100 * stats.eventLoopUtilization).toFixed(0)}% busy, ` +
    `loop delay p50 ${stats.loopDelayP50.toFixed(1)} ms / p99 ${stats.loopDelayP99.toFixed(1)} ms, ` +
    `CPU ${stats.cpuCores.toFixed(2)} cores, RSS peak ${stats.rssPeakMiB.toFixed(0)} MiB; load generator ${cpu.loadGenerator.toFixed(2)} cores` +
    (others === undefined ? '' : `; other work ${Math.max(0, others).toFixed(2)} cores`)
  );
}

/** Live challenges from a server that mints them: the subject, or the floor (floor-server.ts). */
export async function mintPool(server: RunningServer, count: number): Promise<ChallengePool> {
  const minted = await server.child.ask({ type: 'mint', count }, 'minted', MINT_TIMEOUT_MS);
  return new ChallengePool(minted.pairs);
}
