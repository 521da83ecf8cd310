/** "Forgot your password?" routes: no session, validated by the shared schemas, answered by PasswordResetService. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CodeSent,
  NewPassword,
  PasswordResetCode,
  PasswordResetParams,
  PasswordResetRequest,
  PasswordResetStarted,
  PasswordResetVerifyResult,
  SendCodeRequest,
} from '../../src/shared/api';
import type { Services } from '../services';
import { requestContext } from './context';
import { refuseWhileHashingIsFull } from './guard';
import { routePreamble } from './preamble';

const tags = ['password reset'];

export function passwordResetRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    const { passwordReset } = services;
    // PostgreSQL text cannot hold U+0000: bad input, not a database failure.
    await app.register(routePreamble);

    app.post(
      '/auth/password-reset',
      {
        schema: {
          summary:
            'Start a password reset: the masked targets a code can go to (the same answer for any User ID)',
          tags,
          body: PasswordResetRequest,
          response: { 200: PasswordResetStarted },
        },
      },
      (request) => passwordReset.start(request.body.username, requestContext(request)),
    );

    app.post(
      '/auth/password-reset/:id/send',
      {
        schema: {
          summary:
            'Send a reset code to one of the targets; for the second proof, to another factor than the first (409 conflict for that one)',
          tags,
          params: PasswordResetParams,
          body: SendCodeRequest,
          response: { 200: CodeSent },
        },
      },
      (request) => passwordReset.send(request.params.id, request.body.targetId, requestContext(request)),
    );

    app.post(
      '/auth/password-reset/:id/verify',
      {
        schema: {
          summary:
            'Check a reset code: a user with two or more factors then needs a second proof from another one (second_factor_required); a user with one, what the practice allows (verified, or account_manager_required)',
          tags,
          params: PasswordResetParams,
          body: PasswordResetCode,
          response: { 200: PasswordResetVerifyResult },
        },
      },
      (request) => passwordReset.verify(request.params.id, request.body, requestContext(request)),
    );

    app.post(
      '/auth/password-reset/:id/password',
      {
        schema: {
          summary: 'Set the new password; every session and trusted workstation is signed out',
          tags,
          params: PasswordResetParams,
          body: NewPassword,
          response: { 204: z.null().describe('Password changed') },
        },
        onRequest: refuseWhileHashingIsFull(services),
      },
      async (request, reply) => {
        await passwordReset.setPassword(request.params.id, request.body.password, requestContext(request));
        return reply.code(204).send(null);
      },
    );
  };
}
