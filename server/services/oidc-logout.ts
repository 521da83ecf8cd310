/**
 * Logout for "Login with WRSAuth" (OpenID Connect RP-Initiated Logout 1.0 and Back-Channel Logout 1.0).
 *
 * A WRSAuth sign-in that completed a login prompt is linked to the browser's provider session
 * (oidc_sign_in_links). When that WRSAuth session ends, for whatever reason (the user signs out or locks, an
 * account manager deactivates them, resets their 2FA or ends their sessions, a password change or reset, the
 * end date, the 12-hour limit), a sweep that runs every second on every instance finds it:
 * - the provider session ends with it, and every grant it made is revoked with its tokens (refresh tokens
 *   die with the sign-in), so single sign-on asks for a password again;
 * - every application the sign-in reached that registered a back-channel logout URI is owed a logout token.
 * An application's own RP-initiated logout (end_session) ends the WRSAuth session in turn.
 *
 * Logout tokens are made and signed by oidc-provider (`Client#backchannelLogout`), never by this code. What
 * this code owns is delivery: each one owed is a row, attempted at once and then retried with backoff until
 * delivered or given up, every outcome audited. oidc-provider's outbound `fetch` is replaced by one that
 * calls exactly the back-channel logout URIs account managers registered, whatever their address (a practice
 * application often sits on its own LAN, which the library's default guard against server-side request
 * forgery refuses), and nothing else.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type Provider from 'oidc-provider';
import type { Logger } from 'pino';
import { Agent, request } from 'undici';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import type { OidcLogoutDeliveryRow } from '../db/schema';
import { enabledBackchannelUris, findEnabledClient } from '../repositories/oidc-clients';
import {
  claimDelivery,
  claimLink,
  deleteLink,
  deleteSettledDeliveries,
  dueDeliveries,
  type EndedLink,
  endedLinks,
  insertDelivery,
  settleDelivery,
} from '../repositories/oidc-logouts';
import { hashToken, newSortableId } from '../secrets';
import type { AuditLog, RequestContext } from './audit-log';
import type { OidcStorage, ReachedApplication } from './oidc-storage';
import type { SessionService } from './sessions';

/** How often every instance looks for sign-ins that ended and logout tokens that are due. */
export const LOGOUT_EVERY_MS = 1_000;

/**
 * Seconds to wait before each retry of a failed delivery; after the last, it is given up (about 3.5 hours
 * of trying). A logout token lives 2 minutes, so each attempt carries a fresh one.
 */
export const RETRY_AFTER_SECONDS = [5, 15, 60, 300, 900, 1800, 3600, 3600] as const;

/** How long one instance holds a sign-in it is ending, or a delivery it is attempting. */
const CLAIM_SECONDS = 30;
/** Settled deliveries are kept this long for reading (the audit trail keeps every outcome for good). */
const KEEP_SETTLED_DAYS = 30;
/** Logout POSTs give up on a silent application after this long (as oidc-provider's own fetch does). */
const DELIVERY_TIMEOUT_MS = 2_500;
const BATCH = 100;

const SERVER_CONTEXT: RequestContext = { ip: null, userAgent: 'wrsauth-server' };

export type LogoutCause = 'session_revoked' | 'session_expired' | 'rp_initiated';

export interface OidcLogoutOptions {
  db: Db;
  clock: Clock;
  storage: OidcStorage;
  audit: AuditLog;
  sessions: SessionService;
  log: Logger;
  /** The current Provider (OidcProviderHost#provider), which signs the logout tokens. */
  provider: () => Promise<Provider>;
  /** Tests shorten the backoff. */
  retryAfterSeconds?: readonly number[];
}

/** oidc-provider's Client signs and POSTs a logout token (its typings leave the method out). */
interface BackchannelClient {
  backchannelLogout(sub: string, sid: string | undefined): Promise<void>;
}

/** A delivery that will never succeed (the application was disabled, or dropped its URI): no retry. */
class Undeliverable extends Error {}

export class OidcLogoutService {
  /** Set while this service itself delivers: only then does the provider's fetch reach the network. */
  private readonly delivering = new AsyncLocalStorage<true>();
  /** A plain dispatcher, without oidc-provider's special-use address guard: the URIs are checked instead. */
  private readonly agent = new Agent({ connect: { timeout: DELIVERY_TIMEOUT_MS } });
  private readonly retryAfter: readonly number[];

