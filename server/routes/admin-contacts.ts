/**
 * An account manager sets a user's cell phone or email on their behalf (`/api/v1/admin/users/:id/contacts`):
 * verified by a code the user reads out, or marked "set by admin" and notified. Role admin is checked in
 * onRequest, before any input is read: 401 without a session, 403 for staff.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  AdminContactChangeParams,
  AdminContactRequest,
  AdminContactResult,
  AdminUserParams,
  ContactApplied,
  ContactCodeRequest,
  ContactCodeSent,
} from '../../src/shared/api';
import type { Services } from '../services';
import { requestContext } from './context';
import { principalOf, requireAdmin } from './guard';
import { routePreamble } from './preamble';

const meta = { tags: ['console'], security: [{ bearer: [] }] };

export function adminContactRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', requireAdmin(services));
    await app.register(routePreamble);

    app.post(
      '/users/:id/contacts',
      {
        schema: {
          ...meta,
          summary:
            "Set a user's cell phone or email: by a code the user reads out (method code), or at once (set_by_admin)",
          params: AdminUserParams,
          body: AdminContactRequest,
          response: { 200: AdminContactResult },
        },
      },
      (request) => {
        const admin = principalOf(request).user;
        const { method, ...input } = request.body;
        return method === 'set_by_admin'
          ? services.contacts.setForUser(admin, request.params.id, input, requestContext(request))
          : services.contacts.startForUser(admin, request.params.id, input, requestContext(request));
      },
    );

    app.post(
      '/users/:id/contacts/:changeId/send',
      {
        schema: {
          ...meta,
          summary: 'Send the code for a contact change again (30 s cooldown per contact)',
          params: AdminContactChangeParams,
          response: { 200: ContactCodeSent },
        },
      },
      (request) =>
        services.contacts.resend(
          request.params.changeId,
          { userId: request.params.id, method: 'admin_code' },
          requestContext(request),
        ),
    );

    app.post(
      '/users/:id/contacts/:changeId/verify',
      {
        schema: {
          ...meta,
          summary: 'Enter the code the user read out from the new contact: only now does it take effect',
          params: AdminContactChangeParams,
          body: ContactCodeRequest,
          response: { 200: ContactApplied },
        },
      },
      (request) =>
        services.contacts.verify(
          request.params.changeId,
          { userId: request.params.id, method: 'admin_code' },
          request.body.code,
          requestContext(request),
        ),
    );
  };
}
