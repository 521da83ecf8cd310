/**
 * The verify route's backup-code cases for renderer tests: guided recovery's bypass code (`targetId:
 * "bypass"`) and the user's own recovery codes (known by their shape, no targetId), as the real server tells
 * them apart. Requests and responses are parsed with the shared schemas; anything else falls through to the
 * standard fake (fake-auth-server.ts).
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
import { looksLikeRecoveryCode, normalizeRecoveryCode } from '../../../src/shared/recovery-code';
import { apiUrl, type FakeAuthServer } from './fake-auth-server';

export const BYPASS_CODE = 'ABCD-EFGH-JKMN';
export const RECOVERY_CODE = 'ABCDE-FGHJK';

export interface BackupCodeCalls {
  verify: VerifyCodeRequest[];
}

interface BackupCode {
  /** Whether this verify request is this kind of code at all. */
  claims(body: VerifyCodeRequest): boolean;
  matches(code: string): boolean;
}

const BYPASS: BackupCode = {
  claims: (body) => body.targetId === BYPASS_TARGET_ID,
  matches: (code) => normalizeBypassCode(code) === normalizeBypassCode(BYPASS_CODE),
};

const RECOVERY: BackupCode = {
  claims: (body) => body.targetId === undefined && looksLikeRecoveryCode(body.code),
  matches: (code) => normalizeRecoveryCode(code) === normalizeRecoveryCode(RECOVERY_CODE),
};

/** Makes the fake server take the kind's code (in any case or grouping) once, on any live challenge. */
function accept(server: FakeAuthServer, kind: BackupCode): BackupCodeCalls {
  const calls: BackupCodeCalls = { verify: [] };
  let used = false;
  let attemptsRemaining = 5;
  server.use(
    http.post(apiUrl('/auth/challenges/:id/verify'), async ({ request }) => {
      const body = await server.parseRequest(VerifyCodeRequest, request.clone());
      if (!body || !kind.claims(body)) return undefined;
      calls.verify.push(body);
      if (!used && kind.matches(body.code)) {
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

export const acceptBypassCode = (server: FakeAuthServer) => accept(server, BYPASS);
export const acceptRecoveryCode = (server: FakeAuthServer) => accept(server, RECOVERY);
