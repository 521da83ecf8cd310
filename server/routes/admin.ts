/**
 * The account-manager console (`/api/v1/admin/...`). Every route needs a live session of role admin,
 * checked in onRequest before any input is read: 401 without a session, 403 for staff.
 */
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AuditFilter,
  AuditPage,
  AuditQuery,
  PolicyUpdate,
  PolicyView,
  Readiness,
  ReadinessQuery,
} from '../../src/shared/api';
import { AUDIT_EXPORT_SUMMARY_PREFIX, auditExportFileName } from '../../src/shared/audit-export';
import { csvLine } from '../../src/shared/csv';
import type { Services } from '../services';
import { requestContext } from './context';
import { principalOf, reconfirmPassword, requireAdmin } from './guard';
import { routePreamble } from './preamble';

const meta = { tags: ['console'], security: [{ bearer: [] }] };

export function adminRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', requireAdmin(services));
    await app.register(routePreamble);

    app.get(
      '/readiness',
      {
        schema: {
          ...meta,
          summary:
            'Readiness before the mandate: who has which factor, and the first page (or the page after `after`) of who would be locked out today',
          querystring: ReadinessQuery,
          response: { 200: Readiness },
        },
      },
      (request) => services.readiness.report(request.query),
    );

    app.get(
      '/readiness.csv',
      {
        schema: {
          ...meta,
          summary: 'Every user who would be locked out if the policy were required today, as CSV, streamed',
          produces: ['text/csv'],
          response: { 200: z.string().describe('text/csv') },
        },
      },
      async (_request, reply) =>
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="wrsauth-readiness.csv"')
          // The 200 schema documents the text; a stream is sent as it comes, never serialised against it.
          .send(Readable.from(services.readiness.csv()) as unknown as string),
    );

    app.get(
      '/policy',
      {
        schema: {
          ...meta,
          summary:
            'The practice policy: mode, enforce-after date, code TTL, remember-days, idle lock, factors',
          response: { 200: PolicyView },
        },
      },
      () => services.policy.get(),
    );

    app.put(
      '/policy',
      {
        preHandler: reconfirmPassword(services),
        schema: {
          ...meta,
          summary:
            'Replace the practice policy; audited with who changed it and the reason given (current password)',
          body: PolicyUpdate,
          response: { 200: PolicyView },
        },
      },
      (request) => services.policy.update(principalOf(request).user, request.body, requestContext(request)),
    );

    app.get(
      '/audit',
      {
        schema: {
          ...meta,
          summary: 'The audit trail, newest first: filter by user, event type and dates; paged on the server',
          querystring: AuditQuery,
          response: { 200: AuditPage },
        },
      },
      (request) => services.auditTrail.page(request.query),
    );

    app.get(
      '/audit.csv',
      {
        schema: {
          ...meta,
          summary:
            'Every event of the filtered audit trail as CSV, oldest first, streamed and never cut; the first line states the range, zone and count; audited as audit_exported',
          querystring: AuditFilter,
          produces: ['text/csv'],
          response: { 200: z.string().describe('text/csv') },
        },
      },
      async (request, reply) => {
        const { user } = principalOf(request);
        const exported = await services.auditTrail.export(
          request.query,
          'csv',
          { by: user.username, userId: user.id, username: user.username },
          requestContext(request),
        );
        async function* file() {
          yield csvLine([`${AUDIT_EXPORT_SUMMARY_PREFIX}${exported.summary}`]);
          yield* exported.lines();
        }
        return (
          reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="${auditExportFileName(request.query)}"`)
            // The 200 schema documents the text; a stream is sent as it comes, never serialised against it.
            // One chunk waits beyond the socket's own buffer, not Readable.from's default of 16: the export
            // reads its next batch at the pace the account manager's download takes them.
            .send(Readable.from(file(), { highWaterMark: 1 }) as unknown as string)
        );
      },
    );
  };
}
