/** The "Forgot your password?" calls, one react-query mutation each. */
import { useMutation } from '@tanstack/react-query';
import type { CodeSent, PasswordResetStarted, PasswordResetVerifyResult } from '../../../shared/api';
import { useApiClient } from './api-context';
import type { ApiFailure } from './api-failure';

export function useStartPasswordReset() {
  const api = useApiClient();
  return useMutation<PasswordResetStarted, ApiFailure, string>({
    mutationFn: (username) => api.startPasswordReset(username),
  });
}

export function useSendResetCode() {
  const api = useApiClient();
  return useMutation<CodeSent, ApiFailure, { resetId: string; targetId: string }>({
    mutationFn: ({ resetId, targetId }) => api.sendResetCode(resetId, targetId),
  });
}

export function useVerifyResetCode() {
  const api = useApiClient();
  return useMutation<
    PasswordResetVerifyResult,
    ApiFailure,
    { resetId: string; code: string; targetId?: string }
  >({
    mutationFn: ({ resetId, code, targetId }) => api.verifyResetCode(resetId, code, targetId),
  });
}

export function useSetNewPassword() {
  const api = useApiClient();
  return useMutation<void, ApiFailure, { resetId: string; password: string }>({
    mutationFn: ({ resetId, password }) => api.setNewPassword(resetId, password),
  });
}
