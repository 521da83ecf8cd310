/**
 * Mounts the OpenID Connect provider (services/oidc-provider.ts) at /oidc.
 *
 * Why an onRequest hook, added before every other hook, and not a Fastify route: oidc-provider is a whole
 * Koa application that speaks OAuth's own protocol. It parses its own bodies (form-encoded or JSON, refused
 * past 56 KB), answers its own CORS preflights per client, writes OAuth errors ({error, error_description}) and
 * its own HTML error pages, and redirects. A route would first run the CORS plugin (which would answer the
 * provider's preflights with the desktop app's policy), the body parser (which would consume the stream the
 * provider must read), and on any error the central error handler, the 404 handler and the onSend hook
 * that rewrites non-JSON errors to {error, message}. Hijacking the reply in the first onRequest hook hands
 * the raw request and response to the provider before any of that runs, and Fastify touches neither again.
 * The paths served here are therefore not Fastify routes: they are not in `routeInventory` nor in the
 * OpenAPI document (they are the provider's, listed by its discovery document). The login prompt is not the
 * provider's: it is WRSAuth's own sign-in, at /oidc-interaction/<uid> (routes/oidc-interaction.ts).
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OIDC_PREFIX, type OidcProviderHost } from '../services/oidc-provider';

export function isOidcPath(url: string): boolean {
  return url === OIDC_PREFIX || url.startsWith(`${OIDC_PREFIX}/`) || url.startsWith(`${OIDC_PREFIX}?`);
}

/**
 * The URLs the provider writes (discovery, redirects, cookie flags) come from the request as Koa sees it.
 * They must come from WRSAUTH_PUBLIC_URL, never from a client's Host or X-Forwarded-* headers, so those are
 * overwritten here; the client address is the one Fastify worked out under WRSAUTH_TRUST_PROXY.
 */
function asPublicRequest(request: FastifyRequest, publicUrl: URL): IncomingMessage {
  const raw = request.raw as IncomingMessage & { originalUrl?: string };
  const url = raw.url ?? OIDC_PREFIX;
  raw.headers['x-forwarded-proto'] = publicUrl.protocol.slice(0, -1);
  raw.headers['x-forwarded-host'] = publicUrl.host;
  raw.headers['x-forwarded-for'] = request.ip;
  // oidc-provider finds its mount path by comparing originalUrl (the full path) with url (the stripped one).
  raw.originalUrl = url;
  const rest = url.slice(OIDC_PREFIX.length);
  raw.url = rest.startsWith('/') ? rest : `/${rest}`;
  return raw;
}

function failed(reply: FastifyReply): void {
  const res = reply.raw;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = 503;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(
    JSON.stringify({
      error: 'temporarily_unavailable',
      error_description: 'The sign-in service is not available right now. Please try again.',
    }),
  );
}

/** Call on the root instance before any other hook or plugin, so this hook runs first. */
export function mountOidc(app: FastifyInstance, host: OidcProviderHost): void {
  app.addHook('onRequest', (request, reply, done) => {
    const url = request.raw.url ?? '';
    if (!isOidcPath(url)) {
      done();
      return;
    }
    reply.hijack();
    const res = reply.raw;
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('referrer-policy', 'no-referrer');
    host
      .handler()
      .then((handle) => handle(asPublicRequest(request, host.publicUrl), res))
      .catch((error: unknown) => {
        request.log.error({ err: error }, 'oidc: the provider could not serve the request');
        failed(reply);
      });
    done();
  });
}
