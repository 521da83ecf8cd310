/** The sign-in routes: thin adapters from HTTP to AuthService, validated by the shared schemas. */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ApiError,
  Authenticated,
  ChallengeParams,
  CodeSent,
  DeliveryStatus,
  ErrorCode,
  LoginRequest,
  LoginResponse,
  Me,
  SendCodeRequest,
  VerifyCodeRequest,
} from '../../src/shared/api';
import { AppError, serverBusy } from '../errors';
import type { Services } from '../services';
import { requestContext } from './context';

const errors = { '4xx': ApiError, '5xx': ApiError };

export function authRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    // No User ID, id or workstation name holds U+0000, and PostgreSQL text cannot store one: refuse it
    // here as bad input rather than let the database fail on it.
    app.addHook('preValidation', refuseNul);

    app.post(
      '/auth/login',
      {
        schema: {
          summary: 'Check a User ID and password; answer with a code challenge or a session',
          tags: ['sign-in'],
          body: LoginRequest,
          response: { 200: LoginResponse, ...errors },
        },
        // Under a login flood, refuse before reading and validating the body: 503 at once, cheaply.
        onRequest: async () => {
          if (services.hasher.saturated) throw serverBusy();
        },
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
          response: { 200: CodeSent, ...errors },
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
          response: { 200: DeliveryStatus, ...errors },
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
          response: { 200: Authenticated, ...errors },
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
          response: { 204: z.null().describe('Signed out'), ...errors },
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
          response: { 200: Me, ...errors },
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

/** A preValidation hook: 400 for a U+0000 anywhere in the params or body. */
export async function refuseNul(request: FastifyRequest): Promise<void> {
  if (holdsNul(request.params) || holdsNul(request.body)) {
    throw new AppError(400, ErrorCode.badRequest, 'The request contains a NUL character.');
  }
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

/** Whether any string in a parsed JSON value holds U+0000; iterative, so deep nesting cannot overflow. */
export function holdsNul(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') {
      if (next.includes('\0')) return true;
    } else if (next && typeof next === 'object') {
      for (const [key, item] of Object.entries(next)) {
        if (key.includes('\0')) return true;
        pending.push(item);
      }
    }
  }
  return false;
}
