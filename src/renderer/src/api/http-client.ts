/**
 * The HTTP client for the verification server. Every answer is parsed with the shared contract, so a
 * server that drifts from it fails loudly here instead of deep inside a screen. client.ts loads this module
 * (axios and the zod schemas) after the login form is up, so they are not on the way to the first paint.
 */
import axios, { AxiosHeaders, type AxiosInstance, isAxiosError } from 'axios';
import type { z } from 'zod';
import {
  ApiError,
  Authenticated,
  apiBaseUrl,
  CodeSent,
  DeliveryStatus,
  LoginResponse,
  Me,
  OidcInteraction,
  OidcInteractionCompleted,
  PasswordResetStarted,
  PasswordResetVerifyResult,
} from '../../../shared/api';
import type { ApiClient, ApiClientOptions } from './api-client';
import { ApiFailure, badResponse, ClientErrorCode, networkFailure, unexpectedFailure } from './api-failure';

function retryAfterHeader(value: unknown): number | undefined {
  const seconds = typeof value === 'string' ? Number.parseInt(value, 10) : Number.NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** Turns anything a call threw into an ApiFailure, never leaking a stack trace or raw body to the user. */
export function toApiFailure(thrown: unknown): ApiFailure {
  if (thrown instanceof ApiFailure) return thrown;
  if (!isAxiosError(thrown)) return unexpectedFailure();
  const response = thrown.response;
  if (!response) return networkFailure();
  const parsed = ApiError.safeParse(response.data);
  // Header names keep their case in some fetch implementations; AxiosHeaders.get ignores case.
  const { headers } = response;
  const headerRetry = retryAfterHeader(
    headers instanceof AxiosHeaders ? headers.get('retry-after') : undefined,
  );
  if (!parsed.success) {
    return new ApiFailure(
      response.status,
      ClientErrorCode.badResponse,
      `The sign-in server could not answer (HTTP ${response.status}). Please try again.`,
      undefined,
      headerRetry,
    );
  }
  const { error, message, attemptsRemaining, retryAfter } = parsed.data;
  return new ApiFailure(response.status, error, message, attemptsRemaining, retryAfter ?? headerRetry);
}

const bearer = (sessionToken: string) => ({ Authorization: `Bearer ${sessionToken}` });

export function createHttpApiClient(serverUrl: string, options: ApiClientOptions = {}): ApiClient {
  const http: AxiosInstance = axios.create({
    baseURL: apiBaseUrl(serverUrl),
    // The fetch adapter works the same in Electron, browsers and the tests' mock server.
    adapter: 'fetch',
    timeout: options.timeoutMs ?? 20_000,
    headers: { Accept: 'application/json' },
    withCredentials: false,
  });

  async function call<S extends z.ZodType>(
    schema: S,
    request: Promise<{ data: unknown }>,
  ): Promise<z.output<S>> {
    let data: unknown;
    try {
      ({ data } = await request);
    } catch (thrown) {
      throw toApiFailure(thrown);
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) throw badResponse();
    return parsed.data;
  }

  const encode = encodeURIComponent;
  // The login prompt's calls live under its page, outside /api/v1, and carry the provider's interaction
  // cookie (the only calls that send a cookie at all).
  const interactionUrl = (uid: string, action: string) =>
    new URL(`/oidc-interaction/${encode(uid)}/${action}`, serverUrl).toString();

  return {
    login: (request) => call(LoginResponse, http.post('/auth/login', request)),
    sendCode: (challengeId, targetId) =>
      call(CodeSent, http.post(`/auth/challenges/${encode(challengeId)}/send`, { targetId })),
    deliveryStatus: (challengeId) =>
      call(DeliveryStatus, http.get(`/auth/challenges/${encode(challengeId)}/delivery`)),
    verifyCode: (challengeId, request) =>
      call(Authenticated, http.post(`/auth/challenges/${encode(challengeId)}/verify`, request)),
    me: (sessionToken) => call(Me, http.get('/me', { headers: bearer(sessionToken) })),
    logout: async (sessionToken) => {
      try {
        // An empty JSON object, not an empty body: axios would label that form-encoded, which the server refuses.
        await http.post('/auth/logout', {}, { headers: bearer(sessionToken) });
      } catch (thrown) {
        throw toApiFailure(thrown);
      }
    },
    startPasswordReset: (username) =>
      call(PasswordResetStarted, http.post('/auth/password-reset', { username })),
    sendResetCode: (resetId, targetId) =>
      call(CodeSent, http.post(`/auth/password-reset/${encode(resetId)}/send`, { targetId })),
    verifyResetCode: (resetId, code, targetId) =>
      call(
        PasswordResetVerifyResult,
        http.post(`/auth/password-reset/${encode(resetId)}/verify`, { code, ...(targetId && { targetId }) }),
      ),
    setNewPassword: async (resetId, password) => {
      try {
        await http.post(`/auth/password-reset/${encode(resetId)}/password`, { password });
      } catch (thrown) {
        throw toApiFailure(thrown);
      }
    },
    oidcInteraction: (uid) =>
      call(OidcInteraction, http.get(interactionUrl(uid, 'details'), { withCredentials: true })),
    completeOidcInteraction: (uid, sessionToken, locationId) =>
      call(
        OidcInteractionCompleted,
        http.post(
          interactionUrl(uid, 'complete'),
          { locationId },
          { headers: bearer(sessionToken), withCredentials: true },
        ),
      ),
    request: (schema, { method, path, sessionToken, body, query, as = 'json' }) =>
      call(
        schema,
        http
          .request({
            method,
            url: path,
            headers: {
              ...bearer(sessionToken),
              ...(as === 'text' ? { Accept: 'text/csv, text/plain' } : {}),
            },
            // An empty JSON object rather than no body for POST/PUT/PATCH: see logout.
            data: body ?? (method === 'GET' || method === 'DELETE' ? undefined : {}),
            params: query,
            responseType: as === 'text' ? 'text' : 'json',
          })
          // A 204 has no body; the schema (z.null()) sees null rather than an empty string.
          .then((response) => ({ data: response.status === 204 ? null : response.data })),
      ),
  };
}
