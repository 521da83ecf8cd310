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
 *
 * The desktop client completes a prompt with a ticket instead (oidc-tickets.ts): the ticket stands for the
 * Bearer session, the cookie still comes from the window, and a request that demands a fresh sign-in
 * (prompt=login, max_age) is never met by one: that window gets the prompt page to sign in by typing.
 * Both ways share one completion (`finish`), under the same rules.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Selectable } from 'kysely';
import type Provider from 'oidc-provider';
import { errors as oidcErrors } from 'oidc-provider';
import type {
  CompleteOidcInteraction,
  IssueOidcTicket,
  Location,
  OidcInteraction,
  OidcInteractionCompleted,
  OidcTicketIssued,
} from '../../src/shared/api';
import { ErrorCode } from '../../src/shared/api';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import type { SessionTable, UserRow } from '../db/schema';
import { AppError } from '../errors';
import { findPractice } from '../repositories/practices';
import { locationsOf } from '../repositories/users';
import type { AuditLog, RequestContext } from './audit-log';
import { type AuthenticationMethod, acrOf, storedAmr } from './authentication-methods';
import {
  grantRequested,
  INTERACTION_PREFIX,
  type OidcProviderHost,
  requestsSecondFactor,
  type WrsauthLoginResult,
} from './oidc-provider';
import type { OidcTicketService } from './oidc-tickets';
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

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

/** A sign-in that passed every rule, ready to complete an interaction. */
interface ProvenSignIn {
  session: Selectable<SessionTable>;
  user: UserRow;
  amr: AuthenticationMethod[];
  location: Location | null;
}

export interface RawExchange {
  req: IncomingMessage;
  res: ServerResponse;
}

export class OidcInteractionService {
  constructor(
    private readonly host: OidcProviderHost,
    private readonly sessions: SessionService,
    private readonly tickets: OidcTicketService,
    private readonly audit: AuditLog,
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
    refuseTemporaryPassword(user);
    // Ages, not instants: the provider keeps wall time, sessions the server's clock.
    const interactionAgeMs = Date.now() - interaction.iat * 1000;
    if (this.sessionAgeMs(session) > interactionAgeMs + CLOCK_SLACK_MS) {
      throw new AppError(
        401,
        ErrorCode.freshSignInRequired,
        'Sign in again for this application: your password and code are needed for this request.',
      );
    }
    const amr = await this.provenAmr(session, user);
    const location = await this.chosenLocation(user, request.locationId);
    return {
      redirectTo: await this.finish(provider, exchange, interaction, { session, user, amr, location }),
    };
  }

  /**
   * A ticket for the desktop client's practice-application window, under the same rules as `complete`
   * (temporary password, the practice's second factor, one of the user's locations). The interaction must
   * exist; whether it is this user's window is for its cookie to prove at redemption.
   */
  async issueTicket(sessionToken: string | undefined, request: IssueOidcTicket): Promise<OidcTicketIssued> {
    const { session, user } = await this.sessions.authenticate(sessionToken);
    refuseTemporaryPassword(user);
    await this.provenAmr(session, user);
    const location = await this.chosenLocation(user, request.locationId);
    const provider = await this.host.provider();
    const interaction = await provider.Interaction.find(request.interactionUid);
    if (!interaction || interaction.result) throw interactionNotFound();
    return this.tickets.issue({
      interactionUid: request.interactionUid,
      sessionId: session.id,
      locationId: location?.id ?? null,
    });
  }

  /**
   * Redeems a ticket posted by the practice-application window: where that window goes next. The provider's
   * redirect when the ticket completes the interaction; otherwise the prompt page, where the user can still
   * sign in by typing (unknown, used, expired or other-interaction ticket, a session that ended, a rule the
   * sign-in no longer meets, or a request that demands a fresh sign-in).
   */
  async redeemTicket(exchange: RawExchange, uid: string, ticket: string, context: RequestContext) {
    const promptPage = `${INTERACTION_PREFIX}${encodeURIComponent(uid)}`;
    try {
      const provider = await this.host.provider();
      // The cookie first: a window that does not hold this interaction burns no ticket.
      const interaction = await this.interaction(provider, exchange, uid);
      const spent = await this.tickets.spend(ticket, uid);
      if (!spent) return promptPage;
      const { session, user } = await this.sessions.authenticateById(spent.sessionId);
      if (demandsFreshSignIn(interaction, this.sessionAgeMs(session))) return promptPage;
      refuseTemporaryPassword(user);
      const amr = await this.provenAmr(session, user);
      const location = await this.chosenLocation(user, spent.locationId);
      await this.audit.record(context, {
        type: 'oidc_ticket_redeemed',
        userId: user.id,
        username: user.username,
        detail: { clientId: String(interaction.params.client_id), locationId: location?.id ?? null },
      });
      return await this.finish(provider, exchange, interaction, { session, user, amr, location });
    } catch (error) {
      if (error instanceof AppError) return promptPage;
      throw error;
    }
  }

