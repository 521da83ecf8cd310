/**
 * The verify route's bypass case for renderer tests: a one-time code from the account manager, checked with
 * `targetId: "bypass"`. Requests and responses are parsed with the shared schemas; anything else falls
 * through to the standard fake (fake-auth-server.ts).
 */
import { http } from 'msw';
import {
  ApiError,
  Authenticated,
  BYPASS_TARGET_ID,
  ErrorCode,
  normalizeBypassCode,
  VerifyCodeRequest,
} from '../../../src/shared/api';
import { apiUrl, type FakeAuthServer } from './fake-auth-server';

export const BYPASS_CODE = 'ABCD-EFGH-JKMN';

export interface BypassCalls {
  verify: Array<{ challengeId: string; code: string; rememberDevice?: boolean }>;
}

/** Makes the fake server take BYPASS_CODE (in any case or grouping) once, on any live challenge. */
export function acceptBypassCode(server: FakeAuthServer): BypassCalls {
  const calls: BypassCalls = { verify: [] };
  let used = false;
  let attemptsRemaining = 5;
  server.use(
    http.post(apiUrl('/auth/challenges/:id/verify'), async ({ request, params }) => {
      const body = await server.parseRequest(VerifyCodeRequest, request.clone());
      if (body?.targetId !== BYPASS_TARGET_ID) return undefined;
      calls.verify.push({
        challengeId: String(params.id),
        code: body.code,
        ...(body.rememberDevice !== undefined && { rememberDevice: body.rememberDevice }),
      });
      if (!used && normalizeBypassCode(body.code) === normalizeBypassCode(BYPASS_CODE)) {
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
