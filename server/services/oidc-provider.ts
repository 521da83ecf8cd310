/**
 * "Login with WRSAuth": the OpenID Connect provider (oidc-provider 9), configured for authorization code
 * with PKCE S256 only, first-party relying parties from oidc_clients, storage on the server's database and
 * signing keys shared through it.
 *
 * oidc-provider reads its `jwks` once, when a Provider is built. So that every instance picks up a rotation
 * (or a retired key's 24 hours ending) without a restart, this host re-reads the published key set when a
 * request comes in and the last check is older than `keyCheckMs` (10 s in production), and builds a new
 * Provider when the set changed. Nothing else lives in a Provider: codes, sessions and clients are in the
 * database, so requests already running on the previous Provider finish there unharmed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, {
  type Configuration,
  type Grant,
  interactionPolicy,
  type JWK,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import type { Logger } from 'pino';
import type { Keyring } from '../secrets';
import type { AuditLog } from './audit-log';
import { ACR_2FA, ACR_VALUES } from './authentication-methods';
import { type OidcAccountService, SCOPE_CLAIMS } from './oidc-accounts';
import type { OidcLogoutService } from './oidc-logout';
import type { SigningJwk, SigningKeyService } from './oidc-signing-keys';
import type { OidcSignIn, OidcStorage, ReachedApplication } from './oidc-storage';

/** Where the provider is mounted in the Fastify app; the issuer is the public URL plus this. */
export const OIDC_PREFIX = '/oidc';

/**
 * The login prompt: WRSAuth's own sign-in screens at /oidc-interaction/<uid> (routes/oidc-interaction.ts),
 * outside the provider's /oidc. The provider scopes its interaction cookie to this exact path, so the page
 * and its /details and /complete calls below it receive it, and nothing else does.
 */
export const INTERACTION_PREFIX = '/oidc-interaction/';

/**
 * What the interaction's login result carries besides oidc-provider's own `login` and `consent`: the sign-in
 * WRSAuth proved, which loadExistingGrant keeps under the provider session's uid once the browser resumes.
 */
export interface WrsauthLoginResult {
  wrsauth?: Pick<OidcSignIn, 'sessionId' | 'location'>;
  login?: { accountId: string; ts?: number; amr?: string[]; acr?: string };
  consent?: { grantId?: string };
}

export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

export const DEFAULT_KEY_CHECK_MS = 10_000;

export interface OidcProviderOptions {
  keyring: Keyring;
  accounts: OidcAccountService;
  audit: AuditLog;
  storage: OidcStorage;
  keys: SigningKeyService;
  logout: OidcLogoutService;
  log: Logger;
  /** How often (at most) a request re-reads the signing keys; 0 re-reads on every request (tests). */
  keyCheckMs?: number;
}

/** A Provider's request handler, as plain Node http. */
export type OidcHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

interface Built {
  provider: Provider;
  handler: OidcHandler;
  fingerprint: string;
}

export class OidcProviderHost {
  private issuer: string | undefined;
  private origin: URL | undefined;
  private current: Built | undefined;
  private checkedAt = 0;
  private refreshing: Promise<void> | undefined;
  private readonly keyCheckMs: number;
  private readonly started: Promise<void>;
  private markStarted: () => void = () => {};

  constructor(private readonly options: OidcProviderOptions) {
    this.keyCheckMs = options.keyCheckMs ?? DEFAULT_KEY_CHECK_MS;
    this.started = new Promise((resolve) => {
      this.markStarted = resolve;
    });
  }

  /** Creates the signing keys if the database has none (before listening: generating them takes a moment). */
  ensureKeys(): Promise<void> {
    return this.options.keys.ensure();
  }

  /**
   * Builds the first Provider, once the public URL is known (after listening, when it comes from the port).
   * A request that arrives before waits for it.
   */
  async start(publicUrl: string): Promise<void> {
    this.origin = new URL(publicUrl);
    this.issuer = `${this.origin.origin}${OIDC_PREFIX}`;
    await this.options.keys.ensure();
    await this.refresh();
    this.markStarted();
  }

  get issuerUrl(): string | undefined {
    return this.issuer;
  }

  /** WRSAUTH_PUBLIC_URL (or the listening address): where browsers and relying parties reach this server. */
  get publicUrl(): URL {
    if (!this.origin) throw new Error('the OpenID Connect provider has not started');
    return this.origin;
  }

  /** The Provider to serve a request with, after re-reading the keys when a check is due. */
  async provider(): Promise<Provider> {
    return (await this.built()).provider;
  }

  async handler(): Promise<OidcHandler> {
    return (await this.built()).handler;
  }

