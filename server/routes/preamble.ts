/**
 * What every route module starts with, written once: `await app.register(routePreamble)` before its routes.
 * - Each route's schema declares the one {error, message} body for 4xx and 5xx answers, so the OpenAPI
 *   document shows it and the serializer sends nothing else.
 * - A U+0000 anywhere in the params, query or body (values and keys) is refused as 400 bad_request before
 *   validation: no User ID, id or name holds one, and PostgreSQL text cannot store one, so the database
 *   must never be the one to fail on it.
 * It skips Fastify's encapsulation (as fastify-plugin does), so both land on the module that registers it.
 */
import type { FastifyPluginAsync, FastifyRequest, RouteOptions } from 'fastify';
import { ApiError, ErrorCode } from '../../src/shared/api';
import { AppError } from '../errors';

const errorResponses = { '4xx': ApiError, '5xx': ApiError };

/** onRoute: adds the error responses after the route's own ones (the order the OpenAPI document has). */
function declareErrorResponses(route: RouteOptions): void {
  if (!route.schema) return;
  route.schema.response = { ...(route.schema.response as object | undefined), ...errorResponses };
}

/** preValidation: 400 for a U+0000 anywhere in the params, the query or the body. */
export async function refuseNul(request: FastifyRequest): Promise<void> {
  if (holdsNul(request.params) || holdsNul(request.query) || holdsNul(request.body)) {
    throw new AppError(400, ErrorCode.badRequest, 'The request contains a NUL character.');
  }
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

const preamble: FastifyPluginAsync = async (app) => {
  app.addHook('onRoute', declareErrorResponses);
  app.addHook('preValidation', refuseNul);
};

/**
 * The preamble as a plugin that is not encapsulated (Fastify's `skip-override`, what fastify-plugin sets):
 * its hooks apply to the registering module's routes. Register it awaited, before the first route, or the
 * routes added before it loads miss both.
 */
export const routePreamble = Object.assign(preamble, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'route-preamble',
});