  constructor(private readonly options: OidcLogoutOptions) {
    this.retryAfter = options.retryAfterSeconds ?? RETRY_AFTER_SECONDS;
  }

  /**
   * oidc-provider's `fetch` option. Its only outbound requests here are back-channel logout POSTs (dynamic
   * registration, request_uri, sector identifiers and remote client JWKS are all off). Made by this service's
   * deliveries, they go out, to a registered back-channel logout URI only. Made by the provider's own
   * end_session, they are answered as accepted without a network call: the same applications are owed their
   * tokens through the durable deliveries (see endedByApplication), which retry where the provider would not.
   */
  readonly outboundFetch = async (
    url: string | URL,
    init: { headers?: ConstructorParameters<typeof Headers>[0]; body?: unknown },
  ): Promise<Response> => {
    const target = new URL(String(url)).href;
    const registered = await enabledBackchannelUris(this.options.db);
    if (!registered.some((uri) => new URL(uri).href === target)) {
      throw new Error(`refused an outbound request to ${target}: not a registered back-channel logout URI`);
    }
    if (!this.delivering.getStore()) return new Response(null, { status: 204 });
    const answer = await request(target, {
      method: 'POST',
      headers: Object.fromEntries(new Headers(init.headers)),
      body: String(init.body),
      dispatcher: this.agent,
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    await answer.body.dump();
    return new Response(null, { status: answer.statusCode });
  };

  /**
   * The sweep: ends the provider sessions of WRSAuth sign-ins that are over, then attempts the deliveries
   * that are due. Idle time alone does not end a sign-in here: the user may be busy in the application, which
   * the WRSAuth session does not see (the desktop client's idle lock, which does end it, covers shared
   * workstations); single sign-on from an idle sign-in asks for the password again (OidcProviderHost).
   */
  async sweep(): Promise<Record<string, number>> {
    const signInsEnded = await this.endSignIns();
    const delivery = await this.deliverDue();
    const settledForgotten = await deleteSettledDeliveries(
      this.options.db,
      new Date(this.options.clock.now().getTime() - KEEP_SETTLED_DAYS * 86_400_000),
    );
    return { signInsEnded, ...delivery, settledForgotten };
  }

  /** Ends the provider session of each WRSAuth sign-in that is over; answers how many it ended. */
  async endSignIns(): Promise<number> {
    const { db, clock } = this.options;
    const now = clock.now();
    let ended = 0;
    for (const link of await endedLinks(db, now, BATCH)) {
      if (!(await claimLink(db, link, now, new Date(now.getTime() + CLAIM_SECONDS * 1000)))) continue;
      if (await this.endLinked(link)) ended += 1;
      await deleteLink(db, link);
    }
    return ended;
  }

  /**
   * RP-initiated logout: oidc-provider has ended the browser's provider session and would have told the
   * applications by back-channel; here they are owed their tokens durably, every grant is revoked (the
   * provider keeps offline_access ones past a logout, WRSAuth does not), and the WRSAuth sign-in behind the
   * provider session ends too, which ends it in the desktop client as well.
   */
  async endedByApplication(
    ended: {
      sessionUid: string;
      accountId?: string;
      reached: ReachedApplication[];
      grantIds: string[];
      clientId?: string;
    },
    context: RequestContext,
  ): Promise<void> {
    const { storage, sessions, db } = this.options;
    for (const grantId of ended.grantIds) await storage.revokeGrant(grantId);
    const signIn = await storage.signInOf(ended.sessionUid);
    if (signIn) {
      await sessions.end(signIn.sessionId);
      await deleteLink(db, { session_id: signIn.sessionId, session_uid_hash: hashToken(ended.sessionUid) });
    }
    await storage.forgetSignIn(ended.sessionUid);
    const userId = ended.accountId ?? signIn?.userId;
    if (!userId) return;
    const owed = await this.owe(userId, ended.reached, 'rp_initiated');
    await this.options.audit.record(context, {
      type: 'oidc_logout',
      userId,
      detail: {
        cause: 'rp_initiated',
        clientId: ended.clientId ?? null,
        applications: ended.reached.length,
        backchannelLogouts: owed,
      },
    });
  }

  /**
   * Whether the WRSAuth sign-in behind a provider session is still going, idle time included: single sign-on
   * answers silently only then, and otherwise asks for the password and code again.
   */
  async signInActive(sessionUid: string): Promise<boolean> {
    const signIn = await this.options.storage.signInOf(sessionUid);
    return signIn !== undefined && (await this.options.sessions.isActive(signIn.sessionId));
  }

  /** Attempts every delivery that is due once; answers what became of them. */
  async deliverDue(): Promise<{ delivered: number; retrying: number; givenUp: number }> {
    const { db, clock } = this.options;
    const counts = { delivered: 0, retrying: 0, givenUp: 0 };
    const now = clock.now();
    for (const row of await dueDeliveries(db, now, BATCH)) {
      if (!(await claimDelivery(db, row, new Date(now.getTime() + CLAIM_SECONDS * 1000)))) continue;
      counts[await this.attempt({ ...row, attempts: row.attempts + 1 })] += 1;
    }
    return counts;
  }

  /** One attempt: a fresh logout token from the provider, POSTed; the outcome settled and audited. */
  private async attempt(row: OidcLogoutDeliveryRow): Promise<'delivered' | 'retrying' | 'givenUp'> {
    const { db, clock, audit } = this.options;
    const detail = { clientId: row.client_id, cause: row.cause, attempt: row.attempts };
    try {
      const provider = await this.options.provider();
      const client = await provider.Client.find(row.client_id);
      if (!client?.backchannelLogoutUri) {
        throw new Undeliverable('the application is disabled or no longer has a back-channel logout URI');
      }
      const logoutOf = client as unknown as BackchannelClient;
      await this.delivering.run(true, () => logoutOf.backchannelLogout(row.user_id, row.sid ?? undefined));
    } catch (error) {
      const reason = describeFailure(error);
      const retryIn = this.retryAfter[row.attempts - 1];
      const now = clock.now();
      const giveUp = error instanceof Undeliverable || retryIn === undefined;
      await settleDelivery(
        db,
        row.id,
        giveUp
          ? { gaveUpAt: now, error: reason }
          : { retryAt: new Date(now.getTime() + retryIn * 1000), error: reason },
      );
      await audit.record(SERVER_CONTEXT, {
        type: 'oidc_backchannel_logout_failed',
        userId: row.user_id,
        detail: { ...detail, error: reason, retryInSeconds: giveUp ? null : retryIn, givenUp: giveUp },
      });
      if (giveUp) {
        this.options.log.warn(
          { clientId: row.client_id, attempts: row.attempts, error: reason },
          'oidc: gave up a back-channel logout; the application may still hold a session for this user',
        );
      }
      return giveUp ? 'givenUp' : 'retrying';
    }
    await settleDelivery(db, row.id, { deliveredAt: clock.now() });
    await audit.record(SERVER_CONTEXT, {
      type: 'oidc_backchannel_logout_delivered',
      userId: row.user_id,
      detail,
    });
    return 'delivered';
  }

  /**
   * Ends the provider session a WRSAuth session signed in, if that session is still the one it holds (the
   * browser may have signed in again since, with another WRSAuth session, which this must not end).
   */
  private async endLinked(link: EndedLink): Promise<boolean> {
    const { storage, audit } = this.options;
    const signIn = await storage.signInByUidHash(link.session_uid_hash);
    if (signIn?.sessionId !== link.session_id) return false;
    const reached = await storage.endProviderSession(link.session_uid_hash);
    const cause: LogoutCause = link.revoked_at ? 'session_revoked' : 'session_expired';
    const owed = await this.owe(link.user_id, reached, cause);
    await audit.record(SERVER_CONTEXT, {
      type: 'oidc_logout',
      userId: link.user_id,
      detail: { cause, applications: reached.length, backchannelLogouts: owed },
    });
    return true;
  }

  /** A delivery owed to each reached application that registered a back-channel logout URI. */
  private async owe(userId: string, reached: ReachedApplication[], cause: LogoutCause): Promise<number> {
    const { db, clock } = this.options;
    let owed = 0;
    for (const { clientId, sid } of reached) {
      const client = await findEnabledClient(db, clientId);
      if (!client?.backchannel_logout_uri) continue;
      const now = clock.now();
      await insertDelivery(
        db,
        { id: newSortableId(now), client_id: clientId, user_id: userId, sid, cause },
        now,
      );
      owed += 1;
    }
    return owed;
  }
}

/** What a failed attempt met, for the audit trail and the row: a status or a network error, never a token. */
function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${message}${cause}`.slice(0, 300);
}