  /** Re-reads the published keys and builds a new Provider if they differ from the current one's. */
  async refresh(): Promise<void> {
    const keys = await this.options.keys.published();
    this.checkedAt = Date.now();
    const fingerprint = JSON.stringify(keys.map((key) => [key.kid, key.key_ops ?? null]));
    if (fingerprint === this.current?.fingerprint) return;
    const provider = this.build(keys);
    this.current = { provider, handler: provider.callback() as OidcHandler, fingerprint };
  }

  private async built(): Promise<Built> {
    await this.started;
    if (Date.now() - this.checkedAt >= this.keyCheckMs) {
      this.refreshing ??= this.refresh().finally(() => {
        this.refreshing = undefined;
      });
      await this.refreshing;
    }
    if (!this.current) throw new Error('the OpenID Connect provider has not started');
    return this.current;
  }

  private build(keys: SigningJwk[]): Provider {
    if (!this.issuer) throw new Error('the OpenID Connect provider has no issuer yet');
    const provider = new Provider(this.issuer, this.configuration(keys));
    // The public URL decides the URLs the provider writes (see routes/oidc.ts), never a client's headers.
    provider.proxy = true;
    provider.on('server_error', (_ctx: KoaContextWithOIDC, error: Error) => {
      this.options.log.error({ err: error }, 'oidc: request failed');
    });
    provider.on('authorization.success', (ctx: KoaContextWithOIDC) => {
      this.auditAuthorization(ctx).catch((error: unknown) => {
        this.options.log.error({ err: error }, 'oidc: could not audit an authorization');
      });
    });
    // RP-initiated logout: the provider has ended its session and revoked its grants; the WRSAuth sign-in
    // ends with it, and the applications it reached are owed their back-channel logout tokens.
    provider.on('end_session.success', (ctx: KoaContextWithOIDC) => {
      const { session, client } = ctx.oidc;
      if (!session) return;
      const clientIds = Object.keys(session.authorizations ?? {});
      const reached: ReachedApplication[] = clientIds.map((clientId) => ({
        clientId,
        sid: session.sidFor(clientId) ?? null,
      }));
      // The provider keeps offline_access grants past a logout; WRSAuth's refresh tokens die with the sign-in.
      const grantIds = clientIds.flatMap((clientId) => session.grantIdFor(clientId) ?? []);
      this.options.logout
        .endedByApplication(
          {
            sessionUid: session.uid,
            accountId: session.accountId,
            reached,
            grantIds,
            clientId: client?.clientId,
          },
          { ip: ctx.ip ?? null, userAgent: ctx.get('user-agent') || null },
        )
        .catch((error: unknown) => {
          this.options.log.error({ err: error }, 'oidc: could not end the sign-in behind a logout');
        });
    });
    return provider;
  }

  /** Every code issued, by an interaction or by single sign-on: client, user, location and amr. */
  private async auditAuthorization(ctx: KoaContextWithOIDC): Promise<void> {
    const { session, client } = ctx.oidc;
    if (!session?.accountId || !client) return;
    const signIn = await this.options.storage.signInOf(session.uid);
    const current = signIn?.userId === session.accountId && signIn.authTime === session.authTime();
    await this.options.audit.record(
      { ip: ctx.ip ?? null, userAgent: ctx.get('user-agent') || null },
      {
        type: 'oidc_authorized',
        userId: session.accountId,
        detail: {
          clientId: client.clientId,
          clientName: client.clientName ?? null,
          locationId: (current && signIn.location?.id) || null,
          locationName: (current && signIn.location?.name) || null,
          amr: (session.amr ?? []).join(' '),
          acr: session.acr ?? null,
        },
      },
    );
  }

