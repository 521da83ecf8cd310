/**
 * The console's users, their trusted workstations and sessions (`/api/v1/admin/users...`,
 * `/api/v1/admin/devices`, `/api/v1/admin/sessions`).
 * Role admin, checked in onRequest before any input is read: 401 without a session, 403 for staff.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AdminUser,
  AdminUserCreate,
  AdminUserList,
  AdminUserQuery,
  AdminUserUpdate,
  DevicesRevoked,
  ReasonRequest,
  SessionsRevoked,
  TemporaryPasswordRequest,
  TrustedDeviceList,
  TwoFactorResetDone,
  UserDeviceParams,
  UserParams,
} from '../../src/shared/api';
import type { Services } from '../services';
import { requestContext } from './context';
import { principalOf, reconfirmPassword, requireAdmin } from './guard';
import { routePreamble } from './preamble';

const noContent = z.null().describe('Done');
const meta = { tags: ['console'], security: [{ bearer: [] }] };

export function adminUserRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', requireAdmin(services));
    await app.register(routePreamble);
    const { userAccounts } = services;

    app.get(
      '/users',
      {
        schema: {
          ...meta,
          summary:
            'A page of the practice’s users by User ID, or those whose last name, first name or User ID starts with `q`; with locations, factors on file and masked contacts; `after` pages on (409 when a search’s `after` user no longer matches it)',
          querystring: AdminUserQuery,
          response: { 200: AdminUserList },
        },
      },
      (request) => userAccounts.list(request.query),
    );

    app.post(
      '/users',
      {
        schema: {
          ...meta,
          summary: 'Create a user with a temporary password; 409 when the User ID is taken',
          body: AdminUserCreate,
          response: { 201: AdminUser },
        },
      },
      async (request, reply) => {
        const user = await userAccounts.create(
          principalOf(request).user,
          request.body,
          requestContext(request),
        );
        return reply.code(201).send(user);
      },
    );

    app.get(
      '/users/:id',
      {
        schema: {
          ...meta,
          summary: 'One user',
          params: UserParams,
          response: { 200: AdminUser },
        },
      },
      (request) => userAccounts.get(request.params.id),
    );

    app.patch(
      '/users/:id',
      {
        schema: {
          ...meta,
          summary:
            'Edit names, role, active and locations; deactivating revokes sessions and workstations. 409 for the last active admin',
          params: UserParams,
          body: AdminUserUpdate,
          response: { 200: AdminUser },
        },
      },
      (request) =>
        userAccounts.update(
          principalOf(request).user,
          request.params.id,
          request.body,
          requestContext(request),
        ),
    );

    app.post(
      '/users/:id/unlock',
      {
        schema: {
          ...meta,
          summary: 'Unlock an account locked after too many failed attempts',
          params: UserParams,
          response: { 200: AdminUser },
        },
      },
      (request) => userAccounts.unlock(principalOf(request).user, request.params.id, requestContext(request)),
    );

    app.post(
      '/users/:id/reset-2fa',
      {
        preHandler: reconfirmPassword(services),
        schema: {
          ...meta,
          summary:
            'Reset 2FA: clear locks, revoke trusted workstations, remove the authenticator app; the user is told (current password)',
          params: UserParams,
          body: ReasonRequest,
          response: { 200: TwoFactorResetDone },
        },
      },
      (request) =>
        userAccounts.resetTwoFactor(
          principalOf(request).user,
          request.params.id,
          request.body.reason,
          requestContext(request),
        ),
    );

    app.post(
      '/users/:id/temporary-password',
      {
        preHandler: reconfirmPassword(services),
        schema: {
          ...meta,
          summary:
            'Give a user a new temporary password (a week, only to choose their own): the lock is lifted, their sessions and workstations end, they are told (current password)',
          params: UserParams,
          body: TemporaryPasswordRequest,
          response: { 200: AdminUser },
        },
      },
      (request) =>
        userAccounts.setTemporaryPassword(
          principalOf(request).user,
          request.params.id,
          request.body,
          requestContext(request),
        ),
    );

    app.get(
      '/users/:id/devices',
      {
        schema: {
          ...meta,
          summary: 'A user’s trusted workstations',
          params: UserParams,
          response: { 200: TrustedDeviceList },
        },
      },
      async (request) => {
        const user = await userAccounts.requireUser(request.params.id);
        return { devices: await services.devices.list(user.id) };
      },
    );

    app.delete(
      '/users/:id/devices/:deviceId',
      {
        schema: {
          ...meta,
          summary: 'Revoke one of a user’s trusted workstations',
          params: UserDeviceParams,
          response: { 204: noContent },
        },
      },
      async (request, reply) => {
        const user = await userAccounts.requireUser(request.params.id);
        await services.devices.revoke(
          user,
          request.params.deviceId,
          requestContext(request),
          principalOf(request).user.username,
        );
        return reply.code(204).send(null);
      },
    );

    app.delete(
      '/devices',
      {
        preHandler: reconfirmPassword(services),
        schema: {
          ...meta,
          summary: 'Revoke every trusted workstation of every user, practice-wide (current password)',
          body: ReasonRequest,
          response: { 200: DevicesRevoked },
        },
      },
      async (request) => ({
        revoked: await services.devices.revokeEverywhere(
          principalOf(request).user,
          request.body.reason,
          requestContext(request),
        ),
      }),
    );

    app.delete(
      '/sessions',
      {
        preHandler: reconfirmPassword(services),
        schema: {
          ...meta,
          summary:
            'Sign everyone out, practice-wide, but the calling account manager; their applications are logged out too (current password)',
          body: ReasonRequest,
          response: { 200: SessionsRevoked },
        },
      },
      async (request) => {
        const { user, session } = principalOf(request);
        const revoked = await services.sessionRevocation.everywhere(
          { user, sessionId: session.id },
          request.body.reason,
          requestContext(request),
        );
        return { revoked, ownSessionKept: true as const };
      },
    );
  };
}
