/** Sessions (AAL2: 30 min idle, 12 h in all) and trusted-device tokens. Only token hashes are stored. */
import type { Selectable } from 'kysely';
import { withinAccountDates } from '../../src/shared/account-dates';
import type { Authenticated } from '../../src/shared/api';
import { addSeconds, type Clock } from '../clock';
import type { Db } from '../db/database';
import type { SessionTable, UserRow } from '../db/schema';
import { unauthorized } from '../errors';
import {
  findLiveSession,
  findLiveSessionById,
  findTrustedDevice,
  insertSession,
  insertTrustedDevice,
  revokeSession,
  touchSession,
  touchTrustedDevice,
} from '../repositories/sessions';
import { findUserWithTimeZone, locationsOf, toApiUser } from '../repositories/users';
import { hashToken, newSortableId, newToken } from '../secrets';
import type { AuthenticationMethod } from './authentication-methods';

type SessionRow = Selectable<SessionTable>;
/** What a session's answer names of its user. */
type SessionUser = Parameters<typeof toApiUser>[0];

/** Who a live session is: the session and its active user. The routes' guard keeps one per request. */
export interface Principal {
  session: SessionRow;
  user: UserRow;
}

export const SESSION_IDLE_SECONDS = 30 * 60;
export const SESSION_MAX_SECONDS = 12 * 60 * 60;
/** Sliding the idle timer needs a write; once a minute is precise enough and spares the database. */
const TOUCH_EVERY_SECONDS = 60;

export class SessionService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /**
   * Starts a session; `amr` says what the sign-in proved (RFC 8176). With `mfa` in it, the session passed a
   * second factor, which the console needs.
   */
  async start(
    user: SessionUser,
    executor: Db = this.db,
    amr: readonly AuthenticationMethod[] = ['pwd'],
  ): Promise<Omit<Authenticated, 'status'>> {
    const now = this.clock.now();
    const { token, hash } = newToken();
    const expiresAt = addSeconds(now, SESSION_MAX_SECONDS).toISOString();
    await insertSession(executor, {
      id: newSortableId(now),
      token_hash: hash,
      user_id: user.id,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: expiresAt,
      revoked_at: null,
      second_factor: amr.includes('mfa') ? 1 : 0,
      amr: amr.join(' '),
    });
    return { sessionToken: token, expiresAt, ...(await this.describe(user, executor)) };
  }

  async describe(user: SessionUser, executor: Db = this.db) {
    return { user: toApiUser(user), locations: await locationsOf(executor, user.id) };
  }

  /**
   * The live session and its active user for a bearer token, or 401. A user outside their start and end
   * dates (read in the practice's time zone, now) has no live session: an end date that passed at midnight
   * ends it on the next request, before any sweep.
   */
  async authenticate(token: string | undefined) {
    if (!token) throw unauthorized();
    const now = this.clock.now();
    return this.live(await findLiveSession(this.db, hashToken(token), now), now);
  }

  /**
   * The same checks for a session known by its id (a desktop ticket names one): live, not idle too long,
   * its user active and within their dates. 401 otherwise.
   */
  async authenticateById(sessionId: string) {
    const now = this.clock.now();
    return this.live(await findLiveSessionById(this.db, sessionId, now), now);
  }

  private async live(session: SessionRow | undefined, now: Date): Promise<Principal> {
    if (!session || addSeconds(new Date(session.last_seen_at), SESSION_IDLE_SECONDS) <= now)
      throw unauthorized();
    const found = await findUserWithTimeZone(this.db, { id: session.user_id });
    if (!found?.user.active) throw unauthorized();
    const { user, timeZone } = found;
    if (!withinAccountDates({ startDate: user.start_date, endDate: user.end_date }, timeZone, now))
      throw unauthorized();
    if (addSeconds(new Date(session.last_seen_at), TOUCH_EVERY_SECONDS) <= now) {
      await touchSession(this.db, session.id, now);
    }
    return { session, user };
  }

  /** Whether a session (by id) is live: not revoked, within its 12 hours, and not idle for 30 minutes. */
  async isActive(sessionId: string): Promise<boolean> {
    const now = this.clock.now();
    const session = await findLiveSessionById(this.db, sessionId, now);
    return session !== undefined && addSeconds(new Date(session.last_seen_at), SESSION_IDLE_SECONDS) > now;
  }

  async end(sessionId: string): Promise<void> {
    await revokeSession(this.db, sessionId, this.clock.now());
  }

  async rememberDevice(
    userId: string,
    name: string,
    rememberDays: number,
    executor: Db = this.db,
  ): Promise<string> {
    const now = this.clock.now();
    const { token, hash } = newToken();
    await insertTrustedDevice(executor, {
      id: newSortableId(now),
      token_hash: hash,
      user_id: userId,
      name,
      created_at: now.toISOString(),
      last_used_at: now.toISOString(),
      expires_at: addSeconds(now, rememberDays * 86_400).toISOString(),
      revoked_at: null,
    });
    return token;
  }

  /** The device behind a token, only if it is live and belongs to this same user. */
  deviceFor(userId: string, token: string) {
    return findTrustedDevice(this.db, hashToken(token), userId, this.clock.now());
  }

  /** Marks a device as used by a sign-in it vouched for. */
  deviceUsed(id: string): Promise<void> {
    return touchTrustedDevice(this.db, id, this.clock.now());
  }
}
