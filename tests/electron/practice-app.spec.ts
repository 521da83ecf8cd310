/**
 * The whole path of the desktop client into the practice application, in real Electron: password and texted
 * code, the location, then the application (a relying party built with openid-client, served here) opened
 * in the window's own view and signed in by a ticket with no second password; navigation elsewhere refused;
 * the lock hiding it; sign-out clearing its partition; quitting ending the WRSAuth session.
 *
 * A development run takes the application from WRSAUTH_PRACTICE_APP_URL (an installed one from IT only).
 */
import http from 'node:http';
import * as oidc from 'openid-client';
import { PRACTICE_PARTITION } from '../../src/main/practice-app';
import { onScreen } from '../e2e/fixtures';
import { enterCode, LOCATION, LOCKED, LOGIN, submitPassword, VERIFY } from '../e2e/flows';
import {
  E2E_BASE_URL,
  E2E_INSPECTION_URL,
  E2E_PORTS,
  E2E_RELYING_PARTIES,
  E2E_RP_REDIRECT_URI,
  E2E_USERS,
} from '../e2e/world';
import { authorizationRequest } from '../support/oidc-relying-party';
import { type Desktop, expect, sendCodeByTextMessage, test } from './desktop';

const PRACTICE_URL = `http://127.0.0.1:${E2E_PORTS.relyingParty}/`;
const PRACTICE_NAME = 'Practice Charts';
/** The same server by another name: another origin, which the view must not reach. */
const ELSEWHERE = E2E_BASE_URL.replace('127.0.0.1', 'localhost');

let application: http.Server;

