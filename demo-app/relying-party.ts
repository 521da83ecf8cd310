/**
 * The demo application as an OpenID Connect relying party, with openid-client (the certified client library):
 * discovery, the authorization code flow with PKCE S256, state and nonce, the code exchange (which validates
 * the ID token against the provider's keys), userinfo, and RP-initiated logout.
 */
import * as oidc from 'openid-client';
import type { PendingLogin, SignedInUser } from './sessions';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** openid-client refuses http issuers; the demo allows one only on this machine's loopback. */
export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

export class RelyingParty {
  private discovered: Promise<oidc.Configuration> | undefined;

  constructor(
    readonly issuer: URL,
    private readonly credentials: ClientCredentials,
    /** The application's origin, e.g. http://127.0.0.1:4581 */
    private readonly baseUrl: URL,
  ) {
    if (issuer.protocol !== 'https:' && !isLoopbackHttp(issuer)) {
      throw new Error(`the issuer ${issuer.href} must be https (http only on 127.0.0.1, [::1] or localhost)`);
    }
  }

  get clientId(): string {
    return this.credentials.clientId;
  }

  get redirectUri(): string {
    return new URL('/callback', this.baseUrl).href;
  }

  get postLogoutRedirectUri(): string {
    return new URL('/', this.baseUrl).href;
  }

  /** Discovery, once it succeeds; a failure is retried on the next request (the provider may start later). */
  configuration(): Promise<oidc.Configuration> {
    this.discovered ??= oidc
      .discovery(
        this.issuer,
        this.credentials.clientId,
        undefined,
        oidc.ClientSecretBasic(this.credentials.clientSecret),
        isLoopbackHttp(this.issuer) ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        this.discovered = undefined;
        throw error;
      });
    return this.discovered;
  }

  /** A new authorization request: the URL to send the browser to, and what its callback must match. */
  async startLogin(): Promise<{ url: URL; pending: PendingLogin }> {
    const config = await this.configuration();
    const pending: PendingLogin = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
    };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: 'openid profile',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, pending };
  }

  /**
   * The browser is back at the callback: redeems the code (state, PKCE, ID token signature, iss, aud and
   * nonce checked by openid-client) and reads userinfo for the user's name and practice location.
   */
  async finishLogin(callbackUrl: URL, pending: PendingLogin): Promise<SignedInUser> {
    const config = await this.configuration();
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const idToken = tokens.claims();
    if (!idToken) throw new Error('the provider sent no ID token');
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub);
    const claims = { ...idToken, ...userinfo };
    return {
      sub: idToken.sub,
      ...(typeof idToken.sid === 'string' && { sid: idToken.sid }),
      name: stringClaim(claims.name) ?? stringClaim(claims.preferred_username) ?? idToken.sub,
      locationName: stringClaim((claims.practice_location as { name?: unknown } | undefined)?.name),
      amr: Array.isArray(idToken.amr) ? idToken.amr.filter((m): m is string => typeof m === 'string') : [],
      acr: stringClaim(idToken.acr),
      idToken: tokens.id_token,
    };
  }

  /**
   * RP-initiated logout: the provider's end-session URL with id_token_hint and the registered post-logout
   * redirect URI; undefined while the provider offers no end_session_endpoint.
   */
  async endSessionUrl(idToken: string | undefined): Promise<URL | undefined> {
    const config = await this.configuration();
    if (!config.serverMetadata().end_session_endpoint) return undefined;
    return oidc.buildEndSessionUrl(config, {
      ...(idToken && { id_token_hint: idToken }),
      client_id: this.clientId,
      post_logout_redirect_uri: this.postLogoutRedirectUri,
    });
  }

  /** Where the provider publishes its signing keys, for the logout token check. */
  async jwksUri(): Promise<URL> {
    const uri = (await this.configuration()).serverMetadata().jwks_uri;
    if (!uri) throw new Error('the provider publishes no jwks_uri');
    return new URL(uri);
  }
}

const stringClaim = (value: unknown): string | undefined =>
  typeof value === 'string' && value ? value : undefined;