  private configuration(keys: SigningJwk[]): Configuration {
    const { storage, keyring, accounts, logout } = this.options;
    return {
      adapter: storage.adapterFor,
      jwks: { keys: keys as JWK[] },
      // Signed with keys derived from the server key, so a cookie set by one instance verifies at another.
      cookies: {
        keys: keyring.derivedKeys('oidc cookies'),
        long: { httpOnly: true, sameSite: 'lax' },
        short: { httpOnly: true, sameSite: 'lax' },
      },
      // Authorization code only: no implicit or hybrid flow.
      responseTypes: ['code'],
      // PKCE for every client, public or confidential. oidc-provider 9 supports S256 alone (a `plain`
      // code_challenge_method is refused with invalid_request), so there is no method list to narrow.
      pkce: { required: () => true },
      scopes: [...OIDC_SCOPES],
      claims: {
        openid: [...SCOPE_CLAIMS.openid],
        profile: [...SCOPE_CLAIMS.profile],
        email: [...SCOPE_CLAIMS.email],
        acr: null,
        auth_time: null,
        sid: null,
        iss: null,
      },
      acrValues: [...ACR_VALUES],
      // The scopes' claims go in the ID token too, not only in userinfo: an application that only reads the
      // ID token learns the user and the location without a second call.
      conformIdTokenClaims: false,
      clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
      // Refresh tokens go to confidential clients only, and every use rotates them.
      issueRefreshToken: async (_ctx, client, code) =>
        client.clientAuthMethod !== 'none' &&
        client.grantTypeAllowed('refresh_token') &&
        code.scopes.has('offline_access'),
      rotateRefreshToken: true,
      enabledJWA: { idTokenSigningAlgValues: ['RS256', 'ES256'] },
      // A redirect_uri must be sent and match a registered one exactly.
      allowOmittingSingleRegisteredRedirectUri: false,
      features: {
        devInteractions: { enabled: false },
        rpInitiatedLogout: {
          enabled: true,
          logoutSource: async (ctx, form) => {
            ctx.type = 'html';
            ctx.body = logoutPage(form, ctx.oidc.client?.clientName);
          },
          postLogoutSuccessSource: async (ctx) => {
            ctx.type = 'html';
            ctx.body = page(
              'You have signed out',
              '<p>You have signed out of WRSAuth and of the applications you signed in to with it.</p>',
            );
          },
        },
        // Logout tokens carry the `sid` each application was told, so it ends that one session of its own.
        backchannelLogout: { enabled: true },
        userinfo: { enabled: true },
      },
      // The provider's only outbound requests are back-channel logout POSTs, to registered URIs alone.
      fetch: logout.outboundFetch as Configuration['fetch'],
      // A browser may call the token endpoint (public clients) and userinfo only from the origin of one of the
      // client's own redirect URIs; confidential clients call from their servers, so never cross-origin.
      clientBasedCORS: (ctx, origin, client) =>
        origin !== 'null' &&
        (ctx.oidc.route === 'userinfo' || client.clientAuthMethod === 'none') &&
        client.redirectUris?.some((uri) => URL.parse(uri)?.origin === origin) === true,
      // /oidc/userinfo rather than the default /oidc/me, which reads like WRSAuth's own /api/v1/me.
      routes: { userinfo: '/userinfo' },
      interactions: {
        policy: loginPolicy((sessionUid) => logout.signInActive(sessionUid)),
        url: (_ctx, interaction) => `${INTERACTION_PREFIX}${interaction.uid}`,
      },
      loadExistingGrant: async (ctx) => {
        const { oidc } = ctx;
        const { client, session } = oidc;
        if (!client || !session) return undefined;
        const result = oidc.result as WrsauthLoginResult | undefined;
        // The browser is back from the login prompt: keep what that sign-in proved under the session's uid.
        if (result?.login && result.wrsauth) {
          await storage.recordSignIn(
            session.uid,
            {
              ...result.wrsauth,
              userId: result.login.accountId,
              authTime: result.login.ts ?? 0,
              amr: result.login.amr ?? [],
              acr: result.login.acr ?? '',
            },
            SESSION_TTL_SECONDS,
          );
        }
        const grantId = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
        const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
        const grant =
          existing ?? new oidc.provider.Grant({ accountId: session.accountId, clientId: client.clientId });
        // Every registered client is first-party: no consent screen, the request's scopes are granted.
        return grantRequested(grant, oidc.params as Record<string, unknown>);
      },
      // A sign-in lasts at most 12 hours (NIST SP 800-63B AAL2), and nothing issued from it outlives that.
      ttl: {
        AccessToken: 10 * 60,
        AuthorizationCode: 60,
        IdToken: 60 * 60,
        Interaction: 30 * 60,
        RefreshToken: 12 * 60 * 60,
        Session: SESSION_TTL_SECONDS,
        Grant: 12 * 60 * 60,
      },
      // `sub` is the user's opaque id, never the User ID. A code or token names the sign-in it came from; at
      // the authorization endpoint, the browser's provider session does.
      findAccount: (ctx, sub, token) => {
        if (!token) {
          const session = ctx.oidc.entities.Session;
          return accounts.find(sub, { sessionUid: session?.uid, authTime: session?.authTime() });
        }
        const sessionUid = 'sessionUid' in token ? token.sessionUid : undefined;
        const authTime =
          'authTime' in token ? token.authTime : 'extra' in token ? token.extra?.auth_time : undefined;
        return accounts.find(sub, {
          sessionUid,
          authTime: typeof authTime === 'number' ? authTime : undefined,
        });
      },
      // An access token remembers the login it came from (as a code and a refresh token do), so userinfo
      // answers with that sign-in's location even after the browser signed in again.
      extraTokenClaims: (ctx, token) => {
        if (token.kind !== 'AccessToken') return undefined;
        const source = ctx.oidc.entities.AuthorizationCode ?? ctx.oidc.entities.RefreshToken;
        return source?.authTime === undefined ? undefined : { auth_time: source.authTime };
      },
      renderError: async (ctx, out) => {
        ctx.type = 'html';
        ctx.body = errorPage(String(out.error ?? 'server_error'), String(out.error_description ?? ''));
      },
    };
  }
}

