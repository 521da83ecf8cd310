/**
 * The API client screens use. The real one (http-client.ts: axios and the shared zod schemas) is a separate
 * chunk: the login form needs neither to paint, so it is fetched once the form is idle or, at the latest,
 * on the first call. Every answer is still parsed with the shared contract before anyone sees it.
 */

import type { z } from 'zod';
import type {
  Authenticated,
  CodeSent,
  DeliveryStatus,
  LoginRequest,
  LoginResponse,
  Me,
  OidcInteraction,
  OidcInteractionCompleted,
  PasswordResetStarted,
  PasswordResetVerifyResult,
  VerifyCodeRequest,
} from '../../../shared/api';
import { networkFailure } from './api-failure';

/** One signed-in call for the settings and console screens, each area typing its own (see settings/, console/). */
export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Under /api/v1, e.g. `/me/devices`; path parameters already encoded. */
  path: string;
  sessionToken: string;
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** `text` for CSV downloads: the answer is then checked as a string. */
  as?: 'json' | 'text';
}

export interface ApiClient {
  login(request: LoginRequest): Promise<LoginResponse>;
  sendCode(challengeId: string, targetId: string): Promise<CodeSent>;
  /** What became of the latest code sent for this sign-in. */
  deliveryStatus(challengeId: string): Promise<DeliveryStatus>;
  verifyCode(challengeId: string, request: VerifyCodeRequest): Promise<Authenticated>;
  me(sessionToken: string): Promise<Me>;
  logout(sessionToken: string): Promise<void>;
  startPasswordReset(username: string): Promise<PasswordResetStarted>;
  sendResetCode(resetId: string, targetId: string): Promise<CodeSent>;
  /** `targetId: "totp"` for the authenticator app's code (the second proof only). */
  verifyResetCode(resetId: string, code: string, targetId?: string): Promise<PasswordResetVerifyResult>;
  setNewPassword(resetId: string, password: string): Promise<void>;
  /** "Login with WRSAuth": the application whose sign-in request this page is (the interaction cookie's). */
  oidcInteraction(uid: string): Promise<OidcInteraction>;
  /** Hands this sign-in's session to the request; answers where the browser goes next. */
  completeOidcInteraction(
    uid: string,
    sessionToken: string,
    locationId: string | null,
  ): Promise<OidcInteractionCompleted>;
  /** Any signed-in call, its answer parsed with `schema` (use z.null() for 204). */
  request<S extends z.ZodType>(schema: S, request: ApiRequest): Promise<z.output<S>>;
}

export interface ApiClientOptions {
  /** Milliseconds before a call gives up; the server answers delivery failures within 12 s. */
  timeoutMs?: number;
}

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