test.beforeAll(async () => {
  const [name] = E2E_RELYING_PARTIES;
  const registered = (await (await fetch(`${E2E_INSPECTION_URL}/__e2e/clients`)).json()) as Array<{
    name: string;
    clientId: string;
    clientSecret: string;
  }>;
  const client = registered.find((candidate) => candidate.name === name);
  if (!client) throw new Error(`the harness registered no ${name}`);
  const config = await oidc.discovery(
    new URL(`${E2E_BASE_URL}/oidc`),
    client.clientId,
    undefined,
    oidc.ClientSecretBasic(client.clientSecret),
    { execute: [oidc.allowInsecureRequests] },
  );
  // The practice application: "/" sends the browser to WRSAuth; "/callback" redeems the code and says who.
  const pending = new Map<string, Awaited<ReturnType<typeof authorizationRequest>>>();
  application = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', PRACTICE_URL);
      if (url.pathname === '/') {
        const request = await authorizationRequest(config, E2E_RP_REDIRECT_URI, {
          scope: 'openid profile',
        });
        pending.set(request.url.searchParams.get('state') ?? '', request);
        res.writeHead(302, { location: request.url.href }).end();
        return;
      }
      const request = pending.get(url.searchParams.get('state') ?? '');
      if (url.pathname !== '/callback' || !request) {
        res.writeHead(404).end();
        return;
      }
      const claims = (await request.redeem(url)).claims() as unknown as {
        preferred_username: string;
        practice_location?: { name: string };
      };
      const who = `Signed in as ${claims.preferred_username} at ${claims.practice_location?.name ?? 'nowhere'}`;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html lang="en"><title>Practice Charts</title><p>${who.replace(/[<&]/g, '')}</p>`,
      );
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => application.listen(E2E_PORTS.relyingParty, '127.0.0.1', resolve));
});

test.afterAll(async () => {
  await new Promise((resolve) => application.close(resolve));
});

/** What the practice application's view shows: its URL and text, from the main process. */
async function practiceView({ app }: Desktop): Promise<Array<{ url: string; text: string }>> {
  return app.evaluate(async ({ session, webContents }, partition) => {
    const views = webContents
      .getAllWebContents()
      .filter((contents) => !contents.isDestroyed() && contents.session === session.fromPartition(partition));
    return Promise.all(
      views.map(async (contents) => ({
        url: contents.getURL(),
        text: String(await contents.executeJavaScript('document.body ? document.body.innerText : ""')),
      })),
    );
  }, PRACTICE_PARTITION);
}

/** The desktop sign-in through to the location; answers the session token the server issued. */
async function signInAt(
  desktop: Desktop,
  user: { username: string; password: string; phone: string },
  location?: string,
) {
  const { window } = desktop;
  await onScreen(window, LOGIN);
  await submitPassword(window, user);
  await onScreen(window, VERIFY);
  const code = await sendCodeByTextMessage(desktop, user.phone);
  const verified = window.waitForResponse(
    (response) =>
      /\/auth\/challenges\/[^/]+\/verify$/.test(new URL(response.url()).pathname) && response.ok(),
  );
  await enterCode(window, code);
  const { sessionToken } = (await (await verified).json()) as { sessionToken: string };
  if (location) {
    await onScreen(window, LOCATION);
    await window.getByRole('button', { name: location, exact: true }).click();
  }
  return sessionToken;
}

const meStatus = async (sessionToken: string) =>
  (await fetch(`${E2E_BASE_URL}/api/v1/me`, { headers: { authorization: `Bearer ${sessionToken}` } })).status;

test.describe('The practice application in the desktop window', () => {
  test('opens signed in by the desktop sign-in with no second password, stays on its two origins, hides under the lock, and sign-out clears its partition', async ({
    launchDesktop,
  }) => {
    const desktop = await launchDesktop({
      WRSAUTH_PRACTICE_APP_URL: PRACTICE_URL,
      WRSAUTH_PRACTICE_APP_NAME: PRACTICE_NAME,
    });
    const { app, window } = desktop;
    const user = E2E_USERS.desktopPractice;
    const sessionToken = await signInAt(desktop, user, 'Eastside Clinic');

    await onScreen(window, PRACTICE_NAME, 'desktop-practice-app');
    await expect
      .poll(async () => (await practiceView(desktop)).map((view) => view.text.trim()))
      .toEqual([`Signed in as ${user.username} at Eastside Clinic`]);
    const [landed] = await practiceView(desktop);
    expect(landed?.url.startsWith(`${E2E_RP_REDIRECT_URI}?`)).toBe(true);
    // The page holds nothing of WRSAuth's session: not in its document, its storage or its cookies.
    const pageState = await app.evaluate(async ({ session, webContents }, partition) => {
      const [contents] = webContents
        .getAllWebContents()
        .filter((candidate) => candidate.session === session.fromPartition(partition));
      return String(
        await contents?.executeJavaScript(
          'document.documentElement.outerHTML + JSON.stringify(Object.entries(localStorage)) + document.cookie',
        ),
      );
    }, PRACTICE_PARTITION);
    expect(pageState).not.toContain(sessionToken);

    // Another origin is refused and logged; the view stays where it was.
    const refused = app.waitForEvent('console', (message) =>
      message.text().includes(`[practice] refused navigation to ${ELSEWHERE}`),
    );
    await app.evaluate(
      ({ session, webContents }, [partition, target]) => {
        const [contents] = webContents
          .getAllWebContents()
          .filter((candidate) => candidate.session === session.fromPartition(partition));
        void contents?.executeJavaScript(`setTimeout(() => location.assign(${JSON.stringify(target)}), 0)`);
      },
      [PRACTICE_PARTITION, `${ELSEWHERE}/`] as const,
    );
    await refused;
    expect((await practiceView(desktop))[0]?.url.startsWith(`${E2E_RP_REDIRECT_URI}?`)).toBe(true);

    // The lock covers it: the view is hidden behind the lock screen, and the WRSAuth session has ended.
    await window.getByRole('button', { name: 'Lock' }).click();
    await onScreen(window, LOCKED);
    expect(
      await app.evaluate(({ BrowserWindow }) =>
        BrowserWindow.getAllWindows()[0]?.contentView.children.map((view) => view.getVisible()),
      ),
    ).toEqual([false]);
    await expect.poll(() => meStatus(sessionToken)).toBe(401);

    // Sign out: the view is gone and its partition holds no cookie.
    await window.getByRole('button', { name: 'Sign out' }).click();
    await onScreen(window, LOGIN);
    await expect
      .poll(() =>
        app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.contentView.children.length),
      )
      .toBe(0);
    expect(
      await app.evaluate(
        async ({ session }, partition) => (await session.fromPartition(partition).cookies.get({})).length,
        PRACTICE_PARTITION,
      ),
    ).toBe(0);
  });

  test('quitting with the practice application open ends the WRSAuth session', async ({ launchDesktop }) => {
    const desktop = await launchDesktop({ WRSAUTH_PRACTICE_APP_URL: PRACTICE_URL });
    const user = E2E_USERS.desktopPracticeQuit;
    const sessionToken = await signInAt(desktop, user);
    await onScreen(desktop.window, 'the practice application');
    await expect
      .poll(async () => (await practiceView(desktop)).map((view) => view.text.trim()))
      .toEqual([expect.stringMatching(new RegExp(`^Signed in as ${user.username} at `))]);
    expect(await meStatus(sessionToken)).toBe(200);

    await desktop.app.close();

    expect(await meStatus(sessionToken)).toBe(401);
  });
});
