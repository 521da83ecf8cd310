/**
 * The Fastify app: external plugins (OpenAPI), then app-wide hooks and one central error handler, then routes.
 * Every error leaves as `{error, message}` with a stable snake_case code; no stack trace reaches a client.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { STATUS_CODES as HTTP_STATUS_TEXT } from 'node:http';
import type { Socket } from 'node:net';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { API_PREFIX, type ApiError, ApiError as ApiErrorSchema, ErrorCode, Health } from '../src/shared/api';
import { APP_ORIGIN } from '../src/shared/ipc';
import type { TwilioConfig } from './config';
import { AppError } from './errors';
import { Metrics } from './metrics';
import { adminRoutes } from './routes/admin';
import { adminApplicationRoutes } from './routes/admin-applications';
import { adminContactRoutes } from './routes/admin-contacts';
import { adminRecoveryRoutes } from './routes/admin-recovery';
import { adminUserRoutes } from './routes/admin-users';
import { authRoutes } from './routes/auth';
import { recordRouteInventory } from './routes/guard';
import { meRoutes } from './routes/me';
import { meContactRoutes } from './routes/me-contacts';
import { meSettingsRoutes } from './routes/me-settings';
import { mountOidc } from './routes/oidc';
import { oidcInteractionRoutes } from './routes/oidc-interaction';
import { passwordResetRoutes } from './routes/password-reset';
import { probeRoutes } from './routes/probes';
import { hasWebClient, registerWebClient } from './routes/web-client';
import { webhookRoutes } from './routes/webhooks';
import type { Services } from './services';

export const BODY_LIMIT_BYTES = 64 * 1024;

export interface AppOptions {
  services: Services;
  log: Logger;
  trustProxy?: string | false;
  /** A built web client (index.html and assets) to serve at `/`. */
  webRoot?: string;
  /** Bearer token for GET /metrics; without one only loopback peers may read it. */
  metricsToken?: string;
  /** With a status callback URL, Twilio's delivery reports are taken at POST /api/v1/webhooks/twilio/status. */
  twilio?: TwilioConfig;
}

const STATUS_CODES: Record<number, string> = {
  400: ErrorCode.badRequest,
  404: ErrorCode.notFound,
  405: 'method_not_allowed',
  406: 'not_acceptable',
  413: ErrorCode.payloadTooLarge,
  415: ErrorCode.unsupportedMediaType,
  431: 'request_header_fields_too_large',
};

const STATUS_MESSAGES: Record<number, string> = {
  400: 'The request is not valid.',
  404: 'There is nothing at this address.',
  413: 'The request body is larger than 64 KB.',
  415: 'Send the request body as application/json.',
};

function describeError(error: FastifyError): { status: number; body: ApiError } {
  if (error instanceof AppError) return { status: error.statusCode, body: error.toBody() };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issue = error.validation[0];
    const field = issue?.instancePath?.replace(/^\//, '').replaceAll('/', '.') || error.validationContext;
    const reason = issue?.message ?? 'is not valid';
    return { status: 400, body: { error: ErrorCode.badRequest, message: `${field}: ${reason}` } };
  }
  const status =
    error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  if (status === 500) {
    return {
      status,
      body: { error: ErrorCode.internal, message: 'Something went wrong on the server. Please try again.' },
    };
  }
  const code = STATUS_CODES[status] ?? 'client_error';
  // Fastify's own 4xx messages (bad JSON, empty body) are safe and more useful than a generic line.
  const message = error.code?.startsWith('FST_') ? error.message : (STATUS_MESSAGES[status] ?? error.message);
  return { status, body: { error: code, message } };
}

const LOOPBACK_PEERS = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const sha256 = (text: string) => createHash('sha256').update(text).digest();

function metricsAllowed(request: FastifyRequest, token: string | undefined): boolean {
  if (token) {
    const given = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    return timingSafeEqual(sha256(given), sha256(token));
  }
  // The socket's own peer, not request.ip: behind a proxy on this machine every request comes from
  // loopback, so a forwarded request (X-Forwarded-For or Forwarded present) is never "local".
  const forwarded =
    request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined;
  return !forwarded && LOOPBACK_PEERS.has(request.socket.remoteAddress ?? '');
}

/**
 * What Node's HTTP parser refuses before any route or hook sees it (a request line and headers past 16 KB,
 * bytes that are not HTTP), on every path, /oidc too: the one {error, message} shape, where Fastify's default
 * answer says `{"error": "Request Header Fields Too Large"}`. Found by the fuzzer (a long OAuth query string).
 */
function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, body] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, { error: STATUS_CODES[431], message: 'The address and headers are larger than 16 KB.' }]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, { error: 'request_timeout', message: 'The request took too long to arrive.' }]
        : [400, { error: ErrorCode.badRequest, message: 'The request is not valid HTTP.' }];
  const text = JSON.stringify(body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${HTTP_STATUS_TEXT[status]}\r\nConnection: close\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
    );
  }
  socket.destroy(error);
}

