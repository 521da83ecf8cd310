/**
 * The console's applications routes on the fake server, parsed both ways with the shared contract
 * (api-admin-applications.ts). Needs the guard of installFakeConsole (role admin); it keeps its own list.
 * The refusals it answers carry the real server's words (server/services/relying-party-words.ts).
 */
import { http } from 'msw';
import {
  ActingPasswordBody,
  ApiError,
  type Application,
  ApplicationCredentials,
  ApplicationList,
  ApplicationRegistration,
  Application as ApplicationSchema,
  ErrorCode,
} from '../../../src/shared/api';
import { apiUrl, type FakeAuthServer } from './fake-auth-server';
import type { FakeConsole } from './fake-console';

export const FIRST_SECRET = 'first-secret-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
export const ROTATED_SECRET = 'rotated-secret-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

export const PRACTICE_APP: Application = {
  clientId: '7b0c7a52-9a53-4a7e-8a57-3c1f3bd0e001',
  name: 'Demo practice application',
  type: 'confidential',
  redirectUris: ['http://127.0.0.1:4581/callback'],
  postLogoutRedirectUris: ['http://127.0.0.1:4581/'],
  backchannelLogoutUri: 'http://127.0.0.1:4581/backchannel-logout',
  idTokenSignedResponseAlg: 'RS256',
  createdAt: '2026-11-20T09:00:00.000Z',
  disabledAt: null,
};

export interface FakeApplications {
  applications: Application[];
  readonly calls: {
    registered: ApplicationRegistration[];
    disabled: string[];
    rotated: string[];
  };
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** The real server's refusal of a redirect URI that is neither https nor http on loopback, or undefined. */
function redirectProblem(uri: string): string | undefined {
  const url = URL.canParse(uri) ? new URL(uri) : undefined;
  if (!url) return `Redirect URI "${uri}" is not an absolute URL, e.g. https://app.practice.example/callback`;
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    return `Redirect URI "${uri}" must use https; plain http is allowed only on loopback (127.0.0.1, [::1], localhost) for development`;
  }
  return undefined;
}

export function installFakeApplications(server: FakeAuthServer, guard: FakeConsole): FakeApplications {
  const fake: FakeApplications = {
    applications: [{ ...PRACTICE_APP }],
    calls: { registered: [], disabled: [], rotated: [] },
  };
  let counter = 0;
  const bad = (message: string, status = 400, error: string = ErrorCode.badRequest) =>
    server.reply(ApiError, { error, message }, status);
  const find = (clientId: unknown) => fake.applications.find((app) => app.clientId === String(clientId));
  const notFound = (clientId: unknown) =>
    bad(`There is no application with client ID ${String(clientId)}.`, 404, ErrorCode.notFound);

  server.use(
    // The admin guard first: a request it refuses goes no further.
    http.all(apiUrl('/admin/*'), ({ request }) => guard.refused(request)),
    http.get(apiUrl('/admin/applications'), () =>
      server.reply(ApplicationList, { applications: fake.applications }),
    ),
    http.post(apiUrl('/admin/applications'), async ({ request }) => {
      const registration = await server.parseRequest(ApplicationRegistration, request);
      if (!registration) return bad('The request is not valid.');
      const wrong = guard.wrongPassword(registration);
      if (wrong) return wrong;
      fake.calls.registered.push(registration);
      const problem = registration.redirectUris.map(redirectProblem).find(Boolean);
      if (problem) return bad(problem);
      const clientId = `client-new-${++counter}`;
      fake.applications.push({
        clientId,
        name: registration.name,
        type: registration.public ? 'public' : 'confidential',
        redirectUris: registration.redirectUris,
        postLogoutRedirectUris: registration.postLogoutRedirectUris ?? [],
        backchannelLogoutUri: registration.backchannelLogoutUri ?? null,
        idTokenSignedResponseAlg: 'RS256',
        createdAt: new Date().toISOString(),
        disabledAt: null,
      });
      return server.reply(
        ApplicationCredentials,
        registration.public ? { clientId } : { clientId, clientSecret: FIRST_SECRET },
        201,
      );
    }),
    http.post(apiUrl('/admin/applications/:clientId/disable'), async ({ request, params }) => {
      const input = await server.parseRequest(ActingPasswordBody, request);
      if (!input) return bad('The request is not valid.');
      const wrong = guard.wrongPassword(input);
      if (wrong) return wrong;
      const app = find(params.clientId);
      if (!app) return notFound(params.clientId);
      if (app.disabledAt) return bad('This application is already disabled.', 409, ErrorCode.conflict);
      fake.calls.disabled.push(app.clientId);
      app.disabledAt = new Date().toISOString();
      return server.reply(ApplicationSchema, app);
    }),
    http.post(apiUrl('/admin/applications/:clientId/rotate-secret'), async ({ request, params }) => {
      const input = await server.parseRequest(ActingPasswordBody, request);
      if (!input) return bad('The request is not valid.');
      const wrong = guard.wrongPassword(input);
      if (wrong) return wrong;
      const app = find(params.clientId);
      if (!app) return notFound(params.clientId);
      if (app.type === 'public') {
        return bad(
          'This application is a public client: it has no secret to rotate.',
          409,
          ErrorCode.conflict,
        );
      }
      fake.calls.rotated.push(app.clientId);
      return server.reply(ApplicationCredentials, { clientId: app.clientId, clientSecret: ROTATED_SECRET });
    }),
  );
  return fake;
}
