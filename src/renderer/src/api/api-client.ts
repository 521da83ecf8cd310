/**
 * What the API client offers: the sign-in calls by name, and the one signed-in `request` the settings and
 * console areas name their calls with. Types only, so the loader (client.ts) and the implementation
 * (http-client.ts) both import it without importing each other.
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

/**
 * One signed-in call. Hooks never build one: the settings and console areas name theirs, one function per
 * endpoint, in settings/settings-api.ts and console/console-api.ts (through ./signed-in.ts), as this client
 * names the sign-in calls, so every hook calls a named function of an API.
 */
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
