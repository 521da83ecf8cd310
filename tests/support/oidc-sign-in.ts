/**
 * "Login with WRSAuth" walked as a browser and an application do it, for the server tests: openid-client
 * builds the request, a cookie-keeping browser (oidc-browser.ts) follows it to the login prompt, WRSAuth's own
 * sign-in (/api/v1/auth/*) runs with a code from the local Twilio endpoint or SMTP, and the prompt completes.
 */
import * as oidc from 'openid-client';
import { expect } from 'vitest';
import { CLI_CONTEXT } from '../../server/services/audit-log';
import type { NewRelyingParty } from '../../server/services/relying-parties';
import type { CookieBrowser } from './oidc-browser';
import { authorizationRequest } from './oidc-relying-party';
import { userIdOf } from './self-service';
import { createUser, type TestServer } from './test-server';

/** The demo practice application's callback: loopback http, which registration allows for development. */
export const RP_REDIRECT = 'http://127.0.0.1:4581/callback';
/** openid-client refuses http issuers unless told; the test server is http on loopback. */
export const INSECURE = { execute: [oidc.allowInsecureRequests] };

export class OidcSignIns {
  private phoneSuffix = 10;

  constructor(private readonly t: TestServer) {}

  /** Registers an application (confidential unless told) and discovers the provider as openid-client. */
  async register(name: string, extra: Partial<NewRelyingParty> = {}) {
    const { clientId, clientSecret } = await this.t.server.services.relyingParties.register(
      { name, redirectUris: [RP_REDIRECT], ...extra },
      CLI_CONTEXT,
    );
    const auth = clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None();
    return oidc.discovery(new URL(`${this.t.url}/oidc`), clientId, undefined, auth, INSECURE);
  }

  /** A user of their own (own phone and email: codes have per-contact cooldowns), in two locations. */
  async newUser(username: string, extra: Parameters<typeof createUser>[1] = {}) {
    this.phoneSuffix += 1;
    await createUser(this.t, {
      username,
      phone: `+120255501${this.phoneSuffix}`,
      email: `${username}@wrshealth.com`,
      locations: ['Main Office', 'Eastside Clinic'],
      ...extra,
    });
    return { username, id: await userIdOf(this.t, username) };
  }

  /**
   * Password, then a code by text (or email): the session token, as the web client's sign-in gets it. The
   * clock moves on first: a contact waits 30 s between codes.
   */
  async signIn(username: string, channel: 'sms' | 'email' = 'sms'): Promise<string> {
    const { t } = this;
    t.clock.advance(31);
    const login = await t.post('/api/v1/auth/login', { username, password: 'frontDesk2026' });
    if (login.body.status === 'authenticated') return login.body.sessionToken;
    await t.send(login.body.challengeId, channel);
    const code = channel === 'sms' ? t.lastSmsCode() : t.lastMailCode();
    const verified = await t.verify(login.body.challengeId, code);
    if (verified.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(verified.body)}`);
    return verified.body.sessionToken;
  }

  /** A location's id by name (the setup's; a test's user works at both). */
  async locationId(name: string): Promise<string> {
    const row = await this.t.server.db
      .selectFrom('locations')
      .select('id')
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** The browser follows the authorization URL: to the login prompt (its uid) or straight back to the client. */
  async authorize(browser: CookieBrowser, config: oidc.Configuration, parameters = {}) {
    const request = await authorizationRequest(config, RP_REDIRECT, parameters);
    const { url } = await browser.navigate(request.url);
    const uid = /^\/oidc-interaction\/([\w-]+)$/.exec(url.pathname)?.[1];
    return { ...request, uid, landed: url };
  }

  complete(browser: CookieBrowser, uid: string, token: string | undefined, locationId: string | null) {
    return browser.fetch(`/oidc-interaction/${uid}/complete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      body: JSON.stringify({ locationId }),
    });
  }

  /** Completes the prompt and follows the answer back to the client: the redirect_uri it lands on. */
  async completeAndReturn(browser: CookieBrowser, uid: string, token: string, location: string | null) {
    const answer = await this.complete(browser, uid, token, location);
    expect(answer.status).toBe(200);
    const { redirectTo } = (await answer.json()) as { redirectTo: string };
    return (await browser.navigate(redirectTo)).url;
  }
}
