/**
 * The practice application inside the app window (IT's practiceAppUrl), signed in by the client's own
 * sign-in: the rules as small functions, and the controller that follows the signed-in session. Electron
 * itself stays in practice-view.ts; this module sees it only through the narrow interfaces below, so Node
 * tests drive it against a real server.
 *
 * - The view may show only the practice application's origin and the WRSAuth server's (exact origins).
 * - When the application sends the view to WRSAuth's login prompt (<server>/oidc-interaction/<uid>), main
 *   asks the server for a ticket with the session token the renderer handed it (kept in memory here, never
 *   given to a page, never logged) and has the view itself post it, so the provider's interaction cookie of
 *   the view's partition comes along. One try per interaction: a ticket that cannot do it leaves the user
 *   on the prompt to sign in by typing, and nothing loops.
 * - Lock hides the view and forgets the token (the lock ended that session); Sign out and quit close it
 *   and clear the partition (cookies, storage, cache); quit also ends the WRSAuth session, which logs the
 *   application out by back-channel.
 */
import { ManagedSettings } from '../shared/managed-settings';
import { API_PREFIX } from '../shared/server-url';

/** In memory (no `persist:`): nothing of the practice application is written to disk by the session. */
export const PRACTICE_PARTITION = 'wrsauth-practice-app';

/** The height of the renderer's bar (practice name, Lock, Sign out) above the view. */
export const PRACTICE_BAR_HEIGHT = 56;

/** The two origins the view may show: the practice application's and the WRSAuth server's. */
export interface PracticeOrigins {
  practice: string;
  server: string;
}

/** The exact origin (scheme, host, port) of an http(s) URL without credentials, or undefined. */
export function httpOrigin(raw: string): string | undefined {
  if (!URL.canParse(raw)) return undefined;
  const url = new URL(raw);
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password)
    return undefined;
  return url.origin;
}

/** Whether the view may go to `raw`: only the two origins, compared exactly; anything else is refused. */
export function practiceNavigationAllowed(raw: string, origins: PracticeOrigins): boolean {
  const origin = httpOrigin(raw);
  return origin !== undefined && (origin === origins.practice || origin === origins.server);
}

/** The uid when `raw` is the server's login prompt page itself, `<server>/oidc-interaction/<uid>`. */
export function loginPromptUid(raw: string, serverOrigin: string): string | undefined {
  if (httpOrigin(raw) !== serverOrigin) return undefined;
  return /^\/oidc-interaction\/([\w-]{1,64})\/?$/.exec(new URL(raw).pathname)?.[1];
}

/** The origin only, for a log line: a refused URL may carry a query we should not copy. */
export function originForLog(raw: string): string {
  if (!URL.canParse(raw)) return '(unparseable URL)';
  const url = new URL(raw);
  return url.origin === 'null' ? `${url.protocol}//${url.host}` : url.origin;
}

/** What the renderer hands over once the location step is done. */
export interface PracticeSignIn {
  sessionToken: string;
  locationId: string | null;
}

/** The parts of Electron's Session the partition is cleared through. */
export interface PracticeStorage {
  clearStorageData(): Promise<void>;
  clearCache(): Promise<void>;
}

/**
 * Everything the partition holds: cookies (the application's and the provider's), localStorage,
 * IndexedDB, service workers, cache storage, then the HTTP cache. Run on sign-out and quit.
 */
export async function clearPracticeStorage(storage: PracticeStorage): Promise<void> {
  await storage.clearStorageData();
  await storage.clearCache();
}

/** A load of the view: a URL, and for the ticket a form body (never in the URL). */
export interface PracticeLoad {
  url: string;
  form?: Record<string, string>;
}

/** The view as the controller uses it (practice-view.ts makes one from a WebContentsView). */
export interface PracticeView {
  load(request: PracticeLoad): void;
  setVisible(visible: boolean): void;
  /** Takes it out of the window and closes its web contents. */
  destroy(): void;
}

export interface PracticeViewEvents {
  /** Every main-frame navigation, where it landed; settles once any ticket for it has been loaded. */
  navigated(url: string): Promise<void>;
  /** The user typed, clicked or scrolled in the view: the idle lock counts that as activity. */
  input(): void;
}

