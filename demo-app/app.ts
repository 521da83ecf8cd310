/**
 * The demo practice application: a small web application that signs its users in with "Login with WRSAuth",
 * so anyone can walk the demo practice's flow end to end. Plain node:http; every page is rendered here, with
 * a strict Content-Security-Policy and no script.
 *
 *   GET  /                     the start page, or who is signed in (name, location, amr, acr)
 *   GET  /login                starts an authorization request and sends the browser to WRSAuth
 *   GET  /callback             WRSAuth sends the browser back here with a code (or an error)
 *   POST /logout               ends the session here, then RP-initiated logout at WRSAuth
 *   POST /backchannel-logout   WRSAuth's logout token: the sessions of that sign-in end
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidLogoutToken, type LogoutTokenVerify, logoutTokenVerifier } from './logout-token';
import { problemPage, STYLESHEET, signedInPage, signedOutHereOnlyPage, signedOutPage } from './pages';
import { type ClientCredentials, RelyingParty } from './relying-party';
import { type DemoSession, SESSION_COOKIE, SessionStore } from './sessions';
import { describeFailure, describeProviderError } from './sign-in-errors';

export interface DemoAppOptions {
  /** WRSAuth's issuer, e.g. http://127.0.0.1:4580/oidc */
  issuer: URL;
  credentials: ClientCredentials;
  /** The port on 127.0.0.1; it is part of the registered redirect URIs, so it cannot be 0. */
  port: number;
  /** One line per event worth an operator's eye; never a token, a code or a secret. */
  log?: (line: string) => void;
}

