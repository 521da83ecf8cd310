/**
 * Self-service (`/api/v1/me/...`): the signed-in user's trusted workstations, authenticator app (set up and
 * removed only after the current password) and recovery codes (made only after the current password). Every
 * route needs a live session, checked in onRequest before any input is read.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CurrentPasswordRequest,
  DeviceParams,
  DevicesRevoked,
  RecoveryCodeStatus,
  RecoveryCodes,
  TotpConfirmRequest,
  TotpEnrollment,
  TotpStatus,
  TrustedDeviceList,
} from '../../src/shared/api';
import type { Services } from '../services';
import { requestContext } from './context';
import { principalOf, requireSession } from './guard';
import { routePreamble } from './preamble';

const noContent = z.null().describe('Done');
const meta = { tags: ['self-service'], security: [{ bearer: [] }] };

export function meRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', requireSession(services));
    await app.register(routePreamble);

    app.get(
      '/devices',
      {
        schema: {
          ...meta,
          summary: 'My trusted workstations: name, created, last used and expiry',
          response: { 200: TrustedDeviceList },
        },
      },
      async (request) => ({ devices: await services.devices.list(principalOf(request).user.id) }),
    );

    app.delete(
      '/devices/:id',
      {
        schema: {
          ...meta,
          summary: 'Revoke one of my trusted workstations: its next sign-in asks for a code again',
          params: DeviceParams,
          response: { 204: noContent },
        },
      },
      async (request, reply) => {
        await services.devices.revoke(principalOf(request).user, request.params.id, requestContext(request));
        return reply.code(204).send(null);
      },
    );

    app.delete(
      '/devices',
      {
        schema: {
          ...meta,
          summary: 'Revoke all my trusted workstations',
          response: { 200: DevicesRevoked },
        },
      },
      async (request) => ({
        revoked: await services.devices.revokeAll(principalOf(request).user, requestContext(request)),
      }),
    );

    app.get(
      '/totp',
      {
        schema: {
          ...meta,
          summary: 'Whether I have an authenticator app set up',
          response: { 200: TotpStatus },
        },
      },
      (request) => services.totp.status(principalOf(request).user.id),
    );

    app.post(
      '/totp',
      {
        schema: {
          ...meta,
          summary:
            'Start setting up an authenticator app (current password): its secret, otpauth URI and QR code, shown once',
          body: CurrentPasswordRequest,
          response: { 200: TotpEnrollment },
        },
      },
      async (request) => {
        const { user } = principalOf(request);
        await services.passwords.confirm(user, request.body.currentPassword, requestContext(request));
        return services.totp.enroll(user, requestContext(request));
      },
    );

    app.post(
      '/totp/confirm',
      {
        schema: {
          ...meta,
          summary:
            'Confirm the authenticator app with the code it shows; from then on it is a sign-in target',
          body: TotpConfirmRequest,
          response: { 200: TotpStatus },
        },
      },
      (request) =>
        services.totp.confirm(principalOf(request).user, request.body.code, requestContext(request)),
    );

    app.delete(
      '/totp',
      {
        schema: {
          ...meta,
          summary: 'Remove my authenticator app (current password)',
          body: CurrentPasswordRequest,
          response: { 204: noContent },
        },
      },
      async (request, reply) => {
        const { user } = principalOf(request);
        await services.passwords.confirm(user, request.body.currentPassword, requestContext(request));
        await services.totp.remove(user, requestContext(request));
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/recovery-codes',
      {
        schema: {
          ...meta,
          summary: 'How many of my recovery codes are left, and when they were made',
          response: { 200: RecoveryCodeStatus },
        },
      },
      (request) => services.recoveryCodes.status(principalOf(request).user.id),
    );

    app.post(
      '/recovery-codes',
      {
        // A body with no usable password answers as a wrong password does (400 invalid_credentials, counted
        // like a failed sign-in) rather than 400 bad_request: the old call without one is refused, and counted.
        attachValidation: true,
        schema: {
          ...meta,
          summary:
            'Make 10 new single-use recovery codes (current password), shown only now; the old ones stop working and my contacts are told',
          body: CurrentPasswordRequest,
          response: { 200: RecoveryCodes },
        },
      },
      (request) =>
        services.recoveryCodes.generate(
          principalOf(request).user,
          request.validationError ? undefined : request.body.currentPassword,
          requestContext(request),
        ),
    );
  };
}
