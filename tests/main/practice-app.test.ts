/**
 * The practice application in the window (src/main/practice-app.ts), under Node: the navigation rules, the
 * ticket exchange against a real server on loopback (the view's partition played by a cookie-keeping
 * browser, the relying party by openid-client), and what lock, sign-out and quit leave behind.
 */
import * as oidc from 'openid-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLI_CONTEXT } from '../../server/services/audit-log';
import {
  DEFAULT_PRACTICE_APP_NAME,
  developmentPracticeApp,
  hardenPracticeContents,
  loginPromptUid,
  PracticeAppController,
  type PracticeContentsEvents,
  type PracticeLoad,
  type PracticeOrigins,
  type PracticeViewEvents,
  practiceNavigationAllowed,
} from '../../src/main/practice-app';
import { CookieBrowser } from '../support/oidc-browser';
import { authorizationRequest } from '../support/oidc-relying-party';
import { createUser, startTestServer, type TestServer } from '../support/test-server';
import { FakeWebContents } from './fake-electron';

const PRACTICE = 'https://practice.example';
const ORIGINS: PracticeOrigins = { practice: PRACTICE, server: 'https://auth.practice.example:8443' };

describe('the view goes only to the practice application and the WRSAuth server', () => {
  it.each([
    'https://practice.example/',
    'https://practice.example/charts?patient=1',
    'https://auth.practice.example:8443/oidc/auth?client_id=x',
    'https://auth.practice.example:8443/oidc-interaction/abc',
  ])('allows %s', (url) => {
    expect(practiceNavigationAllowed(url, ORIGINS)).toBe(true);
  });

  it.each([
    ['another site', 'https://evil.example/'],
    ['a look-alike host', 'https://practice.example.evil.example/'],
    ['a subdomain', 'https://www.practice.example/'],
    ['plain http on the same host', 'http://practice.example/'],
    ['another port of the server', 'https://auth.practice.example/'],
    ['credentials in the URL', 'https://user:pw@practice.example/'],
    ['a file', 'file:///etc/passwd'],
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:text/html,<p>hi</p>'],
    ['about:blank', 'about:blank'],
    ['the app itself', 'app://wrsauth/index.html'],
    ['nonsense', 'not a url'],
  ])('refuses %s', (_what, url) => {
    expect(practiceNavigationAllowed(url, ORIGINS)).toBe(false);
  });

  it('refuses navigation, redirects and frames elsewhere and any new window, logging the origin only', () => {
    const contents = new FakeWebContents();
    const logs: string[] = [];
    hardenPracticeContents(contents as unknown as PracticeContentsEvents, ORIGINS, (line) => logs.push(line));
    const attempt = (event: string, url: string) => {
      let prevented = false;
      contents.emit(event, {
        url,
        preventDefault: () => {
          prevented = true;
        },
      });
      return !prevented;
    };

    expect(attempt('will-navigate', 'https://practice.example/next')).toBe(true);
    expect(attempt('will-redirect', 'https://auth.practice.example:8443/oidc/auth')).toBe(true);
    expect(attempt('will-navigate', 'https://evil.example/steal?record=123')).toBe(false);
    expect(attempt('will-redirect', 'https://evil.example/')).toBe(false);
    expect(attempt('will-frame-navigate', 'https://ads.example/frame')).toBe(false);
    expect(attempt('will-attach-webview', 'https://practice.example/')).toBe(false);
    expect(contents.windowOpenHandler?.({ url: 'https://practice.example/print' })).toEqual({
      action: 'deny',
    });
    expect(logs).toEqual([
      '[practice] refused navigation to https://evil.example',
      '[practice] refused navigation to https://evil.example',
      '[practice] refused navigation to https://ads.example',
      '[practice] refused a new window for https://practice.example',
    ]);
  });

  it("recognises the server's login prompt page, and nothing else, as a place for a ticket", () => {
    const server = ORIGINS.server;
    expect(loginPromptUid(`${server}/oidc-interaction/Ab_3-x`, server)).toBe('Ab_3-x');
    expect(loginPromptUid(`${server}/oidc-interaction/Ab_3-x/details`, server)).toBeUndefined();
    expect(loginPromptUid(`${PRACTICE}/oidc-interaction/Ab_3-x`, server)).toBeUndefined();
    expect(loginPromptUid(`${server}/oidc/auth/Ab_3-x`, server)).toBeUndefined();
  });
});