  /** How long ago the session's password and code were proven, on the server's clock. */
  private sessionAgeMs(session: Selectable<SessionTable>): number {
    return this.clock.now().getTime() - Date.parse(session.created_at);
  }

  /** What the session proved; 403 when the practice requires a second factor it did not prove. */
  private async provenAmr(session: Selectable<SessionTable>, user: UserRow) {
    const amr = storedAmr(session.amr, session.second_factor === 1);
    const practice = await findPractice(this.db, user.practice_id);
    if (!amr.includes('mfa') && effectiveMode(practice, this.clock.now()) === 'required') {
      throw new AppError(
        403,
        ErrorCode.secondFactorRequired,
        'Your practice requires a verification code. Sign in again with your code.',
      );
    }
    return amr;
  }

  /** One of the user's locations, or none for a user who has none; 400 otherwise. */
  private async chosenLocation(user: UserRow, locationId: string | null): Promise<Location | null> {
    const locations = await locationsOf(this.db, user.id);
    const location = locations.find((candidate) => candidate.id === locationId) ?? null;
    if (!location && (locationId !== null || locations.length > 0)) {
      throw new AppError(400, ErrorCode.badRequest, 'Choose one of your practice locations.');
    }
    return location;
  }

  /** The one completion: the client's acr_values, then the grant and WRSAuth's login result. */
  private async finish(
    provider: Provider,
    exchange: RawExchange,
    interaction: Interaction,
    { session, user, amr, location }: ProvenSignIn,
  ): Promise<string> {
    const clientId = String(interaction.params.client_id);
    if (!(await provider.Client.find(clientId))) throw interactionNotFound();

    if (requestsSecondFactor(interaction.params.acr_values) && !amr.includes('mfa')) {
      // There is no code to ask for (no factor on file, or a policy that asks for none): the application
      // hears that its requirement could not be met, and gets no password-only sign-in.
      return provider.interactionResult(
        exchange.req,
        exchange.res,
        {
          error: 'unmet_authentication_requirements',
          error_description: 'a sign-in with a second factor could not be obtained',
        },
        { mergeWithLastSubmission: false },
      );
    }

    const grant = await grantRequested(
      new provider.Grant({ accountId: user.id, clientId }),
      interaction.params as Record<string, unknown>,
    );
    const result: WrsauthLoginResult = {
      login: {
        accountId: user.id,
        // When the password and code were proven, on the provider's clock.
        ts: Math.floor((Date.now() - this.sessionAgeMs(session)) / 1000),
        amr,
        acr: acrOf(amr),
      },
      consent: { grantId: grant.jti },
      wrsauth: { sessionId: session.id, location },
    };
    return provider.interactionResult(
      exchange.req,
      exchange.res,
      { ...result },
      { mergeWithLastSubmission: false },
    );
  }

  /**
   * The interaction the browser's own cookie names, read by the provider, and only if it is the one in the
   * path and still waits for its result. Every other case answers the same 404.
   */
  private async interaction(
    provider: Provider,
    { req, res }: RawExchange,
    uid: string,
  ): Promise<Interaction> {
    let interaction: Interaction;
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

/** A temporary password opens only the screen to choose one's own: 403. */
function refuseTemporaryPassword(user: UserRow): void {
  if (user.temporary_password_until !== null) {
    throw new AppError(
      403,
      ErrorCode.passwordChangeRequired,
      'Choose your own password first: you signed in with a temporary one.',
    );
  }
}

/**
 * Whether the request wants a password and code typed for it: prompt=login, or a max_age the sign-in is
 * older than (the provider says so as a reason when its own session is too old; a window with no provider
 * session yet has only the parameter to go by).
 */
export function demandsFreshSignIn(
  interaction: Pick<Interaction, 'params' | 'prompt'>,
  sessionAgeMs: number,
) {
  const reasons = interaction.prompt.reasons ?? [];
  if (reasons.includes('login_prompt') || reasons.includes('max_age')) return true;
  const prompt = interaction.params.prompt;
  if (typeof prompt === 'string' && prompt.split(' ').includes('login')) return true;
  const maxAge = interaction.params.max_age;
  if (maxAge === undefined || maxAge === null) return false;
  const seconds = Number(maxAge);
  return !Number.isFinite(seconds) || sessionAgeMs / 1000 >= seconds;
}
