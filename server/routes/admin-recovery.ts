/**
 * The console's locations and guided recovery (`/api/v1/admin/locations...`, `/recovery-checklist`,
 * `/users/:id/recovery`). Role admin, checked in onRequest before any input is read.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  AdminLocation,
  AdminLocationList,
  BypassIssued,
  LocationName,
  LocationParams,
  RecoveryChecklist,
  RecoveryChecklistUpdate,
  RecoveryRequest,
  UserParams,
} from '../../src/shared/api';
import type { Services } from '../services';
import { requestContext } from './context';
import { principalOf, reconfirmPassword, requireAdmin } from './guard';
import { routePreamble } from './preamble';

const meta = { tags: ['console'], security: [{ bearer: [] }] };

export function adminRecoveryRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', requireAdmin(services));
    await app.register(routePreamble);

    app.get(
      '/locations',
      {
        schema: {
          ...meta,
          summary: 'The practice’s locations, with how many users each has',
          response: { 200: AdminLocationList },
        },
      },
      async () => ({ locations: await services.locations.list() }),
    );

    app.post(
      '/locations',
      {
        schema: {
          ...meta,
          summary: 'Create a location; 409 when the name is taken',
          body: LocationName,
          response: { 201: AdminLocation },
        },
      },
      async (request, reply) => {
        const location = await services.locations.create(
          principalOf(request).user,
          request.body.name,
          requestContext(request),
        );
        return reply.code(201).send(location);
      },
    );

    app.patch(
      '/locations/:id',
      {
        schema: {
          ...meta,
          summary: 'Rename a location; 409 when the name is taken',
          params: LocationParams,
          body: LocationName,
          response: { 200: AdminLocation },
        },
      },
      (request) =>
        services.locations.rename(
          principalOf(request).user,
          request.params.id,
          request.body.name,
          requestContext(request),
        ),
    );

    app.get(
      '/recovery-checklist',
      {
        schema: {
          ...meta,
          summary: 'The identity check an account manager completes before issuing a bypass code',
          response: { 200: RecoveryChecklist },
        },
      },
      () => services.guidedRecovery.checklist(),
    );

    app.put(
      '/recovery-checklist',
      {
        schema: {
          ...meta,
          summary: 'Replace the identity checklist; audited with who and why',
          body: RecoveryChecklistUpdate,
          response: { 200: RecoveryChecklist },
        },
      },
      (request) =>
        services.guidedRecovery.setChecklist(
          principalOf(request).user,
          request.body,
          requestContext(request),
        ),
    );

    app.post(
      '/users/:id/recovery',
      {
        preHandler: reconfirmPassword(services),
        schema: {
          ...meta,
          summary:
            'Guided recovery: with every checklist item confirmed and a reason, a one-time bypass code (≤15 min, single use); unlocks the account and tells the user and the other admins (current password)',
          params: UserParams,
          body: RecoveryRequest,
          response: { 200: BypassIssued },
        },
      },
      (request) =>
        services.guidedRecovery.issueBypass(
          principalOf(request).user,
          request.params.id,
          { checked: request.body.checked, reason: request.body.reason },
          requestContext(request),
        ),
    );
  };
}
