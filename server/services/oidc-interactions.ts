/**
 * The login prompt's two calls: what the page shows ("Sign in to <client>") and completing the request with
 * the WRSAuth session the browser's sign-in just started.
 *
 * Binding a session to an interaction takes three things at once, so that none alone is of any use:
 * - the provider's interaction cookie (signed, httpOnly, SameSite=Lax, scoped to /oidc-interaction/<uid>),
 *   read by oidc-provider itself through `interactionDetails`, and naming this very uid: only the browser
 *   that made the authorization request holds it, so a stolen uid is useless;
 * - the session token, as a Bearer header from the page's memory: never in a URL, a cookie or storage, and
 *   never handed to the relying party, which gets a code from the provider and nothing of WRSAuth's;
 * - a session that began after the interaction did: the password and code were typed for this request,
 *   which is what prompt=login and max_age=0 ask for.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { errors as oidcErrors } from 'oidc-provider';
import type {
  CompleteOidcInteraction,
  OidcInteraction,
  OidcInteractionCompleted,
} from '../../src/shared/api';
import { ErrorCode } from '../../src/shared/api';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import { AppError } from '../errors';
import { findPractice } from '../repositories/practices';
import { locationsOf } from '../repositories/users';
import { acrOf, storedAmr } from './authentication-methods';
import {
  grantRequested,
  type OidcProviderHost,
  requestsSecondFactor,
  type WrsauthLoginResult,
} from './oidc-provider';
import { effectiveMode } from './policy';
import type { SessionService } from './sessions';

/** Room for the provider (wall time, whole seconds) and the sessions (the server's clock) to disagree. */
const CLOCK_SLACK_MS = 2_000;

const interactionNotFound = () =>
  new AppError(
    404,
    ErrorCode.interactionNotFound,
    'This sign-in request has expired or was started in another browser. Go back to the application and choose Login with WRSAuth again.',
  );

export interface RawExchange {
  req: IncomingMessage;
  res: ServerResponse;
}

export class OidcInteractionService {
  constructor(
    private readonly host: OidcProviderHost,
    private readonly sessions: SessionService,
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async describe(exchange: RawExchange, uid: string): Promise<OidcInteraction> {
    const provider = await this.host.provider();
    const interaction = await this.interaction(provider, exchange, uid);
    const client = await provider.Client.find(String(interaction.params.client_id));
    if (!client) throw interactionNotFound();
    return {
      clientName: client.clientName ?? 'an application',
      secondFactorRequired: requestsSecondFactor(interaction.params.acr_values),
    };
  }

  async complete(
    exchange: RawExchange,
    uid: string,
    sessionToken: string | undefined,
    request: CompleteOidcInteraction,
  ): Promise<OidcInteractionCompleted> {
    const provider = await this.host.provider();
    const interaction = await this.interaction(provider, exchange, uid);
    const { session, user } = await this.sessions.authenticate(sessionToken);
    if (user.temporary_password_until !== null) {
      throw new AppError(
        403,
        ErrorCode.passwordChangeRequired,
        'Choose your own password first: you signed in with a temporary one.',
      );
    }
    // Ages, not instants: the provider keeps wall time, sessions the server's clock.
    const sessionAgeMs = this.clock.now().getTime() - Date.parse(session.created_at);
    const interactionAgeMs = Date.now() - interaction.iat * 1000;
    if (sessionAgeMs > interactionAgeMs + CLOCK_SLACK_MS) {
      throw new AppError(
        401,
        ErrorCode.freshSignInRequired,
        'Sign in again for this application: your password and code are needed for this request.',
      );
    }
    const amr = storedAmr(session.amr, session.second_factor === 1);
    const practice = await findPractice(this.db, user.practice_id);
    if (!amr.includes('mfa') && effectiveMode(practice, this.clock.now()) === 'required') {
      throw new AppError(
        403,
        ErrorCode.secondFactorRequired,
        'Your practice requires a verification code. Sign in again with your code.',
      );
    }
    const locations = await locationsOf(this.db, user.id);
    const location = locations.find((candidate) => candidate.id === request.locationId) ?? null;
    if (!location && (request.locationId !== null || locations.length > 0)) {
      throw new AppError(400, ErrorCode.badRequest, 'Choose one of your practice locations.');
    }
    const clientId = String(interaction.params.client_id);
    if (!(await provider.Client.find(clientId))) throw interactionNotFound();

    if (requestsSecondFactor(interaction.params.acr_values) && !amr.includes('mfa')) {
      // There is no code to ask for (no factor on file, or a policy that asks for none): the application
      // hears that its requirement could not be met, and gets no password-only sign-in.
      const redirectTo = await provider.interactionResult(
        exchange.req,
        exchange.res,
        {
          error: 'unmet_authentication_requirements',
          error_description: 'a sign-in with a second factor could not be obtained',
        },
        { mergeWithLastSubmission: false },
      );
      return { redirectTo };
    }

    const grant = await grantRequested(
      new provider.Grant({ accountId: user.id, clientId }),
      interaction.params as Record<string, unknown>,
    );
    const result: WrsauthLoginResult = {
      login: {
        accountId: user.id,
        // When the password and code were proven, on the provider's clock.
        ts: Math.floor((Date.now() - sessionAgeMs) / 1000),
        amr,
        acr: acrOf(amr),
      },
      consent: { grantId: grant.jti },
      wrsauth: { sessionId: session.id, location },
    };
    const redirectTo = await provider.interactionResult(
      exchange.req,
      exchange.res,
      { ...result },
      {
        mergeWithLastSubmission: false,
      },
    );
    return { redirectTo };
  }

  /**
   * The interaction the browser's own cookie names, read by the provider, and only if it is the one in the
   * path and still waits for its result. Every other case answers the same 404.
   */
  private async interaction(provider: Provider, { req, res }: RawExchange, uid: string) {
    let interaction: Awaited<ReturnType<Provider['interactionDetails']>>;
    try {
      interaction = await provider.interactionDetails(req, res);
    } catch (error) {
      if (error instanceof oidcErrors.SessionNotFound) throw interactionNotFound();
      throw error;
    }
    if (interaction.uid !== uid || interaction.result) throw interactionNotFound();
    return interaction;
  }
}
