/** The sign-in routes: thin adapters from HTTP to AuthService, validated by the shared schemas. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  Authenticated,
  ChallengeParams,
  CodeSent,
  DeliveryStatus,
  LoginRequest,
  LoginResponse,
  Me,
  SendCodeRequest,
  VerifyCodeRequest,
} from '../../src/shared/api';
import type { Services } from '../services';
import { requestContext } from './context';
import { bearerToken, refuseWhileHashingIsFull } from './guard';
import { routePreamble } from './preamble';

export function authRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(routePreamble);

    app.post(
      '/auth/login',
      {
        schema: {
          summary: 'Check a User ID and password; answer with a code challenge or a session',
          tags: ['sign-in'],
          body: LoginRequest,
          response: { 200: LoginResponse },
        },
        // Under a login flood, refuse before reading and validating the body: 503 at once, cheaply.
        onRequest: refuseWhileHashingIsFull(services),
      },
      (request) => services.auth.login(request.body, requestContext(request)),
    );

    app.post(
      '/auth/challenges/:id/send',
      {
        schema: {
          summary: 'Send a fresh 6-digit code to one of the challenge targets',
          tags: ['sign-in'],
          params: ChallengeParams,
          body: SendCodeRequest,
          response: { 200: CodeSent },
        },
      },
      (request) => services.auth.sendCode(request.params.id, request.body.targetId, requestContext(request)),
    );

    app.get(
      '/auth/challenges/:id/delivery',
      {
        schema: {
          summary:
            'What became of the latest code sent for this sign-in: sent, delivered, failed or undelivered',
          tags: ['sign-in'],
          params: ChallengeParams,
          response: { 200: DeliveryStatus },
        },
      },
      (request) => services.auth.deliveryStatus(request.params.id),
    );

    app.post(
      '/auth/challenges/:id/verify',
      {
        schema: {
          summary: 'Check a code; on success start a session (and optionally remember this workstation)',
          tags: ['sign-in'],
          params: ChallengeParams,
          body: VerifyCodeRequest,
          response: { 200: Authenticated },
        },
      },
      (request) => services.auth.verifyCode(request.params.id, request.body, requestContext(request)),
    );

    app.post(
      '/auth/logout',
      {
        schema: {
          summary: 'End the current session',
          tags: ['session'],
          security: [{ bearer: [] }],
          response: { 204: z.null().describe('Signed out') },
        },
      },
      async (request, reply) => {
        const { session, user } = await services.sessions.authenticate(
          bearerToken(request.headers.authorization),
        );
        await services.sessions.end(session.id);
        await services.audit.record(requestContext(request), {
          type: 'session_signed_out',
          userId: user.id,
          username: user.username,
        });
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/me',
      {
        schema: {
          summary: 'The signed-in user',
          tags: ['session'],
          security: [{ bearer: [] }],
          response: { 200: Me },
        },
      },
      async (request) => {
        const { user } = await services.sessions.authenticate(bearerToken(request.headers.authorization));
        const { user: apiUser, locations } = await services.sessions.describe(user);
        return { ...apiUser, locations };
      },
    );
  };
}
