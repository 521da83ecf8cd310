/**
 * The OpenID Connect provider's routes, for the fuzzers (scripts/fuzz.ts, tests/server/fuzz.test.ts). They are
 * not Fastify routes (routes/oidc.ts hands /oidc to oidc-provider before routing), so neither the OpenAPI
 * document nor `routeInventory` lists them.
 *
 * The list is asked of the built Provider, not written out: every route name oidc-provider 9 can register
 * (lib/helpers/initialize_app.js) goes through `provider.pathFor`, which answers the path under our `routes`
 * configuration for a registered route and throws for one whose feature is off. So enabling a feature
 * (logout, introspection, revocation…) or renaming a route reaches the fuzzer by itself. A route name a later
 * oidc-provider adds is caught by `unlistedEndpoints`: every endpoint the discovery document names must be
 * in the list, and the fuzzers check that before they start.
 */
import type Provider from 'oidc-provider';

export interface FuzzRoute {
  method: string;
  /** The path with `{param}` placeholders, as in the OpenAPI document. */
  path: string;
}

const READ = ['GET', 'HEAD'];

/** Each route name of oidc-provider 9 and the methods it answers (a GET route answers HEAD too). */
const PROVIDER_ROUTE_METHODS: Record<string, string[]> = {
  authorization: [...READ, 'POST'],
  resume: READ,
  userinfo: [...READ, 'POST'],
  'cors.userinfo': ['OPTIONS'],
  token: ['POST'],
  'cors.token': ['OPTIONS'],
  jwks: READ,
  'cors.jwks': ['OPTIONS'],
  openid_credential_issuer: READ,
  'cors.openid_credential_issuer': ['OPTIONS'],
  credential: ['POST'],
  'cors.credential': ['OPTIONS'],
  challenge: ['POST'],
  'cors.challenge': ['OPTIONS'],
  registration: ['POST'],
  client: READ,
  client_update: ['PUT'],
  client_delete: ['DELETE'],
  revocation: ['POST'],
  'cors.revocation': ['OPTIONS'],
  introspection: ['POST'],
  'cors.introspection': ['OPTIONS'],
  end_session_confirm: ['POST'],
  end_session: [...READ, 'POST'],
  end_session_success: READ,
  device_authorization: ['POST'],
  'cors.device_authorization': ['OPTIONS'],
  code_verification: [...READ, 'POST'],
  device_resume: READ,
  pushed_authorization_request: ['POST'],
  'cors.pushed_authorization_request': ['OPTIONS'],
  backchannel_authentication: ['POST'],
  interaction: READ,
  submit: ['POST'],
  abort: READ,
};

/**
 * Discovery has two fixed addresses, and its route name holds only the first of them (pathFor answers one
 * path per name), so both are listed here under the provider's mount path.
 */
const DISCOVERY_PATHS = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'];

/** Placeholders pathFor accepts for the routes' parameters, turned back into `{name}` afterwards. */
const PARAM_MARK = 'fuzz-param-';
const PARAMS = { uid: `${PARAM_MARK}uid`, clientId: `${PARAM_MARK}clientId` };

function pathOf(provider: Provider, name: string): string | undefined {
  const params = { ...PARAMS };
  try {
    return provider.pathFor(name, params).replace(new RegExp(`${PARAM_MARK}(\\w+)`, 'g'), '{$1}');
  } catch {
    // Not registered: the feature is off in our configuration.
    return undefined;
  }
}

/** Every route this Provider serves, with each method it answers, and the preflights of its CORS routes. */
export function oidcRoutes(provider: Provider, mountPath: string): FuzzRoute[] {
  const routes: FuzzRoute[] = [];
  for (const [name, methods] of Object.entries(PROVIDER_ROUTE_METHODS)) {
    const path = pathOf(provider, name);
    if (path !== undefined) routes.push(...methods.map((method) => ({ method, path })));
  }
  for (const path of DISCOVERY_PATHS) {
    routes.push(...[...READ, 'OPTIONS'].map((method) => ({ method, path: `${mountPath}${path}` })));
  }
  return routes;
}

/**
 * The endpoints a discovery document names (`*_endpoint`, `jwks_uri`, on the issuer's origin) that the list
 * lacks: empty when the fuzzer covers them all.
 */
export function unlistedEndpoints(discovery: Record<string, unknown>, routes: FuzzRoute[]): string[] {
  const issuer = new URL(String(discovery.issuer));
  const listed = new Set(routes.map((route) => route.path));
  return Object.entries(discovery)
    .filter(([key, value]) => (key.endsWith('_endpoint') || key === 'jwks_uri') && typeof value === 'string')
    .map(([key, value]) => [key, new URL(value as string)] as const)
    .filter(([, url]) => url.origin === issuer.origin && !listed.has(url.pathname))
    .map(([key, url]) => `${key} (${url.pathname})`);
}
