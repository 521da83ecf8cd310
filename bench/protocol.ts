/** The messages the bench and its child processes exchange over Node's IPC channel. */

/** A live challenge and the right code for it. */
export type CodePair = [challengeId: string, code: string];

/** Failing logins per kind (unknown user, wrong password) in the timing step, warm-up included. */
export const FAILING_LOGIN_PAIRS = 130;

/** Who the subject server knows, so the bench can sign in as them. */
export interface BenchAccounts {
  /** Has a phone and the right password: a login answers with a challenge. */
  username: string;
  password: string;
  /**
   * Exist; the bench always sends them a wrong password (users of its own, so lockouts touch nobody else),
   * taking turns so that none of them reaches the lockout threshold.
   */
  wrongPasswordUsernames: string[];
  /** Do not exist; as many as the known ones, taking turns for the same reason (unknown User IDs lock too). */
  unknownUsernames: string[];
}

export interface ServerReady {
  type: 'ready';
  port: number;
  hashConcurrency: number;
  hashQueueLimit: number;
  /** Only the subject server sends these; it sends challenges when asked (MintRequest). */
  accounts?: BenchAccounts;
}

export interface Minted {
  type: 'minted';
  id: number;
  pairs: CodePair[];
  ms: number;
}

export interface Argon2Rate {
  type: 'argon2-rate';
  id: number;
  hashes: number;
  seconds: number;
}

/** How the subject server's process fared since the previous StatsRequest (or since it started). */
export interface ServerStats {
  type: 'stats';
  id: number;
  seconds: number;
  /** Share of the time the event loop was busy (0..1). */
  eventLoopUtilization: number;
  /** CPU time used by the whole process (all threads, argon2 included) per second of wall time. */
  cpuCores: number;
  /** Event loop delay percentiles, in ms. */
  loopDelayP50: number;
  loopDelayP99: number;
  /** The highest resident set size seen between the two readings (sampled every 50 ms), in MiB. */
  rssPeakMiB: number;
}

export interface ChildFailed {
  type: 'failed';
  message: string;
}

/** A scale-section practice written to its database (scale-seed-child.ts). */
export interface PracticeSeeded {
  type: 'seeded';
  users: number;
  auditEvents: number;
  trustedDevices: number;
  /** Seeding time, from the first insert to the commit. */
  ms: number;
}

/** The code in the last message the scale server child would have sent to `to`, if any. */
export interface CapturedCode {
  type: 'code';
  id: number;
  code?: string;
}

export type ChildMessage =
  | ServerReady
  | Minted
  | Argon2Rate
  | ServerStats
  | ChildFailed
  | PracticeSeeded
  | CapturedCode;

/** Asks the subject server for `count` fresh challenges. */
export interface MintRequest {
  type: 'mint';
  id: number;
  count: number;
}

/** Asks the argon2 child to hash for `seconds` at its concurrency. */
export interface MeasureRequest {
  type: 'measure';
  id: number;
  seconds: number;
}

export interface StatsRequest {
  type: 'stats';
  id: number;
}

/** Asks the scale server child for the code it last sent to a phone (a user reading their text). */
export interface CodeRequest {
  type: 'code';
  id: number;
  to: string;
}

export type ParentMessage = MintRequest | MeasureRequest | StatsRequest | CodeRequest;
