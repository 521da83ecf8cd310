/**
 * Who may call a route, decided in onRequest: before the body is parsed or validated, so a caller without
 * the right session learns nothing about the route's input (401 without a live session, 403 for a staff
 * session on an account-manager route).
 */
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import { ErrorCode } from '../../src/shared/api';
import { AppError, serverBusy } from '../errors';
import type { Services } from '../services';
import type { Principal } from '../services/sessions';
import { requestContext } from './context';

/** A route as Fastify added it. */
export interface RouteEntry {
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route the app serves, as Fastify added it (see recordRouteInventory). */
    readonly routeInventory: readonly RouteEntry[];
  }
  interface FastifyRequest {
    /** Set by the guard hooks below on /me and /admin routes. */
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** The one route a session signed in with a temporary password may use: choosing one's own password. */
    forTemporaryPassword?: boolean;
  }
}

/**
 * Keeps a list of every route as Fastify adds it, whether or not it has a schema or appears in the OpenAPI
 * document, so that a proof over "every route" (the guard's test) walks all of them. Called on the root
 * instance before any route is added.
 */
export function recordRouteInventory(app: FastifyInstance): void {
  const routes: RouteEntry[] = [];
  app.decorate('routeInventory', { getter: () => routes });
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
}

/**
 * onRequest: a live session, or 401. A session signed in with a temporary password (from the console) gets
 * 403 password_change_required everywhere but the route that replaces that password.
 */
export function requireSession(services: Services) {
  return async (request: FastifyRequest): Promise<void> => {
    const principal = await services.sessions.authenticate(bearerToken(request.headers.authorization));
    request.principal = principal;
    if (
      principal.user.temporary_password_until !== null &&
      !request.routeOptions.config.forTemporaryPassword
    ) {
      throw new AppError(
        403,
        ErrorCode.passwordChangeRequired,
        'Choose your own password first: you signed in with a temporary one.',
      );
    }
  };
}

/**
 * onRequest: a live session of an account manager (role admin) that passed a second factor, whatever the
 * practice's policy: the console issues bypass codes and temporary passwords. 401 without a session, 403
 * forbidden for staff, 403 second_factor_required for a session that signed in on a password alone.
 */
export function requireAdmin(services: Services) {
  const session = requireSession(services);
  return async (request: FastifyRequest): Promise<void> => {
    await session(request);
    if (request.principal?.user.role !== 'admin') {
      throw new AppError(403, ErrorCode.forbidden, 'Only an account manager may do this.');
    }
    if (!request.principal.session.second_factor) {
      throw new AppError(
        403,
        ErrorCode.secondFactorRequired,
        'The account manager console needs a second factor. Add a cell phone, an email or an authenticator app in My settings, then sign in again with it.',
      );
    }
  };
}

/**
 * preHandler of the console actions that hand out or take away access (a policy change, a bypass code, a
 * temporary password, reset 2FA, revoking every workstation): the acting account manager's current password
 * again, from `currentPassword` in the body. Missing or wrong answers 400 invalid_credentials and counts as
 * a failed sign-in of theirs, so a console left open on a shared workstation cannot be used, nor used to
 * guess. Runs after validation and before the handler: nothing is done, nor looked up, without it.
 */
export function reconfirmPassword(services: Services) {
  return async (request: FastifyRequest): Promise<void> => {
    const { user } = principalOf(request);
    const body = request.body as { currentPassword?: string } | undefined;
    await services.passwords.confirm(user, body?.currentPassword ?? '', requestContext(request));
  };
}

/** The principal a guarded route's handler runs for. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route is missing its guard hook');
  return request.principal;
}

/** The token of an `Authorization: Bearer <token>` header, if it has that form. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

/** serverBusy's answer, serialized once (see refuseWhileHashingIsFull). */
const busy = serverBusy();
const BUSY_BODY = JSON.stringify(busy.toBody());

/**
 * onRequest for the routes that hash a password: past the hashing queue, 503 server_busy at once, before the
 * body is read. Under a login flood these are most of the answers (nine in ten in the bench's), so each is
 * sent as it is, serialized once: no error thrown, no error handler, no serializer (the same status, headers
 * and body as a thrown serverBusy()).
 */
export function refuseWhileHashingIsFull(services: Pick<Services, 'hasher'>): onRequestHookHandler {
  return (_request, reply, done) => {
    if (!services.hasher.saturated) {
      done();
      return;
    }
    reply
      .code(busy.statusCode)
      .header('retry-after', String(busy.extra.retryAfter))
      .type('application/json; charset=utf-8')
      .send(BUSY_BODY);
  };
}