/** The server's Fastify options; the bench's hello-world baseline uses them too, so the two stay alike. */
export function fastifyOptions(log: Logger, trustProxy: string | false = false) {
  return {
    loggerInstance: log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy,
    return503OnClosing: true,
    clientErrorHandler,
    // Malformed URLs are answered before routing; give them the same error shape as everything else.
    frameworkErrors: (error: FastifyError, _request: unknown, reply: FastifyReply) => {
      const { status, body } = describeError(error);
      reply.code(status).send(body);
    },
  };
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { services } = options;
  const app = Fastify(fastifyOptions(options.log, options.trustProxy)).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  recordRouteInventory(app);
  // First of all hooks: /oidc belongs to the OpenID Connect provider, untouched by what follows (see there).
  mountOidc(app, services.oidc);

  // The desktop client's pages come from app://wrsauth, so its calls here are cross-origin. Tokens travel
  // in the Authorization header, never in cookies, so no credentials mode is needed.
  await app.register(cors, {
    origin: [APP_ORIGIN],
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['content-type', 'authorization'],
    exposedHeaders: ['retry-after'],
    maxAge: 600,
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'WRSAuth verification server',
        description: 'Password plus a 6-digit SMS or email code, for medical practice sign-in.',
        version: '1',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    // API answers carry session and device tokens: no cache may keep them.
    if (request.url.startsWith(API_PREFIX)) reply.header('cache-control', 'no-store');
    // A plugin that answers by itself sends plain text (CORS refusing a malformed preflight does, with
    // "Invalid Preflight Request"): every error still gets the one {error, message} shape.
    const type = String(reply.getHeader('content-type') ?? '');
    if (reply.statusCode >= 400 && typeof payload === 'string' && !type.includes('json')) {
      reply.type('application/json; charset=utf-8');
      const error = STATUS_CODES[reply.statusCode] ?? 'client_error';
      return JSON.stringify({ error, message: payload || STATUS_MESSAGES[reply.statusCode] || error });
    }
    return payload;
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, body } = describeError(error);
    if (status >= 500 && !(error instanceof AppError)) request.log.error({ err: error }, 'request failed');
    if (body.retryAfter !== undefined) reply.header('retry-after', String(body.retryAfter));
    return reply.code(status).send(body);
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: ErrorCode.notFound,
      message: `No route for ${request.method} ${request.url.split('?')[0]}`,
    }),
  );

  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness: the database answers',
        tags: ['system'],
        response: { 200: Health, '5xx': ApiErrorSchema },
      },
    },
    async () => {
      try {
        await services.instanceReadiness.databaseAnswers();
      } catch (error) {
        options.log.error({ err: error }, 'health check: database did not answer');
        throw new AppError(503, 'database_unavailable', 'The database does not answer.');
      }
      return { status: 'ok' as const };
    },
  );
  await app.register(probeRoutes(services));
  const metrics = new Metrics(services.hasher);
  services.audit.listen((entry) => metrics.auditRecorded(entry));
  app.addHook('onResponse', async (request, reply) => {
    // The route's template (":id"), never the raw URL: fuzzed or hostile paths must not grow the series.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeRequest(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
  });
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics: request durations, codes sent, verify outcomes, lockouts, hash queue',
        description:
          'With WRSAUTH_METRICS_TOKEN set, needs "Authorization: Bearer <token>"; without it, answers only ' +
          'requests made straight from this machine (a loopback peer, not forwarded by a proxy).',
        tags: ['system'],
      },
    },
    async (request, reply) => {
      if (!metricsAllowed(request, options.metricsToken)) {
        throw new AppError(403, 'forbidden', 'Metrics are not available to this client.');
      }
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );

  app.get(`${API_PREFIX}/openapi.json`, { schema: { hide: true } }, async () => app.swagger());

  await app.register(authRoutes(services), { prefix: API_PREFIX });
  await app.register(passwordResetRoutes(services), { prefix: API_PREFIX });
  await app.register(meRoutes(services), { prefix: `${API_PREFIX}/me` });
  await app.register(meSettingsRoutes(services), { prefix: `${API_PREFIX}/me` });
  await app.register(meContactRoutes(services), { prefix: `${API_PREFIX}/me` });
  await app.register(adminRoutes(services), { prefix: `${API_PREFIX}/admin` });
  await app.register(adminContactRoutes(services), { prefix: `${API_PREFIX}/admin` });
  await app.register(adminUserRoutes(services), { prefix: `${API_PREFIX}/admin` });
  await app.register(adminRecoveryRoutes(services), { prefix: `${API_PREFIX}/admin` });
  await app.register(adminApplicationRoutes(services), { prefix: `${API_PREFIX}/admin` });
  await app.register(webhookRoutes(services, options.twilio), { prefix: API_PREFIX });
  await app.register(oidcInteractionRoutes(services, options.webRoot));
  if (hasWebClient(options.webRoot)) await registerWebClient(app, options.webRoot);
  await services.hasher.prepare();
  return app;
}
