/**
 * The shape of a guided-recovery bypass code, shared by the server and the sign-in screens. Free of zod, so
 * the sign-in chunk can check a typed code without loading the schemas.
 */

/** The verify request's `targetId` for a one-time code from the account manager. */
export const BYPASS_TARGET_ID = 'bypass';

/**
 * A bypass code: 12 characters from the recovery codes' alphabet (no 0/O, 1/I/L) in groups of four,
 * "ABCD-EFGH-JKMN". Never 6 digits and never 10 characters, so it is told apart from a sent code and from
 * a recovery code. Case, spaces and dashes do not matter when typed.
 */
export const BYPASS_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const BYPASS_CODE_LENGTH = 12;

/** Upper-cased, without spaces or dashes. */
export function normalizeBypassCode(raw: string): string {
  return raw.replace(/[\s-]/g, '').toUpperCase();
}

/** Whether typed text has the shape of a bypass code. */
export function looksLikeBypassCode(raw: string): boolean {
  const code = normalizeBypassCode(raw);
  return code.length === BYPASS_CODE_LENGTH && [...code].every((c) => BYPASS_CODE_ALPHABET.includes(c));
}