/** What staff read when IT named no application. */
export const DEFAULT_PRACTICE_APP_NAME = 'the practice application';

export interface PracticeAppOptions {
  /** IT's practiceAppUrl now; undefined: no practice application, the signed-in screen as ever. */
  practiceAppUrl: () => string | undefined;
  /** IT's practiceAppName now. */
  practiceAppName?: () => string | undefined;
  /** The WRSAuth server in use, or undefined when there is none. */
  serverUrl: () => string | undefined;
  /** Makes the view, hardened with these origins, telling `events` what happens in it. */
  createView: (origins: PracticeOrigins, events: PracticeViewEvents) => PracticeView;
  storage: PracticeStorage;
  /** HTTP to the server (Electron's net.fetch; Node's fetch in tests). */
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  log?: (line: string) => void;
}

export class PracticeAppController {
  private view: PracticeView | undefined;
  private signIn: PracticeSignIn | undefined;
  private origins: PracticeOrigins | undefined;
  /** Interactions a ticket was already tried for: the prompt then stays for typing. */
  private readonly ticketTried = new Set<string>();
  private readonly log: (line: string) => void;
  private lastInput: number | null = null;

  constructor(private readonly options: PracticeAppOptions) {
    this.log = options.log ?? ((line) => console.warn(line));
  }

  /**
   * Shows the practice application for this sign-in (creating the view the first time); false when IT set
   * none or there is no server, so the renderer keeps its own signed-in screen.
   */
  async open(signIn: PracticeSignIn): Promise<boolean> {
    const practiceUrl = this.options.practiceAppUrl();
    const serverUrl = this.options.serverUrl();
    const practice = practiceUrl === undefined ? undefined : httpOrigin(practiceUrl);
    const server = serverUrl === undefined ? undefined : httpOrigin(serverUrl);
    if (!practiceUrl || !practice || !server) {
      if (this.view) await this.close();
      return false;
    }
    if (this.view && (this.origins?.practice !== practice || this.origins.server !== server)) {
      // IT moved the application or the server: start over in a clean partition.
      await this.close();
    }
    this.signIn = signIn;
    if (!this.view) {
      this.origins = { practice, server };
      this.view = this.options.createView(this.origins, {
        navigated: (url) => this.navigated(url),
        input: () => {
          this.lastInput = Date.now();
        },
      });
      this.view.load({ url: practiceUrl });
    }
    this.view.setVisible(true);
    return true;
  }

  /** The application the renderer would open, by name; null when there is none to open. */
  describe(): { name: string } | null {
    const practiceUrl = this.options.practiceAppUrl();
    const serverUrl = this.options.serverUrl();
    if (!practiceUrl || !httpOrigin(practiceUrl) || !serverUrl || !httpOrigin(serverUrl)) return null;
    return { name: this.options.practiceAppName?.() ?? DEFAULT_PRACTICE_APP_NAME };
  }

  /** Whether quitting has work to do here: a view to close, or a session to end. */
  busy(): boolean {
    return this.view !== undefined || this.signIn !== undefined;
  }

  /** When the user last used the view (epoch ms), or null: the renderer's idle lock cannot see it. */
  lastInputAt(): number | null {
    return this.lastInput;
  }

  /** The user went to WRSAuth's own screens (My settings): the view hides, the sign-in stays. */
  hide(): void {
    this.view?.setVisible(false);
  }

  /** The idle lock (or a manual one) ended the session: the view hides and the token is forgotten. */
  lock(): void {
    this.hide();
    this.signIn = undefined;
  }

  /** Sign out, or the session ended: the view closes and the partition is cleared. */
  async close(): Promise<void> {
    this.signIn = undefined;
    this.ticketTried.clear();
    this.lastInput = null;
    const view = this.view;
    this.view = undefined;
    this.origins = undefined;
    view?.destroy();
    await clearPracticeStorage(this.options.storage);
  }

