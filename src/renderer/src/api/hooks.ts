/**
 * One react-query hook per server call. Screens call these; these call the API client, which rejects only
 * with ApiFailure.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import type {
  Authenticated,
  CodeSent,
  DeliveryStatus,
  LoginResponse,
  Me,
  OidcInteraction,
  OidcInteractionCompleted,
} from '../../../shared/api';
import { useBridge } from '../bridge/bridge-context';
import { useApiClient } from './api-context';
import type { ApiFailure } from './api-failure';

export interface LoginInput {
  username: string;
  password: string;
  /** From an application's login prompt that asked for a second factor: a code even if the policy asks none. */
  requireSecondFactor?: boolean;
}

/**
 * Checks the password, offering this workstation's remembered token when the keychain has one. A token the
 * server did not honour is forgotten, so it is not offered again and again.
 */
export function useLogin() {
  const api = useApiClient();
  const bridge = useBridge();
  return useMutation<LoginResponse, ApiFailure, LoginInput>({
    mutationFn: async ({ username, password, requireSecondFactor }) => {
      // A keychain that fails to answer must not stop sign-in; the user just gets a code challenge.
      const deviceToken = await bridge.loadDeviceToken(username).catch(() => null);
      const response = await api.login({
        username,
        password,
        ...(deviceToken ? { deviceToken } : {}),
        ...(requireSecondFactor ? { requireSecondFactor: true } : {}),
      });
      // A live token always signs in past the code, whatever the policy; a challenge means it is dead
      // (expired, revoked by a 2FA reset, or another user's).
      if (deviceToken && response.status === 'challenge') {
        await bridge.forgetDeviceToken(username).catch(() => undefined);
      }
      return response;
    },
  });
}

export interface SendCodeInput {
  challengeId: string;
  targetId: string;
}

export function useSendCode() {
  const api = useApiClient();
  return useMutation<CodeSent, ApiFailure, SendCodeInput>({
    mutationFn: ({ challengeId, targetId }) => api.sendCode(challengeId, targetId),
  });
}

/** How often the code entry screen asks what became of the code, until the answer is final. */
export const DELIVERY_POLL_MS = 2_000;

/**
 * Polls the delivery of one sent code (keyed by its expiry, so a new send starts afresh) until the provider's
 * answer is final or the code has expired. A failed poll just ends the polling: the code may still arrive.
 */
export function useDeliveryStatus(challengeId: string, sent: CodeSent | undefined) {
  const api = useApiClient();
  return useQuery<DeliveryStatus, ApiFailure>({
    queryKey: ['delivery', challengeId, sent?.channel, sent?.expiresAt],
    queryFn: () => api.deliveryStatus(challengeId),
    // The authenticator app sends nothing, so there is nothing to follow.
    enabled: sent !== undefined,
    retry: false,
    refetchOnWindowFocus: false,
    refetchInterval: (query) =>
      !sent || query.state.data?.final || query.state.error || Date.now() > Date.parse(sent.expiresAt)
        ? false
        : DELIVERY_POLL_MS,
  });
}

export interface VerifyCodeInput {
  username: string;
  challengeId: string;
  code: string;
  rememberDevice: boolean;
  /** "totp" when the code comes from the authenticator app; sent codes need no target. */
  targetId?: string;
}

/**
 * Checks a code; when asked to remember this workstation, names it (so the practice can tell its trusted
 * workstations apart) and keeps the token in the OS keychain.
 */
export function useVerifyCode() {
  const api = useApiClient();
  const bridge = useBridge();
  return useMutation<Authenticated, ApiFailure, VerifyCodeInput>({
    mutationFn: async ({ username, challengeId, code, rememberDevice, targetId }) => {
      // Without a name the server still remembers the workstation, under the browser's user agent.
      const deviceName = rememberDevice ? await bridge.deviceName?.().catch(() => undefined) : undefined;
      const authenticated = await api.verifyCode(challengeId, {
        code,
        ...(targetId ? { targetId } : {}),
        ...(rememberDevice ? { rememberDevice: true } : {}),
        ...(deviceName ? { deviceName } : {}),
      });
      if (rememberDevice && authenticated.deviceToken) {
        // Signed in either way; a keychain that refuses only means a code next time.
        await bridge.saveDeviceToken(username, authenticated.deviceToken).catch(() => undefined);
      }
      return authenticated;
    },
  });
}

export const meQueryKey = (sessionToken: string) => ['me', sessionToken] as const;

export function useMe(sessionToken: string) {
  const api = useApiClient();
  return useQuery<Me, ApiFailure>({
    queryKey: meQueryKey(sessionToken),
    queryFn: () => api.me(sessionToken),
    retry: false,
  });
}

export function useLogout() {
  const api = useApiClient();
  return useMutation<void, ApiFailure, string>({
    mutationFn: (sessionToken) => api.logout(sessionToken),
  });
}

/** "Login with WRSAuth": which application's sign-in request this page is; asked once. */
export function useOidcInteraction(uid: string | undefined) {
  const api = useApiClient();
  return useQuery<OidcInteraction, ApiFailure>({
    queryKey: ['oidc-interaction', uid],
    queryFn: () => api.oidcInteraction(uid as string),
    enabled: uid !== undefined,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useCompleteOidcInteraction() {
  const api = useApiClient();
  return useMutation<
    OidcInteractionCompleted,
    ApiFailure,
    { uid: string; sessionToken: string; locationId: string | null }
  >({
    mutationFn: ({ uid, sessionToken, locationId }) =>
      api.completeOidcInteraction(uid, sessionToken, locationId),
  });
}
