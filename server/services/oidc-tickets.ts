/**
 * Desktop tickets: how the desktop client's own sign-in completes the login prompt its practice-application
 * window lands on, with no second password and without ever handing its session token to a page.
 *
 * The client's main process asks for a ticket with its Bearer session (POST /api/v1/oidc/tickets) and has the
 * window itself post it to /oidc-interaction/<uid>/ticket, so the provider's interaction cookie of that
 * window's partition comes with it. A ticket is a random bearer value kept only as its SHA-256, good once, for
 * 60 seconds, for that interaction, that session and that location: stolen, it opens nothing else.
 */
import { addSeconds, type Clock } from '../clock';
import type { Db } from '../db/database';
import { deleteExpiredOidcTickets, insertOidcTicket, spendOidcTicket } from '../repositories/oidc-tickets';
import { hashToken, newToken } from '../secrets';

export const OIDC_TICKET_SECONDS = 60;

/** What a spent ticket stood for. */
export interface SpentOidcTicket {
  sessionId: string;
  locationId: string | null;
}

export class OidcTicketService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** A new ticket for a sign-in already checked by the caller; the ticket itself is returned, never stored. */
  async issue(binding: { interactionUid: string } & SpentOidcTicket) {
    const now = this.clock.now();
    const { token, hash } = newToken();
    const expiresAt = addSeconds(now, OIDC_TICKET_SECONDS).toISOString();
    await insertOidcTicket(this.db, {
      token_hash: hash,
      interaction_uid: binding.interactionUid,
      session_id: binding.sessionId,
      location_id: binding.locationId,
      created_at: now.toISOString(),
      expires_at: expiresAt,
      used_at: null,
    });
    return { ticket: token, expiresAt };
  }

  /** Spends a ticket for this interaction: what it stood for, or undefined (unknown, used, expired, elsewhere). */
  async spend(ticket: string, interactionUid: string): Promise<SpentOidcTicket | undefined> {
    const row = await spendOidcTicket(this.db, hashToken(ticket), interactionUid, this.clock.now());
    return row && { sessionId: row.session_id, locationId: row.location_id };
  }

  /** The sweep: tickets past their minute, spent or not. */
  deleteExpired(): Promise<number> {
    return deleteExpiredOidcTickets(this.db, this.clock.now());
  }
}
