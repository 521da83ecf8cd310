/**
 * My settings (`/api/v1/me/profile`, `/me/password`, `/me/setup`): the signed-in user's own profile and
 * password, and what the "add your cell phone" banner needs. A live session is checked in onRequest, before
 * any input is read.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  PasswordChanged,
  PasswordChangeRequest,
  Profile,
  ProfileUpdate,
  SetupStatus,
} from '../../src/shared/api';
import type { Services } from '../services';
import { requestContext } from './context';
import { principalOf, requireSession } from './guard';
import { routePreamble } from './preamble';

const meta = { tags: ['self-service'], security: [{ bearer: [] }] };

export function meSettingsRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', requireSession(services));
    await app.register(routePreamble);

    app.get(
      '/profile',
      {
        schema: {
          ...meta,
          summary: 'My profile: User ID (read-only), names, date of birth, sex and my verified contacts',
          response: { 200: Profile },
        },
      },
      async (request) => services.profile.get(principalOf(request).user),
    );

    app.put(
      '/profile',
      {
        schema: {
          ...meta,
          summary: 'Edit my names, date of birth and sex (contacts and password have their own routes)',
          body: ProfileUpdate,
          response: { 200: Profile },
        },
      },
      (request) => services.profile.update(principalOf(request).user, request.body, requestContext(request)),
    );

    app.post(
      '/password',
      {
        config: { forTemporaryPassword: true },
        schema: {
          ...meta,
          summary:
            'Change my password (8+ characters, letters and digits); my other sessions and trusted workstations are signed out',
          body: PasswordChangeRequest,
          response: { 200: PasswordChanged },
        },
      },
      (request) =>
        services.profile.changePassword(principalOf(request), request.body, requestContext(request)),
    );

    app.get(
      '/setup',
      {
        schema: {
          ...meta,
          summary: 'What the "2FA becomes mandatory" banner needs: the policy and whether I have a contact',
          response: { 200: SetupStatus },
        },
      },
      (request) => services.profile.setup(principalOf(request).user),
    );
  };
}
