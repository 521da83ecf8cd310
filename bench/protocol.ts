/** The messages the bench and its child processes exchange over Node's IPC channel. */

/** A live challenge and the right code for it. */
export type CodePair = [challengeId: string, code: string];

/** Who the subject server knows, so the bench can sign in as them. */
export interface BenchAccounts {
  /** Has a phone and the right password: a login answers with a challenge. */
  username: string;
  password: string;
  /** Exists; the bench always sends it a wrong password (its own user, so lockouts touch nobody else). */
  wrongPasswordUsername: string;
  /** Does not exist. */
  unknownUsername: string;
}

export interface ServerReady {
  type: 'ready';
  port: number;
  hashConcurrency: number;
  hashQueueLimit: number;
  /** Only the subject server sends these. */
  accounts?: BenchAccounts;
  pairs?: CodePair[];
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

export interface ChildFailed {
  type: 'failed';
  message: string;
}

export type ChildMessage = ServerReady | Minted | Argon2Rate | ChildFailed;

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

export type ParentMessage = MintRequest | MeasureRequest;
