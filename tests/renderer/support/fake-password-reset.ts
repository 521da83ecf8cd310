/**
 * The "Forgot your password?" routes of the fake server, as the real one walks them: the start offers the
 * practice's text and email targets; the first right code (RIGHT_CODE, to the target it was sent to) asks a
 * user with another factor for a second proof (another target's code, the app's RIGHT_CODE with `targetId:
 * "totp"`, or RIGHT_RECOVERY_CODE), and sends a user with one factor to the account manager unless the
 * practice allows one; `off` makes every reset a decoy whose codes never match. Every body is parsed with
 * the shared contract.
 */
import { HttpResponse, http } from 'msw';
import {
  ApiError,
  CodeSent,
  ErrorCode,
  NewPassword,
  PasswordResetCode,
  PasswordResetRequest,
  PasswordResetStarted,
  PasswordResetVerifyResult,
  SendCodeRequest,
} from '../../../src/shared/api';
import { apiUrl, type FakeAuthServer, RIGHT_CODE } from './fake-auth-server';

/** The recovery code the fake accepts as a second proof, once. */
export const RIGHT_RECOVERY_CODE = 'ABCDE-FGHJK';

const EXPIRED = {
  error: ErrorCode.challengeExpired,
  message: 'This sign-in has expired. Please sign in again.',
};

interface FakeReset {
  attemptsRemaining: number;
  verified: boolean;
  expired: boolean;
  decoy: boolean;
  /** The target the latest code went to. */
  sentTo?: string;
  /** The factor the first right code proved. */
  proven?: string;
  refused?: boolean;
}

export function passwordResetHandlers(server: FakeAuthServer) {
  const resets = new Map<string, FakeReset>();
  let counter = 0;
  let recoveryCodeUsed = false;
  const expiresAt = () => new Date(Date.now() + 15 * 60 * 1000).toISOString();
  const live = (id: string) => {
    const reset = resets.get(id);
    return reset && !reset.expired && !reset.refused ? reset : undefined;
  };
  /** Makes every reset so far expire, as 15 minutes would. */
  const expireAll = () => {
    for (const reset of resets.values()) reset.expired = true;
  };
  const refuse = (error: string, message: string, status = 400) =>
    server.reply(ApiError, { error, message }, status);
  /** The second proof the request holds, if it is right. */
  const secondProof = (reset: FakeReset, body: PasswordResetCode | undefined): string | undefined => {
    if (body?.code === RIGHT_RECOVERY_CODE && !recoveryCodeUsed) {
      recoveryCodeUsed = true;
      return 'recovery_code';
    }
    if (body?.code !== RIGHT_CODE) return undefined;
    if (body.targetId === 'totp') {
      return server.practice.targets.some((t) => t.channel === 'totp') ? 'totp' : undefined;
    }
    return reset.sentTo && reset.sentTo !== reset.proven ? reset.sentTo : undefined;
  };

  const handlers = [
    http.post(apiUrl('/auth/password-reset'), async ({ request }) => {
      const body = await server.parseRequest(PasswordResetRequest, request);
      if (!body) return HttpResponse.json({}, { status: 400 });
      server.calls.resetStart.push(body.username);
      const resetId = `reset-${++counter}`;
      const decoy = server.practice.selfServiceReset === 'off';
      resets.set(resetId, { attemptsRemaining: 5, verified: false, expired: false, decoy });
      return server.reply(PasswordResetStarted, {
        resetId,
        // As on the server: codes go by text or email only; the app can only be the second proof.
        targets: server.practice.targets.filter((t) => t.channel !== 'totp'),
        expiresAt: expiresAt(),
      });
    }),
    http.post(apiUrl('/auth/password-reset/:id/send'), async ({ request, params }) => {
      const body = await server.parseRequest(SendCodeRequest, request);
      server.calls.resetSend.push(body?.targetId ?? '');
      const reset = live(String(params.id));
      if (!reset) return server.reply(ApiError, EXPIRED, 410);
      if (reset.proven && reset.proven === body?.targetId) {
        return refuse(ErrorCode.conflict, 'Your first code already came from there.', 409);
      }
      const found = server.practice.targets.find((t) => t.id === body?.targetId);
      const target = found && found.channel !== 'totp' ? { ...found, channel: found.channel } : undefined;
      if (!target) return refuse(ErrorCode.invalidTarget, 'No such target.');
      reset.sentTo = target.id;
      return server.reply(CodeSent, {
        channel: target.channel,
        masked: target.masked,
        expiresAt: expiresAt(),
        resendAfter: 30,
      });
    }),
    http.post(apiUrl('/auth/password-reset/:id/verify'), async ({ request, params }) => {
      const body = await server.parseRequest(PasswordResetCode, request);
      if (body) server.calls.resetVerify.push(body);
      const reset = live(String(params.id));
      if (!reset) return server.reply(ApiError, EXPIRED, 410);
      if (!reset.proven && !reset.decoy && body?.code === RIGHT_CODE && !body.targetId && reset.sentTo) {
        reset.proven = reset.sentTo;
        const others = server.practice.targets.filter((t) => t.id !== reset.proven);
        if (others.length > 0) {
          return server.reply(PasswordResetVerifyResult, {
            status: 'second_factor_required',
            targets: others,
          });
        }
        if (server.practice.selfServiceReset !== 'one_factor') {
          reset.refused = true;
          return server.reply(PasswordResetVerifyResult, { status: 'account_manager_required' });
        }
        reset.verified = true;
        return server.reply(PasswordResetVerifyResult, { status: 'verified', expiresAt: expiresAt() });
      }
      if (reset.proven && secondProof(reset, body)) {
        reset.verified = true;
        return server.reply(PasswordResetVerifyResult, { status: 'verified', expiresAt: expiresAt() });
      }
      reset.attemptsRemaining -= 1;
      const left = reset.attemptsRemaining;
      return server.reply(
        ApiError,
        {
          error: ErrorCode.invalidCode,
          message: `That code is not right. ${left} ${left === 1 ? 'attempt' : 'attempts'} left.`,
          attemptsRemaining: left,
        },
        400,
      );
    }),
    http.post(apiUrl('/auth/password-reset/:id/password'), async ({ request, params }) => {
      const body = await server.parseRequest(NewPassword, request);
      server.calls.resetPassword.push(body?.password ?? '');
      const reset = resets.get(String(params.id));
      if (!reset || reset.expired) return server.reply(ApiError, EXPIRED, 410);
      if (!reset.verified) return refuse(ErrorCode.badRequest, 'Verify the code first.');
      const password = body?.password ?? '';
      if (password.length < 8 || !/\p{L}/u.test(password) || !/\p{Nd}/u.test(password)) {
        return refuse(
          ErrorCode.passwordRule,
          'Choose a password of 8 or more characters with both letters and digits. Passwords are case-sensitive.',
        );
      }
      server.practice.password = password;
      reset.expired = true;
      return new HttpResponse(null, { status: 204 });
    }),
  ];
  return { handlers, expireAll };
}
