/**
 * The verify route's recovery-code case for renderer tests: one of the user's own recovery codes, which the
 * real server knows by its shape (no targetId). Requests and responses are parsed with the shared schemas;
 * anything else falls through to the standard fake (fake-auth-server.ts).
 */
import { http } from 'msw';
import { ApiError, Authenticated, ErrorCode, VerifyCodeRequest } from '../../../src/shared/api';
import { looksLikeRecoveryCode, normalizeRecoveryCode } from '../../../src/shared/recovery-code';
import { apiUrl, type FakeAuthServer } from './fake-auth-server';

export const RECOVERY_CODE = 'ABCDE-FGHJK';

export interface RecoveryCalls {
  verify: VerifyCodeRequest[];
}

/** Makes the fake server take RECOVERY_CODE (in any case or grouping) once, on any live challenge. */
export function acceptRecoveryCode(server: FakeAuthServer): RecoveryCalls {
  const calls: RecoveryCalls = { verify: [] };
  let used = false;
  let attemptsRemaining = 5;
  server.use(
    http.post(apiUrl('/auth/challenges/:id/verify'), async ({ request }) => {
      const body = await server.parseRequest(VerifyCodeRequest, request.clone());
      if (!body || body.targetId !== undefined || !looksLikeRecoveryCode(body.code)) return undefined;
      calls.verify.push(body);
      if (!used && normalizeRecoveryCode(body.code) === normalizeRecoveryCode(RECOVERY_CODE)) {
        used = true;
        return server.reply(Authenticated, server.authenticated());
      }
      attemptsRemaining -= 1;
      return server.reply(
        ApiError,
        {
          error: ErrorCode.invalidCode,
          message: `That code is not right. ${attemptsRemaining} attempts left.`,
          attemptsRemaining,
        },
        400,
      );
    }),
  );
  return calls;
}
