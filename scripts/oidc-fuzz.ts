/**
 * Fuzzing the OpenID Connect provider's routes (scripts/oidc-routes.ts lists them), shared by scripts/fuzz.ts
 * and tests/server/fuzz.test.ts: random methods, OAuth query strings and form bodies, client credentials in
 * HTTP Basic (live, wrong and malformed), bearer and DPoP junk, and the provider's cookies, live or forged.
 *
 * Live values (a registered client, an interaction still waiting at its login prompt with its cookies, and
 * tokens from a finished sign-in) let the requests reach past "unknown client" into the grant handlers.
 * The rule is the server's: never a 5xx, and an error body in JSON is OAuth's `{error, error_description}`.
 */
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { CookieBrowser } from '../tests/support/oidc-browser';
import type { FuzzRoute } from './oidc-routes';

/** What a finished sign-in and a pending one leave behind, for the fuzzer to send back. */
export interface OidcLiveValues {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** An interaction waiting at its login prompt, and every cookie its browser holds. */
  interactionUid: string;
  cookies: string;
  /** From a code redeemed with offline_access; the code itself, now spent, is sent again too. */
  accessToken: string;
  refreshToken: string;
  idToken: string;
  spentCode: string;
}

export interface OidcFuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

const base64url = (bytes: Buffer) => bytes.toString('base64url');

/** An authorization request as a relying party sends it (PKCE S256), from a browser with a cookie jar. */
async function beginAuthorization(
  browser: CookieBrowser,
  client: { clientId: string; redirectUri: string },
  scope: string,
  prompt?: string,
) {
  const verifier = base64url(randomBytes(32));
  const url = new URL('/oidc/auth', 'http://placeholder');
  url.search = new URLSearchParams({
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    response_type: 'code',
    scope,
    state: base64url(randomBytes(8)),
    code_challenge: base64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
    // offline_access counts only with prompt=consent (OpenID Connect Core 11).
    ...(scope.includes('offline_access') && { prompt: 'consent' }),
    ...(prompt && { prompt }),
  }).toString();
  const { url: landed } = await browser.navigate(`${url.pathname}${url.search}`);
  const uid = /^\/oidc-interaction\/([\w-]+)$/.exec(landed.pathname)?.[1];
  if (!uid) throw new Error(`the authorization request did not reach the login prompt (${landed.pathname})`);
  return { uid, verifier };
}

/**
 * Walks one sign-in through the login prompt to tokens, and starts a second one left pending. `signIn`
 * answers a WRSAuth session token (password and code) made after it is called: the prompt wants a session
 * younger than its interaction.
 */
