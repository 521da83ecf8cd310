/**
 * The API client screens use. The real one (http-client.ts: axios and the shared zod schemas) is a separate
 * chunk: the login form needs neither to paint, so it is fetched once the form is idle or, at the latest,
 * on the first call. Every answer is still parsed with the shared contract before anyone sees it.
 */

import type { ApiClient, ApiClientOptions } from './api-client';
import { networkFailure } from './api-failure';

type HttpClientModule = typeof import('./http-client');

let httpClientModule: Promise<HttpClientModule> | undefined;

/** Loads the HTTP client chunk once; a failed load is forgotten so the next call tries again. */
export function preloadApiClient(): Promise<HttpClientModule> {
  httpClientModule ??= import('./http-client').catch((thrown: unknown) => {
    httpClientModule = undefined;
    throw thrown;
  });
  return httpClientModule;
}

export function createApiClient(serverUrl: string, options: ApiClientOptions = {}): ApiClient {
  let client: Promise<ApiClient> | undefined;
  // A chunk that cannot be fetched is, to the user, a server that cannot be reached.
  const http = () => {
    client ??= preloadApiClient().then(
      (module) => module.createHttpApiClient(serverUrl, options),
      () => {
        client = undefined;
        throw networkFailure();
      },
    );
    return client;
  };
  return {
    login: async (request) => (await http()).login(request),
    sendCode: async (challengeId, targetId) => (await http()).sendCode(challengeId, targetId),
    deliveryStatus: async (challengeId) => (await http()).deliveryStatus(challengeId),
    verifyCode: async (challengeId, request) => (await http()).verifyCode(challengeId, request),
    me: async (sessionToken) => (await http()).me(sessionToken),
    logout: async (sessionToken) => (await http()).logout(sessionToken),
    startPasswordReset: async (username) => (await http()).startPasswordReset(username),
    sendResetCode: async (resetId, targetId) => (await http()).sendResetCode(resetId, targetId),
    verifyResetCode: async (resetId, code, targetId) =>
      (await http()).verifyResetCode(resetId, code, targetId),
    setNewPassword: async (resetId, password) => (await http()).setNewPassword(resetId, password),
    oidcInteraction: async (uid) => (await http()).oidcInteraction(uid),
    completeOidcInteraction: async (uid, sessionToken, locationId) =>
      (await http()).completeOidcInteraction(uid, sessionToken, locationId),
    request: async (schema, request) => (await http()).request(schema, request),
  };
}