export interface RunningDemoApp {
  url: string;
  sessions: SessionStore;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

/** The pages' headers: no script, styles and forms from here only (forms may end up at WRSAuth). */
function pageHeaders(issuer: URL): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': `default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' ${issuer.origin}; base-uri 'none'; frame-ancestors 'none'`,
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
  };
}

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

const sessionCookie = (session: DemoSession) =>
  `${SESSION_COOKIE}=${session.id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${12 * 60 * 60}`;
const clearedCookie = `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;

function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  return new Promise((resolve, reject) => {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') {
      req.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.destroy();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

export async function startDemoApp(options: DemoAppOptions): Promise<RunningDemoApp> {
  const baseUrl = new URL(`http://127.0.0.1:${options.port}`);
  const relyingParty = new RelyingParty(options.issuer, options.credentials, baseUrl);
  const sessions = new SessionStore();
  const log = options.log ?? ((line: string) => console.error(`demo app: ${line}`));
  const headers = pageHeaders(options.issuer);
  let verifier: LogoutTokenVerify | undefined;

  const html = (res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...headers, ...extra });
    res.end(body);
  };
  const redirect = (res: ServerResponse, location: string, extra: Record<string, string> = {}) => {
    res.writeHead(303, { location, 'cache-control': 'no-store', ...extra });
    res.end();
  };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  async function home(req: IncomingMessage, res: ServerResponse, url: URL) {
    const session = sessions.find(cookieOf(req, SESSION_COOKIE));
    if (session?.user) return html(res, 200, signedInPage(session.user, session.csrfToken));
    if (url.searchParams.get('signed-out') === 'here') return html(res, 200, signedOutHereOnlyPage());
    if (session?.endedByProvider) {
      // Said once: the session is gone, and its cookie with it.
      sessions.end(session.id);
      return html(res, 200, signedOutPage('You were signed out of WRSAuth.'), {
        'set-cookie': clearedCookie,
      });
    }
    html(res, 200, signedOutPage());
  }

  async function login(req: IncomingMessage, res: ServerResponse) {
    let session = sessions.find(cookieOf(req, SESSION_COOKIE));
    if (session?.user) return redirect(res, '/');
    let request: Awaited<ReturnType<RelyingParty['startLogin']>>;
    try {
      request = await relyingParty.startLogin();
    } catch (error) {
      log(`WRSAuth could not be reached for discovery: ${(error as Error).message}`);
      return html(
        res,
        503,
        problemPage(
          'WRSAuth cannot be reached',
          `The sign-in server at ${options.issuer.origin} did not answer. Check that it is running, then try again.`,
        ),
      );
    }
    session ??= sessions.create();
    session.pending = request.pending;
    session.endedByProvider = undefined;
    redirect(res, request.url.href, { 'set-cookie': sessionCookie(session) });
  }

  async function callback(req: IncomingMessage, res: ServerResponse, url: URL) {
    const session = sessions.find(cookieOf(req, SESSION_COOKIE));
    const pending = session?.pending;
    if (!session || !pending || url.searchParams.get('state') !== pending.state) {
      return html(
        res,
        400,
        problemPage(
          'This sign-in cannot be finished',
          'It was not started in this browser, or it has already finished. Start again.',
        ),
      );
    }
    session.pending = undefined;
    const error = url.searchParams.get('error');
    if (error) {
      const problem = describeProviderError(error, url.searchParams.get('error_description'));
      return html(res, 400, problemPage(problem.heading, problem.explanation, problem.detail));
    }
    try {
      const user = await relyingParty.finishLogin(url, pending);
      const signedIn = sessions.signIn(session, user);
      redirect(res, '/', { 'set-cookie': sessionCookie(signedIn) });
    } catch (failure) {
      const problem = describeFailure(failure);
      log(`a sign-in could not be completed: ${problem.detail ?? problem.heading}`);
      html(res, 400, problemPage(problem.heading, problem.explanation, problem.detail));
    }
  }

  async function logout(req: IncomingMessage, res: ServerResponse) {
    const form = await readForm(req);
    const session = sessions.find(cookieOf(req, SESSION_COOKIE));
    if (!session?.user || form?.get('csrf') !== session.csrfToken) return redirect(res, '/');
    const idToken = session.user.idToken;
    sessions.end(session.id);
    let endSession: URL | undefined;
    try {
      endSession = await relyingParty.endSessionUrl(idToken);
    } catch (error) {
      log(`RP-initiated logout is not available: ${(error as Error).message}`);
    }
    // A page reached by a redirect, so that reloading it does not post the form again.
    redirect(res, endSession?.href ?? '/?signed-out=here', { 'set-cookie': clearedCookie });
  }

  async function backchannelLogout(req: IncomingMessage, res: ServerResponse) {
    const token = (await readForm(req))?.get('logout_token');
    if (!token) return json(res, 400, { error: 'invalid_request', error_description: 'no logout_token' });
    try {
      verifier ??= logoutTokenVerifier({
        issuer: (await relyingParty.configuration()).serverMetadata().issuer,
        clientId: relyingParty.clientId,
        jwksUri: await relyingParty.jwksUri(),
      });
      const ended = sessions.endByProvider(await verifier(token));
      log(`back-channel logout from WRSAuth ended ${ended} session(s)`);
      json(res, 200, {});
    } catch (error) {
      const reason = error instanceof InvalidLogoutToken ? error.message : (error as Error).message;
      log(`a logout token was refused: ${reason}`);
      json(res, 400, { error: 'invalid_request', error_description: 'the logout token is not valid' });
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', baseUrl);
    const key = `${req.method} ${url.pathname}`;
    switch (key) {
      case 'GET /':
        return home(req, res, url);
      case 'GET /login':
        return login(req, res);
      case 'GET /callback':
        return callback(req, res, url);
      case 'POST /logout':
        return logout(req, res);
      case 'POST /backchannel-logout':
        return backchannelLogout(req, res);
      case 'GET /favicon.ico':
        res.writeHead(204, { 'cache-control': 'max-age=86400' });
        res.end();
        return;
      case 'GET /style.css':
        res.writeHead(200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' });
        res.end(STYLESHEET);
        return;
      default:
        html(res, 404, problemPage('Not found', 'There is no such page in the demo practice application.'));
    }
  }

  const server = http.createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      log(`a request failed: ${(error as Error).message}`);
      if (!res.headersSent) html(res, 500, problemPage('Something went wrong', 'Please try again.'));
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sessions,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
