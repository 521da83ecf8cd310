/**
 * GET /readyz, for a load balancer or monitor deciding whether to send people to this instance. GET /healthz
 * (in app.ts) stays the plain database check, for liveness.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { InstanceReadiness } from '../../src/shared/api';
import type { Services } from '../services';

export function probeRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/readyz',
      {
        schema: {
          summary: 'Readiness: the database, each code channel’s provider and its last delivery',
          description:
            '200 when the database answers, 503 with the reasons otherwise. Each code channel’s provider (twilio, ' +
            'smtp or dev_outbox), whether the practice allows it, and its last message’s status and time are ' +
            'reported, not judged. Reads configuration and the outbox only: no provider is called.',
          tags: ['system'],
          response: { 200: InstanceReadiness, 503: InstanceReadiness },
        },
      },
      async (_request, reply) => {
        const report = await services.instanceReadiness.report();
        return reply.code(report.status === 'ready' ? 200 : 503).send(report);
      },
    );
  };
}
