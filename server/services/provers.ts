/**
 * One prover per kind of second factor (Bitwarden's one strategy per kind): the code sent to a contact, the
 * authenticator app, a recovery code, and a bypass code from guided recovery. A prover reads what was typed,
 * refuses a code of the wrong shape without costing an attempt, and answers the Proof a right code makes, or
 * undefined for a wrong one. The sign-in, a password reset's second proof and a contact change pick theirs
 * from one table (`Record<Factor, Prover>`) with `factorOf`, the one place that tells the kinds apart.
 */
import { BYPASS_TARGET_ID, looksLikeBypassCode } from '../../src/shared/api';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import { codeExpired, malformedCode } from '../errors';
import type { SignInUser } from '../repositories/users';
import { isWellFormedCode, type Keyring } from '../secrets';
import type { RequestContext } from './audit-log';
import type { Attempt, Proof } from './code-flow';
import { CODE_NOUNS } from './code-sender';
import type { GuidedRecoveryService } from './guided-recovery';
import { allowedFactorsOf } from './policy';
import { looksLikeRecoveryCode, type RecoveryCodeService, type RecoveryCodeUse } from './recovery-codes';
import { TOTP_TARGET, type TotpService } from './totp';

/** A second factor, as sign-in methods name them. */
export type Factor = 'code' | 'totp' | 'recovery_code' | 'bypass_code';

/** The user the code is typed for, with the practice's allowed factors. */
export type ProverUser = SignInUser & { allowed_factors: string };

export interface Prover {
  prove(attempt: Attempt, typed: string, user: ProverUser): Promise<Proof<Factor> | undefined>;
}

/** A right sent code: the flow must still hold its HMAC when it moves on. */
export type SentCodeProof = Proof<'code'> & { codeHmac: string };

/** The sent code's prover needs no user: the flow holds the code (a contact change's user has no factor yet). */
export interface SentCodeProver extends Prover {
  prove(attempt: Attempt, typed: string): Promise<SentCodeProof | undefined>;
}

/** The part of a verify request that names the factor: the code as typed and the target it is for. */
export interface TypedCode {
  code: string;
  targetId?: string;
}

/**
 * Which of `provers` a typed code is for: a bypass code by its target, a recovery code by its shape, the
 * app's code by its target, and without a target `withoutTarget`; otherwise (or for a kind the flow does not
 * take) the code sent for the flow.
 */
export function factorOf<F extends Factor>(
  request: TypedCode,
  provers: Record<F, Prover>,
  withoutTarget: F | 'code' = 'code',
): F | 'code' {
  const named: Factor[] = [
    ...(request.targetId === BYPASS_TARGET_ID ? (['bypass_code'] as const) : []),
    ...(looksLikeRecoveryCode(request.code) ? (['recovery_code'] as const) : []),
    ...(request.targetId === TOTP_TARGET.id ? (['totp'] as const) : []),
  ];
  const taken = named.find((factor): factor is F => factor in provers);
  return taken ?? (request.targetId === undefined ? withoutTarget : 'code');
}

/** Codes are typed with spaces or dashes now and then; six digits remain. */
const digitsOf = (typed: string) => typed.replace(/[\s-]/g, '');

/** One answer for a code that is not 6 digits: in the flow's own words, or in its code's name. */
const malformed = (attempt: Attempt) =>
  malformedCode(
    attempt.flow.attempts_remaining,
    attempt.asked ?? `the 6 digits of your ${CODE_NOUNS[attempt.kind.purpose]}`,
  );

/**
 * The code sent for this flow: not yet expired, and matching the HMAC the flow holds (compared in constant
 * time). A flow that holds no code (none sent yet, or a decoy's) matches nothing.
 */
export function sentCodeProver(deps: { keyring: Keyring; clock: Clock }): SentCodeProver {
  return {
    async prove(attempt, typed) {
      const { flow } = attempt;
      const code = digitsOf(typed);
      if (!isWellFormedCode(code)) throw malformed(attempt);
      await attempt.beforeGuess?.();
      if (flow.code_expires_at && flow.code_expires_at <= deps.clock.now().toISOString()) {
        await attempt.codeExpired?.();
        throw codeExpired();
      }
      const stored = flow.code_hmac;
      if (!stored || !deps.keyring.codeMatches(flow.id, code, stored)) return undefined;
      return { factor: 'code', codeHmac: stored };
    },
  };
}

/** The authenticator app's current code, on a practice that allows the app; a time step is used once. */
export function appProver(totp: Pick<TotpService, 'matchUnusedCode' | 'claim'>): Prover {
  return {
    async prove(attempt, typed, user) {
      const code = digitsOf(typed);
      if (!isWellFormedCode(code)) throw malformed(attempt);
      await attempt.beforeGuess?.();
      if (!allowedFactorsOf(user).includes('totp')) return undefined;
      const step = await totp.matchUnusedCode(user.id, code);
      if (step === undefined) return undefined;
      return { factor: 'totp', claim: (tx) => totp.claim(tx, user.id, step) };
    },
  };
}

/** A single-use code kept for the user: found among theirs, used up with the flow, then told of. */
interface SingleUseCodes {
  match(userId: string, typed: string): Promise<string | undefined>;
  spend(tx: Db, id: string): Promise<boolean>;
  used(user: SignInUser, context: RequestContext): Promise<void>;
}

function singleUseCodeProver(
  factor: 'recovery_code' | 'bypass_code',
  codes: SingleUseCodes,
  shape?: { looksRight(typed: string): boolean; asked: string },
): Prover {
  return {
    async prove(attempt, typed, user) {
      // A typo in the shape costs no attempt; a well-formed wrong code does, like any wrong code.
      if (shape && !shape.looksRight(typed))
        throw malformedCode(attempt.flow.attempts_remaining, shape.asked);
      await attempt.beforeGuess?.();
      const codeId = await codes.match(user.id, typed);
      if (!codeId) return undefined;
      return {
        factor,
        claim: (tx) => codes.spend(tx, codeId),
        afterwards: () => codes.used(user, attempt.context),
      };
    },
  };
}

/** One of the user's unused recovery codes (factorOf picks it by its shape); the use is audited and told. */
export const recoveryCodeProver = (
  recoveryCodes: Pick<RecoveryCodeService, 'match' | 'spend' | 'used'>,
  use: RecoveryCodeUse,
): Prover =>
  singleUseCodeProver('recovery_code', {
    match: (userId, typed) => recoveryCodes.match(userId, typed),
    spend: (tx, id) => recoveryCodes.spend(tx, id),
    used: (user, context) => recoveryCodes.used(user, context, use),
  });

/** The live bypass code an account manager read out (guided recovery), typed for `targetId: "bypass"`. */
export const bypassCodeProver = (
  bypassCodes: Pick<GuidedRecoveryService, 'match' | 'spend' | 'used'>,
): Prover =>
  singleUseCodeProver('bypass_code', bypassCodes, {
    looksRight: looksLikeBypassCode,
    asked: 'the 12 characters of the code from your account manager',
  });
