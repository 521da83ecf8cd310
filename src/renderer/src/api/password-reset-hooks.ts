/** The "Forgot your password?" calls, one react-query mutation each. */
import { useMutation } from '@tanstack/react-query';
import type { CodeSent, PasswordResetStarted, PasswordResetVerified } from '../../../shared/api';
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
  return useMutation<PasswordResetVerified, ApiFailure, { resetId: string; code: string }>({
    mutationFn: ({ resetId, code }) => api.verifyResetCode(resetId, code),
  });
}

export function useSetNewPassword() {
  const api = useApiClient();
  return useMutation<void, ApiFailure, { resetId: string; password: string }>({
    mutationFn: ({ resetId, password }) => api.setNewPassword(resetId, password),
  });
}