export async function liveOidcValues(
  origin: string,
  client: { clientId: string; clientSecret: string; redirectUri: string },
  signIn: () => Promise<string>,
): Promise<OidcLiveValues> {
  const browser = new CookieBrowser(origin);
  const finished = await beginAuthorization(browser, client, 'openid profile email offline_access');
  const sessionToken = await signIn();
  const me = (await (
    await fetch(`${origin}/api/v1/me`, { headers: { authorization: `Bearer ${sessionToken}` } })
  ).json()) as { locations?: Array<{ id: string }> };
  const completed = await browser.fetch(`/oidc-interaction/${finished.uid}/complete`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${sessionToken}` },
    body: JSON.stringify({ locationId: me.locations?.[0]?.id ?? null }),
  });
  if (completed.status !== 200) {
    throw new Error(`the login prompt did not complete (${completed.status}: ${await completed.text()})`);
  }
  const { redirectTo } = (await completed.json()) as { redirectTo: string };
  const callback = (await browser.navigate(redirectTo)).url;
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code came back (${callback.search})`);
  const exchanged = await fetch(`${origin}/oidc/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      code_verifier: finished.verifier,
    }).toString(),
  });
  const tokens = (await exchanged.json()) as Record<string, string>;
  if (!tokens.access_token || !tokens.refresh_token || !tokens.id_token) {
    throw new Error(`the code exchange gave no access, refresh and ID token (${exchanged.status})`);
  }
  // The browser is signed in now: prompt=login keeps this one at the prompt, with both cookie sets.
  const pending = await beginAuthorization(browser, client, 'openid', 'login');
  return {
    ...client,
    interactionUid: pending.uid,
    cookies: browser.cookieHeader(),
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    idToken: tokens.id_token,
    spentCode: code,
  };
}

const junk = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '',
    '%ff%fe',
    '\u0000',
    '..',
    'a'.repeat(5000),
    '{}',
    '[]',
    'null',
    'undefined',
    '-1',
    '1e309',
  ),
  fc.uuid(),
);
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
/** A string shaped like a JWT (three dot-separated base64url parts) whose parts are random. */
const jwtShaped = fc
  .tuple(fc.json(), fc.json(), fc.string())
  .map((parts) => parts.map((part) => Buffer.from(part).toString('base64url')).join('.'));

/** Random requests to the provider's routes, using the live values some of the time. */
export function oidcRequests(routes: FuzzRoute[], live: () => OidcLiveValues): fc.Arbitrary<OidcFuzzRequest> {
  const val = <T>(pick: (values: OidcLiveValues) => T) => fc.constant(null).map(() => pick(live()));
  const token = fc.oneof(
    val((v) => v.accessToken),
    val((v) => v.refreshToken),
    val((v) => v.idToken),
    val((v) => v.spentCode),
    jwtShaped,
    junk,
  );
  const oauthParameters = fc.record(
    {
      client_id: fc.oneof(
        val((v) => v.clientId),
        junk,
      ),
      client_secret: fc.oneof(
        val((v) => v.clientSecret),
        junk,
      ),
      redirect_uri: fc.oneof(
        val((v) => v.redirectUri),
        fc.constantFrom('https://evil.example/cb', 'javascript:alert(1)', 'http://[::1', '//x'),
        junk,
      ),
      response_type: fc.oneof(fc.constantFrom('code', 'token', 'id_token', 'code id_token', 'none'), junk),
      response_mode: fc.oneof(fc.constantFrom('query', 'fragment', 'form_post', 'jwt', 'web_message'), junk),
      scope: fc.oneof(fc.constantFrom('openid', 'openid offline_access', 'profile', 'openid email x'), junk),
      state: junk,
      nonce: junk,
      prompt: fc.oneof(fc.constantFrom('none', 'login', 'consent', 'select_account', 'none login'), junk),
      max_age: fc.oneof(fc.constantFrom('0', '-1', '1e309', 'NaN', '9007199254740993'), junk),
      acr_values: fc.oneof(fc.constantFrom('urn:wrsauth:acr:2fa', 'urn:wrsauth:acr:pwd'), junk),
      code_challenge: fc.oneof(fc.constant(base64url(randomBytes(32))), junk),
      code_challenge_method: fc.oneof(fc.constantFrom('S256', 'plain', 's256'), junk),
      code_verifier: junk,
      grant_type: fc.oneof(
        fc.constantFrom(
          'authorization_code',
          'refresh_token',
          'client_credentials',
          'urn:ietf:params:oauth:grant-type:device_code',
        ),
        junk,
      ),
      code: token,
      refresh_token: token,
      token,
      token_type_hint: fc.oneof(fc.constantFrom('access_token', 'refresh_token'), junk),
      id_token_hint: token,
      login_hint: junk,
      ui_locales: junk,
      claims: fc.oneof(fc.json(), junk),
      request: fc.oneof(jwtShaped, junk),
      request_uri: junk,
      resource: junk,
      post_logout_redirect_uri: junk,
      access_token: token,
      __proto__: junk,
    },
    { requiredKeys: [] },
  );
  const encoded = fc
    .tuple(oauthParameters, fc.constantFrom('', '&client_id=x&client_id=y', '&scope', '&=', '&%ff=1'))
    .map(
      ([parameters, extra]) => new URLSearchParams(parameters as Record<string, string>).toString() + extra,
    );
  const body = fc.oneof(
    { weight: 4, arbitrary: encoded },
    { weight: 1, arbitrary: oauthParameters.map((parameters) => JSON.stringify(parameters)) },
    { weight: 1, arbitrary: fc.string() },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
    },
    { weight: 1, arbitrary: fc.constant(`a=${'x'.repeat(70_000)}`) },
  );
  const authorization = fc.oneof(
    val((v) => basic(v.clientId, v.clientSecret)),
    val((v) => basic(v.clientId, 'wrong')),
    val((v) => `Basic ${Buffer.from(v.clientId).toString('base64')}`),
    fc.tuple(junk, junk).map(([id, secret]) => basic(id, secret)),
    fc.constantFrom('Basic', 'Basic !!!', 'Basic Og==', `Basic ${'%ZZ'.repeat(10)}`, 'Bearer', 'DPoP'),
    val((v) => `Bearer ${v.accessToken}`),
    val((v) => `DPoP ${v.accessToken}`),
    fc.string().map((s) => `Bearer ${s.replace(/[^\x21-\x7e]/g, '')}`),
  );
  const cookie = fc.oneof(
    val((v) => v.cookies),
    val((v) => v.cookies.replace(/(\.sig=)[^;]+/g, '$1forged')),
    fc
      .tuple(
        fc.constantFrom('_interaction', '_interaction_resume', '_session', '_session.legacy', 'x'),
        fc.string(),
      )
      .map(
        ([name, value]) => `${name}=${encodeURIComponent(value)}; ${name}.sig=${encodeURIComponent(value)}`,
      ),
  );
  const headers = fc.record(
    {
      'content-type': fc.constantFrom(
        'application/x-www-form-urlencoded',
        'application/json',
        'application/x-www-form-urlencoded; charset=iso-8859-1',
        'text/plain',
        'multipart/form-data; boundary=x',
        'x',
      ),
      authorization,
      dpop: fc.oneof(
        jwtShaped,
        junk.map((s) => s.replace(/[^\x21-\x7e]/g, '')),
      ),
      cookie,
      origin: fc.oneof(
        val((v) => new URL(v.redirectUri).origin),
        fc.constantFrom('https://evil.example', 'null'),
      ),
      'access-control-request-method': fc.constantFrom('POST', 'GET', 'PUT'),
      accept: fc.constantFrom('application/json', 'text/html', '*/*'),
    },
    { requiredKeys: [] },
  );
  const param = fc.oneof(
    val((v) => v.interactionUid),
    val((v) => v.clientId),
    junk,
  );
  const method = fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD') },
  );
  return fc
    .record({
      route: fc.constantFrom(...routes),
      method,
      param,
      query: fc.oneof(fc.constant(''), encoded),
      body,
      headers,
      slash: fc.constantFrom('', '', '/', '//'),
    })
    .map((r) => {
      const verb = r.method ?? r.route.method;
      const path = r.route.path.replace(/\{[^}]+\}/g, encodeURIComponent(r.param)) + r.slash;
      return {
        method: verb,
        path: r.query ? `${path}?${r.query}` : path,
        headers: r.headers as Record<string, string>,
        body: ['GET', 'HEAD'].includes(verb) ? undefined : r.body,
      };
    });
}

/**
 * Why an answer breaks the rule, or undefined when it keeps it: below 500, and a JSON error (the provider's
 * OAuth errors) carries a snake_case `error`. HTML error pages and redirects are the provider's to write.
 */
export function oidcAnswerFault(
  method: string,
  status: number,
  contentType: string,
  text: string,
): string | undefined {
  if (status >= 500) return `${status} answer: ${text.slice(0, 300)}`;
  // HEAD answers carry the headers of a GET, and no body.
  if (status >= 400 && method !== 'HEAD' && contentType.includes('json')) {
    let error: unknown;
    try {
      error = (JSON.parse(text) as { error?: unknown }).error;
    } catch {
      return `${status} answer is not JSON despite its content type: ${text.slice(0, 300)}`;
    }
    if (typeof error !== 'string' || !/^[a-z_]+$/.test(error)) {
      return `${status} answer has no OAuth error code: ${text.slice(0, 300)}`;
    }
  }
  return undefined;
}