/**
 * A provider session answers silently only while its WRSAuth session is active (the sign_in_ended check), so
 * never past that session's 12 hours (NIST SP 800-63B AAL2). It is kept 10 minutes longer, with WRSAuth's
 * record of the sign-in, so that the logout sweep can still read which applications it reached and tell them.
 */
const SESSION_TTL_SECONDS = 12 * 60 * 60 + 10 * 60;

/**
 * The provider's own login checks (no session, max_age, prompt=login, id_token_hint, essential acr), and three
 * of WRSAuth's: a sign-in whose user can no longer be found (deactivated, past their end date) signs in again;
 * so does one whose WRSAuth session has ended or sat idle for 30 minutes (single sign-on is no way around the
 * idle timeout); and `acr_values=urn:wrsauth:acr:2fa` is never answered from a password-only sign-in. Under
 * prompt=none each one answers login_required.
 */
function loginPolicy(signInActive: (sessionUid: string) => Promise<boolean>) {
  const policy = interactionPolicy.base();
  const login = policy.get('login');
  if (!login) throw new Error('oidc-provider has no login prompt');
  const { Check } = interactionPolicy;
  login.checks.add(
    new Check('account_unavailable', 'End-User authentication is required', 'login_required', (ctx) =>
      ctx.oidc.session?.accountId && !ctx.oidc.account ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT,
    ),
  );
  login.checks.add(
    new Check('sign_in_ended', 'End-User authentication is required', 'login_required', async (ctx) => {
      const session = ctx.oidc.session;
      if (!session?.accountId) return Check.NO_NEED_TO_PROMPT;
      return (await signInActive(session.uid)) ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    }),
  );
  login.checks.add(
    new Check(
      'second_factor_required',
      'a sign-in with a second factor is required',
      'login_required',
      (ctx) =>
        requestsSecondFactor(ctx.oidc.params?.acr_values) && ctx.oidc.session?.acr !== ACR_2FA
          ? Check.REQUEST_PROMPT
          : Check.NO_NEED_TO_PROMPT,
    ),
  );
  return policy;
}

export function requestsSecondFactor(acrValues: unknown): boolean {
  return typeof acrValues === 'string' && acrValues.split(' ').includes(ACR_2FA);
}

/**
 * The OpenID scopes the request asks for, added to a first-party client's grant (their claims follow from
 * SCOPE_CLAIMS; the `claims` request parameter is not enabled).
 */
export async function grantRequested(grant: Grant, params: Record<string, unknown>): Promise<Grant> {
  const scopes = String(params.scope ?? '')
    .split(' ')
    .filter((scope) => (OIDC_SCOPES as readonly string[]).includes(scope));
  grant.addOIDCScope(scopes);
  await grant.save();
  return grant;
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/**
 * RP-initiated logout asks before it signs the browser out (a link alone must not sign people out). The form
 * is oidc-provider's, with its anti-forgery token; the one button signs out of WRSAuth and every application.
 */
function logoutPage(form: string, clientName: string | undefined): string {
  const asking = clientName ? ` ${escapeHtml(clientName)} asked to sign you out.` : '';
  return page(
    'Sign out of WRSAuth',
    `<p>${asking} Signing out ends your WRSAuth sign-in and signs you out of every application you signed in to with it.</p>
${form}
<button autofocus type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>`,
  );
}

/** The page a browser sees when the request cannot go back to the application (e.g. an unknown redirect_uri). */
function errorPage(error: string, description: string): string {
  return page(
    'Sign-in could not continue',
    `<p>WRSAuth could not send you back to the application that asked you to sign in.</p>
<p><code>${escapeHtml(error)}</code>${description ? `: ${escapeHtml(description)}` : ''}</p>
<p>Ask your practice's account manager to check the application's registration.</p>`,
  );
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)} - WRSAuth</title></head>
<body><main><h1>${escapeHtml(title)}</h1>
${body}
</main></body></html>
`;
}
