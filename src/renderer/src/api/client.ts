/**
 * The HTTP client for the verification server. Every answer is parsed with the shared contract, so a
 * server that drifts from it fails loudly here instead of deep inside a screen.
 */
import axios, { type AxiosInstance } from 'axios';
import type { z } from 'zod';
import {
  Authenticated,
  apiBaseUrl,
  CodeSent,
  type LoginRequest,
  LoginResponse,
  Me,
  type VerifyCodeRequest,
} from '../../../shared/api';
import { badResponse, toApiFailure } from './api-failure';

export interface ApiClient {
  login(request: LoginRequest): Promise<LoginResponse>;
  sendCode(challengeId: string, targetId: string): Promise<CodeSent>;
  verifyCode(challengeId: string, request: VerifyCodeRequest): Promise<Authenticated>;
  me(sessionToken: string): Promise<Me>;
  logout(sessionToken: string): Promise<void>;
}

export interface ApiClientOptions {
  /** Milliseconds before a call gives up; the server answers delivery failures within 12 s. */
  timeoutMs?: number;
}

const bearer = (sessionToken: string) => ({ Authorization: `Bearer ${sessionToken}` });

export function createApiClient(serverUrl: string, options: ApiClientOptions = {}): ApiClient {
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

  return {
    login: (request) => call(LoginResponse, http.post('/auth/login', request)),
    sendCode: (challengeId, targetId) =>
      call(CodeSent, http.post(`/auth/challenges/${encode(challengeId)}/send`, { targetId })),
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
  };
}
