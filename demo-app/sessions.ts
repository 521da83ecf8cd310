/**
 * The demo application's own sessions: a random id in an httpOnly cookie maps to an entry in memory. They end
 * when the user signs out here, when WRSAuth's back-channel logout names them, or after 12 hours (no longer
 * than a WRSAuth sign-in), and all of them end when the process stops: it is a demo.
 */
import { randomBytes } from 'node:crypto';

/** What the application keeps of a sign-in: what its page shows, and what logout needs. */
export interface SignedInUser {
  sub: string;
  /** The provider session id from the ID token; absent when the provider does not send one. */
  sid?: string;
  name: string;
  locationName?: string;
  amr: string[];
  acr?: string;
  /** Kept (in memory only) for the id_token_hint of RP-initiated logout. */
  idToken?: string;
}

/** An authorization request on its way: what the callback must match. */
export interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface DemoSession {
  id: string;
  /** Sent back by the sign-out form: a cross-site page cannot sign the user out. */
  csrfToken: string;
  expiresAt: number;
  pending?: PendingLogin;
  user?: SignedInUser;
  /** WRSAuth said by back-channel that this sign-in ended; the next page says so once. */
  endedByProvider?: boolean;
}

export const SESSION_COOKIE = 'demo_session';
const SESSION_MS = 12 * 60 * 60 * 1000;
/** A bound on memory: a flood of Login presses evicts the oldest entries, never grows without end. */
const MAX_SESSIONS = 10_000;

const newId = () => randomBytes(32).toString('base64url');

export class SessionStore {
  private readonly sessions = new Map<string, DemoSession>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The live session a cookie names, if any. */
  find(id: string | undefined): DemoSession | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  create(): DemoSession {
    while (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    const session: DemoSession = { id: newId(), csrfToken: newId(), expiresAt: this.now() + SESSION_MS };
    this.sessions.set(session.id, session);
    return session;
  }

  /** A signed-in session gets a new id, so an id planted before sign-in (session fixation) is worth nothing. */
  signIn(previous: DemoSession, user: SignedInUser): DemoSession {
    this.sessions.delete(previous.id);
    const session = this.create();
    session.user = user;
    return session;
  }

  end(id: string): void {
    this.sessions.delete(id);
  }

  /**
   * Back-channel logout: marks every signed-in session of that WRSAuth sign-in as ended. A session is named by
   * its `sid`; when the token carries no sid, or the session never learned one, by `sub`. Answers how many.
   */
  endByProvider(subject: { sub?: string; sid?: string }): number {
    let ended = 0;
    for (const session of this.sessions.values()) {
      const user = session.user;
      if (!user) continue;
      const bySid = subject.sid !== undefined && user.sid === subject.sid;
      const bySub =
        subject.sub !== undefined && user.sub === subject.sub && (subject.sid === undefined || !user.sid);
      if (bySid || bySub) {
        session.user = undefined;
        session.endedByProvider = true;
        ended += 1;
      }
    }
    return ended;
  }
}
