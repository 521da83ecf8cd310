/**
 * "Login with WRSAuth": the login prompt the provider sends a browser to, at /oidc-interaction/<uid> (outside
 * the provider's /oidc). The page is the web client itself, which finds the uid in its own path and runs the
 * usual sign-in (/api/v1/auth/*) with "Sign in to <client>" under each title; its two calls sit below the
 * page's path so the provider's interaction cookie, scoped to that path, comes with them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ApiError,
  CompleteOidcInteraction,
  ErrorCode,
  OidcInteraction,
  OidcInteractionCompleted,
  OidcInteractionParams,
} from '../../src/shared/api';
import { AppError } from '../errors';
import type { Services } from '../services';
import { INTERACTION_PREFIX } from '../services/oidc-provider';
import { bearerToken, refuseNul } from './auth';
import { WEB_CSP } from './web-client';

const errors = { '4xx': ApiError, '5xx': ApiError };

/**
 * index.html as the web client build has it, with its relative asset URLs (made for `/` and app://) made
 * absolute, since this page lives one level down. Read per request: a rebuild changes the file names.
 */
function promptPage(webRoot: string | undefined): string | undefined {
  if (!webRoot) return undefined;
  try {
    const html = fs.readFileSync(path.join(webRoot, 'index.html'), 'utf8');
    return html.replaceAll('="./', '="/');
  } catch {
    return undefined;
  }
}

export function oidcInteractionRoutes(
  services: Services,
  webRoot: string | undefined,
): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('preValidation', refuseNul);
    const prefix = INTERACTION_PREFIX.slice(0, -1);

    app.get(
      `${prefix}/:uid`,
      {
        schema: {
          summary:
            "The login prompt an application's sign-in request opens: WRSAuth's sign-in screens (HTML)",
          tags: ['login-with-wrsauth'],
          params: OidcInteractionParams,
          response: { 200: z.string().describe('text/html'), ...errors },
        },
      },
      async (_request, reply) => {
        const html = promptPage(webRoot);
        // Like `/`, which is not served either without a build of the web client.
        if (!html) {
          throw new AppError(404, ErrorCode.notFound, 'This server has no web client to sign in with.');
        }
        reply
          .header('content-security-policy', WEB_CSP)
          .header('referrer-policy', 'no-referrer')
          .header('x-frame-options', 'DENY')
          .header('cache-control', 'no-store')
          .type('text/html; charset=utf-8');
        return reply.send(html);
      },
    );

    app.get(
      `${prefix}/:uid/details`,
      {
        schema: {
          summary:
            'What the login prompt shows: the application asking, and whether it needs a second factor (interaction cookie)',
          tags: ['login-with-wrsauth'],
          params: OidcInteractionParams,
          response: { 200: OidcInteraction, ...errors },
        },
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        return services.oidcInteractions.describe({ req: request.raw, res: reply.raw }, request.params.uid);
      },
    );

    app.post(
      `${prefix}/:uid/complete`,
      {
        schema: {
          summary:
            "Complete an application's sign-in request with the session this browser's sign-in started (interaction cookie and Bearer session)",
          tags: ['login-with-wrsauth'],
          security: [{ bearer: [] }],
          params: OidcInteractionParams,
          body: CompleteOidcInteraction,
          response: { 200: OidcInteractionCompleted, ...errors },
        },
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        return services.oidcInteractions.complete(
          { req: request.raw, res: reply.raw },
          request.params.uid,
          bearerToken(request.headers.authorization),
          request.body,
        );
      },
    );
  };
}