describe('where the practice application comes from besides IT', () => {
  const env = {
    WRSAUTH_PRACTICE_APP_URL: 'http://127.0.0.1:4581/',
    WRSAUTH_PRACTICE_APP_NAME: 'Demo practice',
  };

  it('a development run takes WRSAUTH_PRACTICE_APP_URL and _NAME, checked like the managed settings', () => {
    expect(developmentPracticeApp(env, false)).toEqual({
      practiceAppUrl: 'http://127.0.0.1:4581/',
      practiceAppName: 'Demo practice',
    });
    expect(developmentPracticeApp({ WRSAUTH_PRACTICE_APP_URL: 'http://practice.example/' }, false)).toEqual(
      {},
    );
  });

  it('an installed app ignores them: a user’s environment cannot point the window elsewhere', () => {
    expect(developmentPracticeApp(env, true)).toEqual({});
  });
});

/** The view as the controller sees it: what it was asked to load, shown or not, destroyed or not. */
class RecordingView {
  readonly loads: PracticeLoad[] = [];
  visible = false;
  destroyed = false;
  load(request: PracticeLoad) {
    this.loads.push(request);
  }
  setVisible(visible: boolean) {
    this.visible = visible;
  }
  destroy() {
    this.destroyed = true;
  }
}

/** Stands in for Electron's Session of the partition: counts the clearing calls, in order. */
class RecordingStorage {
  readonly calls: string[] = [];
  async clearStorageData() {
    this.calls.push('clearStorageData');
  }
  async clearCache() {
    this.calls.push('clearCache');
  }
}