  /**
   * Quitting: as sign out, and the WRSAuth session this client still holds is ended at the server too (the
   * renderer has no chance to), which logs the application out by back-channel.
   */
  async quit(): Promise<void> {
    const signIn = this.signIn;
    await this.close();
    const serverUrl = this.options.serverUrl();
    if (!signIn || !serverUrl) return;
    try {
      const answer = await this.options.fetch(new URL(`${API_PREFIX}/auth/logout`, serverUrl).href, {
        method: 'POST',
        headers: { authorization: `Bearer ${signIn.sessionToken}` },
      });
      if (answer.status !== 204) this.log(`[practice] sign-out at quit answered ${answer.status}`);
    } catch (error) {
      this.log(`[practice] could not sign out at quit: ${error instanceof Error ? error.name : 'error'}`);
    }
  }

  /** A main-frame navigation of the view: on WRSAuth's login prompt, the ticket (once per interaction). */
  private async navigated(url: string): Promise<void> {
    const origins = this.origins;
    const signIn = this.signIn;
    const uid = origins && loginPromptUid(url, origins.server);
    if (!uid || !signIn || this.ticketTried.has(uid)) return;
    this.ticketTried.add(uid);
    const ticket = await this.requestTicket(origins.server, uid, signIn);
    // Signed out or locked while asking: the ticket is not used.
    if (!ticket || this.signIn !== signIn || !this.view) return;
    this.view.load({
      url: `${origins.server}/oidc-interaction/${encodeURIComponent(uid)}/ticket`,
      form: { ticket },
    });
  }

  /** A ticket for this interaction, or undefined (the user then signs in on the prompt by typing). */
  private async requestTicket(server: string, uid: string, signIn: PracticeSignIn) {
    try {
      const answer = await this.options.fetch(`${server}${API_PREFIX}/oidc/tickets`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${signIn.sessionToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ interactionUid: uid, locationId: signIn.locationId }),
      });
      if (answer.status !== 201) {
        const body = (await answer.json().catch(() => ({}))) as { error?: unknown };
        this.log(`[practice] no ticket for the login prompt: ${answer.status} ${String(body.error ?? '')}`);
        return undefined;
      }
      const { ticket } = (await answer.json()) as { ticket?: unknown };
      return typeof ticket === 'string' && ticket.length > 0 ? ticket : undefined;
    } catch (error) {
      this.log(`[practice] could not ask for a ticket: ${error instanceof Error ? error.name : 'error'}`);
      return undefined;
    }
  }
}

/** The events of Electron's WebContents that hardenPracticeContents listens to. */
type NavigationEvent = { url: string; preventDefault(): void };
export interface PracticeContentsEvents {
  on(
    event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect',
    listener: (event: NavigationEvent) => void,
  ): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/**
 * Keeps the view on the two origins: navigation, redirects and frames elsewhere are refused and logged (the
 * origin only), no <webview>, and no new windows at all (a link meant for one does nothing).
 */
export function hardenPracticeContents(
  contents: PracticeContentsEvents,
  origins: PracticeOrigins,
  log: (line: string) => void = (line) => console.warn(line),
): void {
  const guard = (event: NavigationEvent) => {
    if (practiceNavigationAllowed(event.url, origins)) return;
    event.preventDefault();
    log(`[practice] refused navigation to ${originForLog(event.url)}`);
  };
  contents.on('will-navigate', guard);
  contents.on('will-frame-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    log(`[practice] refused a new window for ${originForLog(url)}`);
    return { action: 'deny' };
  });
}

/**
 * Development runs only (`npm start`, the _electron suite): WRSAUTH_PRACTICE_APP_URL and _NAME stand in
 * where IT sets nothing, checked like the managed settings. An installed app ignores them, as it ignores
 * WRSAUTH_SERVER_URL: a user's environment must not point the window at another site.
 */
export function developmentPracticeApp(
  env: Record<string, string | undefined>,
  isPackaged: boolean,
): Pick<ManagedSettings, 'practiceAppUrl' | 'practiceAppName'> {
  if (isPackaged) return {};
  const parsed = ManagedSettings.pick({ practiceAppUrl: true, practiceAppName: true }).safeParse({
    practiceAppUrl: env.WRSAUTH_PRACTICE_APP_URL || undefined,
    practiceAppName: env.WRSAUTH_PRACTICE_APP_NAME || undefined,
  });
  if (!parsed.success) {
    console.warn('[practice] ignoring WRSAUTH_PRACTICE_APP_URL/_NAME: not a valid practice application');
    return {};
  }
  return parsed.data;
}
