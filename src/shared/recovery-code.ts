/**
 * The shape of a recovery code (My settings → Recovery codes), shared by the server and the sign-in screens.
 * Free of zod, so the sign-in chunk can check a typed code without loading the schemas.
 */

/** No 0/O, 1/I/L: read off paper without doubt. 31 symbols × 10 ≈ 49.5 bits per code. */
export const RECOVERY_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
/** Ten characters, shown as two groups of five: "ABCDE-FGHJK". */
export const RECOVERY_CODE_LENGTH = 10;

/** Upper-cased, without spaces or dashes: "abcde-fghjk" and "ABCDEFGHJK" are one code. */
export function normalizeRecoveryCode(raw: string): string {
  return raw.replace(/[\s-]/g, '').toUpperCase();
}

/** Whether typed text has the shape of a recovery code (never that of a 6-digit code or a bypass code). */
export function looksLikeRecoveryCode(raw: string): boolean {
  const code = normalizeRecoveryCode(raw);
  return code.length === RECOVERY_CODE_LENGTH && [...code].every((c) => RECOVERY_CODE_ALPHABET.includes(c));
}