describe('the ticket exchange, against a real server', () => {
  const REDIRECT = 'http://127.0.0.1:4581/callback';
  const PRACTICE_URL = 'http://127.0.0.1:4581/';
  let t: TestServer;
  let practiceApp: oidc.Configuration;
  let phone = 70;
  let practiceAppUrl: string | undefined;
  let views: Array<{ view: RecordingView; origins: PracticeOrigins; events: PracticeViewEvents }>;
  let storage: RecordingStorage;
  let logs: string[];
  let controller: PracticeAppController;

  beforeAll(async () => {
    t = await startTestServer();
    const { clientId, clientSecret } = await t.server.services.relyingParties.register(
      { name: 'Practice app', redirectUris: [REDIRECT] },
      CLI_CONTEXT,
    );
    practiceApp = await oidc.discovery(
      new URL(`${t.url}/oidc`),
      clientId,
      undefined,
      oidc.ClientSecretBasic(clientSecret as string),
      { execute: [oidc.allowInsecureRequests] },
    );
  });
  afterAll(() => t.close());

  beforeEach(() => {
    practiceAppUrl = PRACTICE_URL;
    views = [];
    storage = new RecordingStorage();
    logs = [];
    controller = new PracticeAppController({
      practiceAppUrl: () => practiceAppUrl,
      serverUrl: () => t.url,
      createView: (origins, events) => {
        const view = new RecordingView();
        views.push({ view, origins, events });
        return view;
      },
      storage,
      fetch: (url, init) => fetch(url, init),
      log: (line) => logs.push(line),
    });
  });

  /** The desktop client's own sign-in (password and code): its token and a location id. */
  async function desktopSignIn(username: string, { temporaryPassword = false } = {}) {
    phone += 1;
    await createUser(t, {
      username,
      phone: `+120255501${phone}`,
      email: `${username}@wrshealth.com`,
      locations: ['Main Office'],
    });
    if (temporaryPassword) {
      await t.server.services.cli.setTemporaryPassword(username, 'frontDesk2026', 'Forgotten');
    }
    t.clock.advance(31);
    const login = await t.post('/api/v1/auth/login', { username, password: 'frontDesk2026' });
    let token: string = login.body.sessionToken;
    if (login.body.status !== 'authenticated') {
      await t.send(login.body.challengeId, 'sms');
      token = (await t.verify(login.body.challengeId, t.lastSmsCode())).body.sessionToken;
    }
    const main = await t.server.db
      .selectFrom('locations')
      .select('id')
      .where('name', '=', 'Main Office')
      .executeTakeFirstOrThrow();
    return { token, sessionToken: token, locationId: main.id };
  }

  /** The application sends the view's partition to WRSAuth: it lands on the prompt, and main hears of it. */
  async function applicationSendsToWrsauth(partition: CookieBrowser, parameters = {}) {
    const request = await authorizationRequest(practiceApp, REDIRECT, parameters);
    const { url } = await partition.navigate(request.url);
    const only = views.at(-1);
    if (!only) throw new Error('no view');
    await only.events.navigated(url.href);
    return { ...request, uid: loginPromptUid(url.href, new URL(t.url).origin) as string };
  }

  /** What the view was told to load, done by the partition: a POST of the form when there is one. */
  async function viewLoads(partition: CookieBrowser, load: PracticeLoad) {
    const answer = await partition.fetch(load.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(load.form).toString(),
    });
    return answer.headers.get('location') ?? '';
  }

  it('opens the practice application in a view held to its origin and the server’s', async () => {
    const signIn = await desktopSignIn('desk_open');

    expect(await controller.open(signIn)).toBe(true);
    expect(views).toHaveLength(1);
    expect(views[0]?.origins).toEqual({ practice: 'http://127.0.0.1:4581', server: new URL(t.url).origin });
    expect(views[0]?.view.loads).toEqual([{ url: PRACTICE_URL }]);
    expect(views[0]?.view.visible).toBe(true);
  });

  it('without practiceAppUrl opens nothing: the signed-in screen stays as it is', async () => {
    practiceAppUrl = undefined;
    const signIn = await desktopSignIn('desk_none');

    expect(controller.describe()).toBeNull();
    expect(await controller.open(signIn)).toBe(false);
    expect(views).toEqual([]);
  });

  it('tells the renderer the application by name, or by a plain default when IT gave none', () => {
    expect(controller.describe()).toEqual({ name: DEFAULT_PRACTICE_APP_NAME });
  });

  it('passes the login prompt with a ticket posted by the view: the application gets a code for the desktop sign-in, and no page sees the session token', async () => {
    const signIn = await desktopSignIn('desk_ticket');
    await controller.open(signIn);
    const partition = new CookieBrowser(t.url);

    const request = await applicationSendsToWrsauth(partition);
    const ticketLoad = views[0]?.view.loads[1];
    const next = await viewLoads(partition, ticketLoad as PracticeLoad);
    const { url: callback } = await partition.navigate(new URL(next, t.url));
    const tokens = await request.redeem(callback);

    expect(ticketLoad?.url).toBe(`${new URL(t.url).origin}/oidc-interaction/${request.uid}/ticket`);
    expect(Object.keys(ticketLoad?.form ?? {})).toEqual(['ticket']);
    expect(JSON.stringify(views[0]?.view.loads)).not.toContain(signIn.token);
    expect(tokens.claims()).toMatchObject({
      preferred_username: 'desk_ticket',
      practice_location: { id: signIn.locationId, name: 'Main Office' },
    });
    expect(logs.join('\n')).not.toContain(signIn.token);
  });

  it('tries one ticket per interaction: back on the same prompt, the user signs in by typing', async () => {
    const signIn = await desktopSignIn('desk_once');
    await controller.open(signIn);
    const partition = new CookieBrowser(t.url);
    const { uid } = await applicationSendsToWrsauth(partition, { prompt: 'login' });
    const view = views[0]?.view as RecordingView;

    // prompt=login: the ticket cannot stand for a fresh sign-in, so the server sends the view back.
    const back = await viewLoads(partition, view.loads[1] as PracticeLoad);
    await views[0]?.events.navigated(new URL(back, t.url).href);

    expect(back).toBe(`/oidc-interaction/${uid}`);
    expect(view.loads).toHaveLength(2);
  });

  it('asks for no ticket once locked (the lock ended that session), and hides the view', async () => {
    const signIn = await desktopSignIn('desk_lock');
    await controller.open(signIn);
    controller.lock();
    const partition = new CookieBrowser(t.url);

    await applicationSendsToWrsauth(partition);

    expect(views[0]?.view.visible).toBe(false);
    expect(views[0]?.view.loads).toHaveLength(1);
    expect(storage.calls).toEqual([]);
  });

  it('a ticket the server refuses (a temporary password) leaves the prompt for typing, logging the reason, not the token', async () => {
    const signIn = await desktopSignIn('desk_temporary', { temporaryPassword: true });
    await controller.open(signIn);

    await applicationSendsToWrsauth(new CookieBrowser(t.url));

    expect(views[0]?.view.loads).toHaveLength(1);
    expect(logs.some((line) => line.startsWith('[practice] no ticket for the login prompt: 403'))).toBe(true);
    expect(logs.join('\n')).not.toContain(signIn.token);
  });

  it('sign-out closes the view and clears the partition: storage, then cache', async () => {
    const signIn = await desktopSignIn('desk_signout');
    await controller.open(signIn);

    await controller.close();

    expect(views[0]?.view.destroyed).toBe(true);
    expect(storage.calls).toEqual(['clearStorageData', 'clearCache']);
    expect(controller.busy()).toBe(false);
  });

  it('quitting clears the partition and ends the WRSAuth session at the server', async () => {
    const signIn = await desktopSignIn('desk_quit');
    await controller.open(signIn);

    await controller.quit();
    const me = await t.get('/api/v1/me', { authorization: `Bearer ${signIn.token}` });

    expect(storage.calls).toEqual(['clearStorageData', 'clearCache']);
    expect(views[0]?.view.destroyed).toBe(true);
    expect(me.status).toBe(401);
  });
});
