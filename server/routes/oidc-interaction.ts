/**
 * "Login with WRSAuth": the login prompt the provider sends a browser to, at /oidc-interaction/<uid> (outside
 * the provider's /oidc). The page is the web client itself, which finds the uid in its own path and runs the
 * usual sign-in (/api/v1/auth/*) with "Sign in to <client>" under each title; its two calls sit below the
 * page's path so the provider's interaction cookie, scoped to that path, comes with them.
 *
 * The desktop client's practice-application window skips the typing: its main process gets a ticket with
 * its own session (POST /api/v1/oidc/tickets) and the window posts it to /oidc-interaction/<uid>/ticket,
 * which answers with a redirect, back to the application or, for a ticket that cannot do it, to the prompt.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  API_PREFIX,
  CompleteOidcInteraction,
  ErrorCode,
  IssueOidcTicket,
  OidcInteraction,
  OidcInteractionCompleted,
  OidcInteractionParams,
  OidcTicketIssued,
  RedeemOidcTicket,
} from '../../src/shared/api';
import { AppError } from '../errors';
import type { Services } from '../services';
import { INTERACTION_PREFIX } from '../services/oidc-provider';
import { requestContext } from './context';
import { bearerToken } from './guard';
import { routePreamble } from './preamble';
import { WEB_CSP } from './web-client';

/** A ticket form is one short field; anything larger is not one. */
const TICKET_FORM_LIMIT_BYTES = 1024;

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
    await app.register(routePreamble);
    const prefix = INTERACTION_PREFIX.slice(0, -1);

    app.get(
      `${prefix}/:uid`,
      {
        schema: {
          summary:
            "The login prompt an application's sign-in request opens: WRSAuth's sign-in screens (HTML)",
          tags: ['login-with-wrsauth'],
          params: OidcInteractionParams,
          response: { 200: z.string().describe('text/html') },
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
          response: { 200: OidcInteraction },
        },
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        return services.oidcInteractions.describe({ req: request.raw, res: reply.raw }, request.params.uid);
      },
    );

    // The ticket form, and only in this plugin: the window posts it as a plain HTML form would.
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: TICKET_FORM_LIMIT_BYTES },
      (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      },
    );

    app.post(
      `${API_PREFIX}/oidc/tickets`,
      {
        schema: {
          summary:
            "The desktop client's single-use, 60-second ticket into the login prompt its practice-application window landed on (Bearer session)",
          tags: ['login-with-wrsauth'],
          security: [{ bearer: [] }],
          body: IssueOidcTicket,
          response: { 201: OidcTicketIssued },
        },
      },
      async (request, reply) => {
        const issued = await services.oidcInteractions.issueTicket(
          bearerToken(request.headers.authorization),
          request.body,
        );
        return reply.code(201).header('cache-control', 'no-store').send(issued);
      },
    );

    app.post(
      `${prefix}/:uid/ticket`,
      {
        schema: {
          summary:
            'Redeem a desktop ticket in the practice-application window (interaction cookie): 303 back to the application, or to the login prompt when the ticket cannot complete it',
          tags: ['login-with-wrsauth'],
          consumes: ['application/x-www-form-urlencoded'],
          params: OidcInteractionParams,
          body: RedeemOidcTicket,
          response: { 303: z.null().describe('See Other: the Location header says where') },
        },
      },
      async (request, reply) => {
        const next = await services.oidcInteractions.redeemTicket(
          { req: request.raw, res: reply.raw },
          request.params.uid,
          request.body.ticket,
          requestContext(request),
        );
        return reply.code(303).header('cache-control', 'no-store').header('location', next).send(null);
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
          response: { 200: OidcInteractionCompleted },
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
