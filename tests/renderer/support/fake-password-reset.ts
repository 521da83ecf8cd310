/**
 * The "Forgot your password?" routes of the fake server: one reset at a time, the right code RIGHT_CODE,
 * the password rule checked as the server does. Every body is parsed with the shared contract.
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
  PasswordResetVerified,
  SendCodeRequest,
} from '../../../src/shared/api';
import { apiUrl, type FakeAuthServer, RIGHT_CODE } from './fake-auth-server';

const EXPIRED = {
  error: ErrorCode.challengeExpired,
  message: 'This sign-in has expired. Please sign in again.',
};

export function passwordResetHandlers(server: FakeAuthServer) {
  const resets = new Map<string, { attemptsRemaining: number; verified: boolean; expired: boolean }>();
  let counter = 0;
  const expiresAt = () => new Date(Date.now() + 15 * 60 * 1000).toISOString();
  const live = (id: string) => {
    const reset = resets.get(id);
    return reset && !reset.expired ? reset : undefined;
  };
  /** Makes every reset so far expire, as 15 minutes would. */
  const expireAll = () => {
    for (const reset of resets.values()) reset.expired = true;
  };
  const handlers = [
    http.post(apiUrl('/auth/password-reset'), async ({ request }) => {
      const body = await server.parseRequest(PasswordResetRequest, request);
      if (!body) return HttpResponse.json({}, { status: 400 });
      server.calls.resetStart.push(body.username);
      const resetId = `reset-${++counter}`;
      resets.set(resetId, { attemptsRemaining: 5, verified: false, expired: false });
      return server.reply(PasswordResetStarted, {
        resetId,
        targets: server.practice.targets,
        expiresAt: expiresAt(),
      });
    }),
    http.post(apiUrl('/auth/password-reset/:id/send'), async ({ request, params }) => {
      const body = await server.parseRequest(SendCodeRequest, request);
      server.calls.resetSend.push(body?.targetId ?? '');
      if (!live(String(params.id))) return server.reply(ApiError, EXPIRED, 410);
      const found = server.practice.targets.find((t) => t.id === body?.targetId);
      // As on the server: codes go by text or email only.
      const target = found && found.channel !== 'totp' ? { ...found, channel: found.channel } : undefined;
      if (!target)
        return server.reply(ApiError, { error: ErrorCode.invalidTarget, message: 'No such target.' }, 400);
      return server.reply(CodeSent, {
        channel: target.channel,
        masked: target.masked,
        expiresAt: expiresAt(),
        resendAfter: 30,
      });
    }),
    http.post(apiUrl('/auth/password-reset/:id/verify'), async ({ request, params }) => {
      const body = await server.parseRequest(PasswordResetCode, request);
      server.calls.resetVerify.push(body?.code ?? '');
      const reset = live(String(params.id));
      if (!reset) return server.reply(ApiError, EXPIRED, 410);
      if (body?.code === RIGHT_CODE) {
        reset.verified = true;
        return server.reply(PasswordResetVerified, { status: 'verified', expiresAt: expiresAt() });
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
      const reset = live(String(params.id));
      if (!reset) return server.reply(ApiError, EXPIRED, 410);
      if (!reset.verified) {
        return server.reply(
          ApiError,
          { error: ErrorCode.badRequest, message: 'Verify the code first.' },
          400,
        );
      }
      const password = body?.password ?? '';
      if (password.length < 8 || !/\p{L}/u.test(password) || !/\p{Nd}/u.test(password)) {
        return server.reply(
          ApiError,
          {
            error: ErrorCode.passwordRule,
            message:
              'Choose a password of 8 or more characters with both letters and digits. Passwords are case-sensitive.',
          },
          400,
        );
      }
      server.practice.password = password;
      reset.expired = true;
      return new HttpResponse(null, { status: 204 });
    }),
  ];
  return { handlers, expireAll };
}
