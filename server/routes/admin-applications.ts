/**
 * The console's applications (`/api/v1/admin/applications...`): the relying parties that sign their users
 * in with "Login with WRSAuth". Role admin, checked in onRequest before any input is read; registering,
 * disabling and rotating a secret also ask the acting account manager's password again, since each hands
 * out or takes away a way in. A secret is in the answer that issues it, and nowhere else.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ActingPasswordBody,
  Application,
  ApplicationCredentials,
  ApplicationList,
  ApplicationParams,
  ApplicationRegistration,
} from '../../src/shared/api';
import type { Services } from '../services';
import { consoleManager } from '../services/relying-parties';
import { requestContext } from './context';
import { principalOf, reconfirmPassword, requireAdmin } from './guard';
import { routePreamble } from './preamble';

const meta = { tags: ['console'], security: [{ bearer: [] }] };

export function adminApplicationRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', requireAdmin(services));
    await app.register(routePreamble);

    app.get(
      '/applications',
      {
        schema: {
          ...meta,
          summary: 'The registered applications (OpenID Connect clients), oldest first; never a secret',
          response: { 200: ApplicationList },
        },
      },
      async () => ({ applications: await services.relyingParties.list() }),
    );

    app.post(
      '/applications',
      {
        preHandler: reconfirmPassword(services),
        schema: {
          ...meta,
          summary:
            'Register an application; answers its client id and, for a confidential client, its secret, shown this once (current password)',
          body: ApplicationRegistration,
          response: { 201: ApplicationCredentials },
        },
      },
      async (request, reply) => {
        const { currentPassword: _, ...input } = request.body;
        const credentials = await services.relyingParties.register(
          input,
          requestContext(request),
          consoleManager(principalOf(request).user),
        );
        return reply.code(201).send(credentials);
      },
    );

    app.post(
      '/applications/:clientId/disable',
      {
        preHandler: reconfirmPassword(services),
        schema: {
          ...meta,
          summary:
            'Disable an application: the provider refuses its requests from now on; 409 when already disabled (current password)',
          params: ApplicationParams,
          body: ActingPasswordBody,
          response: { 200: Application },
        },
      },
      (request) =>
        services.relyingParties.disable(
          request.params.clientId,
          requestContext(request),
          consoleManager(principalOf(request).user),
        ),
    );

    app.post(
      '/applications/:clientId/rotate-secret',
      {
        preHandler: reconfirmPassword(services),
        schema: {
          ...meta,
          summary:
            'A new secret for a confidential application, shown this once; the old one stops working at once; 409 for a public client (current password)',
          params: ApplicationParams,
          body: ActingPasswordBody,
          response: { 200: ApplicationCredentials },
        },
      },
      (request) =>
        services.relyingParties.rotateSecret(
          request.params.clientId,
          requestContext(request),
          consoleManager(principalOf(request).user),
        ),
    );
  };
}
