/**
 * My cell phone and email (`/api/v1/me/contacts/...`): a new contact takes effect only once the code sent to
 * it is verified. A live session is checked in onRequest, before any input is read.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ContactApplied,
  ContactChangeParams,
  ContactChangeRequest,
  ContactChannelParams,
  ContactCodeRequest,
  ContactCodeSent,
  ContactRemoveRequest,
} from '../../src/shared/api';
import type { Services } from '../services';
import { requestContext } from './context';
import { principalOf, requireSession } from './guard';
import { routePreamble } from './preamble';

const noContent = z.null().describe('Done');
const meta = { tags: ['self-service'], security: [{ bearer: [] }] };

export function meContactRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', requireSession(services));
    await app.register(routePreamble);

    /** A user finishes only their own self-service changes. */
    const own = (userId: string) => ({ userId, method: 'self' as const });

    app.post(
      '/contacts',
      {
        schema: {
          ...meta,
          summary:
            'Add or change my cell phone or email: after my current password, a code goes to the NEW contact',
          body: ContactChangeRequest,
          response: { 200: ContactCodeSent },
        },
      },
      (request) =>
        services.contacts.startOwn(principalOf(request).user, request.body, requestContext(request)),
    );

    app.post(
      '/contacts/:id/send',
      {
        schema: {
          ...meta,
          summary: 'Send the code for a contact change again (30 s cooldown per contact)',
          params: ContactChangeParams,
          response: { 200: ContactCodeSent },
        },
      },
      (request) =>
        services.contacts.resend(
          request.params.id,
          own(principalOf(request).user.id),
          requestContext(request),
        ),
    );

    app.post(
      '/contacts/:id/verify',
      {
        schema: {
          ...meta,
          summary: 'Enter the code sent to the new contact: only now does it take effect',
          params: ContactChangeParams,
          body: ContactCodeRequest,
          response: { 200: ContactApplied },
        },
      },
      (request) =>
        services.contacts.verify(
          request.params.id,
          own(principalOf(request).user.id),
          request.body.code,
          requestContext(request),
        ),
    );

    app.delete(
      '/contacts/:channel',
      {
        schema: {
          ...meta,
          summary:
            'Remove my cell phone or email (current password); refused if it is my last factor under a required policy',
          params: ContactChannelParams,
          body: ContactRemoveRequest,
          response: { 204: noContent },
        },
      },
      async (request, reply) => {
        await services.contacts.removeOwn(
          principalOf(request).user,
          request.params.channel,
          request.body.currentPassword,
          requestContext(request),
        );
        return reply.code(204).send(null);
      },
    );
  };
}
