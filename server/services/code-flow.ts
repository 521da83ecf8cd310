/**
 * One mechanism for every flow that sends a one-time code to a contact: a sign-in challenge, a password reset,
 * a contact change (Ory Kratos's self-service flow: an id, an expiry and a state, with strategies that plug
 * into it). This module owns what they share:
 *
 * - the live check: a flow is pending and unexpired with attempts left, or it is over;
 * - sending: the flow's send budget and its code, kept only as an HMAC (CodeSender does the sending);
 * - settling a right proof: the flow moves on (pending → verified/used) if and only if the factor is used up
 *   and the flow's own on-success step commits, in one transaction; a parallel request that got there first
 *   makes it a lost race or a wrong code;
 * - a wrong code: one attempt spent, with a conditional UPDATE, and one answer for all flows.
 *
 * Each flow supplies its table and wording (CodeFlowKind), its hooks for the guesses it counts (Attempt) and
 * its on-success step. What a typed code proves is the provers' part (see provers.ts).
 */
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import type { CodeFlowColumns } from '../db/schema';
import { type AppError, tooManyAttempts, wrongCode } from '../errors';
import {
  advanceFlow,
  attemptsLeft,
  type CodeFlowTable,
  spendAttempt,
  storeCode,
  takeSend,
} from '../repositories/code-flows';
import type { AuditedTx, AuditLog, RequestContext } from './audit-log';
import type { CodeFlow as SendableFlow } from './code-sender';
import type { CodePurpose } from './send-guards';

/** The shared columns a flow's row has, whichever its table. */
export type CodeFlowRow = Pick<
  CodeFlowColumns<string>,
  'id' | 'status' | 'attempts_remaining' | 'sends' | 'code_hmac' | 'code_expires_at' | 'expires_at'
>;

/** What a flow says to the person in front of it. */
export interface CodeFlowWords {
  /** 410 for a flow that was used, replaced or expired. */
  over(): AppError;
  /** How to start over, after "no attempts are left" ("Please sign in again."). */
  startOver: string;
  /** After "Too many wrong codes." */
  tooManyAttempts: string;
}

/** A kind of code flow: its table, what its codes are for (CodeSender's wording and budgets), its words. */
export interface CodeFlowKind {
  table: CodeFlowTable;
  purpose: CodePurpose;
  words: CodeFlowWords;
}

/** One verify request against one flow: the flow as read, and the flow's hooks for what it counts. */
export interface Attempt<Row extends CodeFlowRow = CodeFlowRow> {
  kind: CodeFlowKind;
  flow: Row;
  context: RequestContext;
  /** For a code not of the shape asked: what to type, when not just "the 6 digits of your <code's name>". */
  asked?: string;
  /** Once a code's shape passed, before its secret is checked (a password reset's limit per User ID). */
  beforeGuess?(): Promise<void>;
  /** A sent code past its lifetime was typed (the sign-in puts it on record). */
  codeExpired?(): Promise<void>;
  /** A wrong code cost an attempt: what the flow records and counts besides. */
  wrongCode(attemptsRemaining: number): Promise<void>;
}

/** What a right code proved, and what it uses up with the flow. */
export interface Proof<Factor extends string = string> {
  factor: Factor;
  /** A sent code: the HMAC the flow must still hold when it moves on. */
  codeHmac?: string;
  /** Uses up the factor in the flow's transaction (an app's time step, a recovery or bypass code). */
  claim?(tx: Db): Promise<boolean>;
  /** After the transaction committed: the factor's use on record, and the user told. */
  afterwards?(): Promise<void>;
}

/** The flow's on-success step, in the transaction that moves it on. */
export interface Success<T> {
  /** The flow's move; by default pending → used, still holding the code the proof checked. */
  advance?(tx: AuditedTx): Promise<boolean>;
  onSuccess(tx: AuditedTx): Promise<T>;
}

export interface CodeFlowDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
}

/** Thrown inside the settling transaction to roll it back when the proof's factor was used meanwhile. */
class FactorTaken extends Error {}

export class CodeFlows {
  constructor(private readonly deps: CodeFlowDeps) {}

  /** The live check: a pending, unexpired flow with attempts left; otherwise the flow's refusal. */
  live<Row extends CodeFlowRow>(kind: CodeFlowKind, flow: Row | undefined): Row {
    if (flow?.status !== 'pending' || flow.expires_at <= this.deps.clock.now().toISOString()) {
      throw kind.words.over();
    }
    if (flow.attempts_remaining <= 0) throw tooManyAttempts(kind.words.tooManyAttempts);
    return flow;
  }

  /**
   * The flow as CodeSender sends for it: a send taken from its budget, then its code's HMAC kept. A flow
   * with its own columns for a code (a password reset's target and step) gives its own `storeCode`.
   */
  sending(
    kind: CodeFlowKind,
    flow: CodeFlowRow,
    own: Partial<Pick<SendableFlow, 'storeCode' | 'withhold'>> = {},
  ): SendableFlow {
    const { db } = this.deps;
    return {
      id: flow.id,
      purpose: kind.purpose,
      sends: flow.sends,
      expiresAt: flow.expires_at,
      takeSend: (now) => takeSend(db, kind.table, flow.id, now),
      storeCode: (codeHmac, expiresAt) => storeCode(db, kind.table, flow.id, { codeHmac, expiresAt }),
      ...own,
    };
  }

  /**
   * Settles a right proof: in one transaction the flow moves on, the factor is used up and the flow's
   * on-success step runs. A flow that moved meanwhile (used, or run out of attempts by parallel guesses) is
   * over; a factor a parallel request used counts as a wrong code.
   */
  async settle<T>(attempt: Attempt, proof: Proof, success: Success<T>): Promise<T> {
    const { db, clock, audit } = this.deps;
    const { kind, flow } = attempt;
    const now = clock.now();
    const advance =
      success.advance ??
      ((tx: AuditedTx) =>
        advanceFlow(tx, kind.table, flow.id, { to: 'used', codeHmac: proof.codeHmac, now }));
    const outcome = await audit
      .transaction(async (tx) => {
        if (!(await advance(tx))) return 'lost' as const;
        if (proof.claim && !(await proof.claim(tx))) throw new FactorTaken();
        return { done: await success.onSuccess(tx) };
      })
      .catch((error: unknown) => {
        if (error instanceof FactorTaken) return 'taken' as const;
        throw error;
      });
    if (outcome === 'lost') {
      throw (await attemptsLeft(db, kind.table, flow.id)) === 0
        ? tooManyAttempts(kind.words.tooManyAttempts)
        : kind.words.over();
    }
    if (outcome === 'taken') return this.refuse(attempt);
    await proof.afterwards?.();
    return outcome.done;
  }

  /** A wrong code: spends an attempt, lets the flow count it, and answers how many are left. Always throws. */
  async refuse(attempt: Attempt): Promise<never> {
    const { kind, flow } = attempt;
    const left = await spendAttempt(this.deps.db, kind.table, flow.id);
    if (left === undefined) throw tooManyAttempts(kind.words.tooManyAttempts);
    await attempt.wrongCode(left);
    throw wrongCode(left, kind.words.startOver);
  }
}
