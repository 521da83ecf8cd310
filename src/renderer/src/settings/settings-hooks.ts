/**
 * My settings' server calls, one react-query hook each: when to call and what to refresh afterwards. The
 * requests themselves, and the contracts their answers are parsed with, are settings-api.ts's.
 */
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  ContactApplied,
  ContactChannel,
  ContactCodeSent,
  DevicesRevoked,
  PasswordChanged,
  Profile,
  ProfileUpdate,
  RecoveryCodeStatus,
  RecoveryCodes,
  SetupStatus,
  TotpEnrollment,
  TotpStatus,
  TrustedDeviceList,
} from '../../../shared/api';
import type { ApiFailure } from '../api/api-failure';
import { useSettingsApi } from './settings-api';

const keys = {
  all: (token: string) => ['settings', token] as const,
  profile: (token: string) => ['settings', token, 'profile'] as const,
  setup: (token: string) => ['settings', token, 'setup'] as const,
  devices: (token: string) => ['settings', token, 'devices'] as const,
  totp: (token: string) => ['settings', token, 'totp'] as const,
  recovery: (token: string) => ['settings', token, 'recovery-codes'] as const,
};

/** After a contact or factor changes, the profile and the banner are read again. */
const refreshAll = (client: QueryClient, token: string) =>
  client.invalidateQueries({ queryKey: keys.all(token) });

export function useProfile(token: string) {
  const api = useSettingsApi(token);
  return useQuery<Profile, ApiFailure>({
    queryKey: keys.profile(token),
    queryFn: () => api.profile(),
    retry: false,
  });
}

export function useSaveProfile(token: string) {
  const api = useSettingsApi(token);
  const client = useQueryClient();
  return useMutation<Profile, ApiFailure, ProfileUpdate>({
    mutationFn: (update) => api.saveProfile(update),
    onSuccess: (profile) => client.setQueryData(keys.profile(token), profile),
  });
}

export function useChangePassword(token: string) {
  const api = useSettingsApi(token);
  return useMutation<PasswordChanged, ApiFailure, { currentPassword: string; newPassword: string }>({
    mutationFn: (input) => api.changePassword(input),
  });
}

export function useSetupStatus(token: string) {
  const api = useSettingsApi(token);
  return useQuery<SetupStatus, ApiFailure>({
    queryKey: keys.setup(token),
    queryFn: () => api.setupStatus(),
    retry: false,
  });
}

export function useStartContactChange(token: string) {
  const api = useSettingsApi(token);
  return useMutation<
    ContactCodeSent,
    ApiFailure,
    { channel: ContactChannel; value: string; currentPassword: string }
  >({
    mutationFn: (input) => api.startContactChange(input),
  });
}

export function useResendContactCode(token: string) {
  const api = useSettingsApi(token);
  return useMutation<ContactCodeSent, ApiFailure, string>({
    mutationFn: (changeId) => api.resendContactCode(changeId),
  });
}

export function useVerifyContactChange(token: string) {
  const api = useSettingsApi(token);
  const client = useQueryClient();
  return useMutation<ContactApplied, ApiFailure, { changeId: string; code: string }>({
    mutationFn: ({ changeId, code }) => api.verifyContactChange(changeId, code),
    onSuccess: () => refreshAll(client, token),
  });
}

export function useRemoveContact(token: string) {
  const api = useSettingsApi(token);
  const client = useQueryClient();
  return useMutation<null, ApiFailure, { channel: ContactChannel; currentPassword: string }>({
    mutationFn: ({ channel, currentPassword }) => api.removeContact(channel, currentPassword),
    onSuccess: () => refreshAll(client, token),
  });
}

export function useDevices(token: string) {
  const api = useSettingsApi(token);
  return useQuery<TrustedDeviceList, ApiFailure>({
    queryKey: keys.devices(token),
    queryFn: () => api.devices(),
    retry: false,
  });
}

export function useRevokeDevice(token: string) {
  const api = useSettingsApi(token);
  const client = useQueryClient();
  return useMutation<null, ApiFailure, string>({
    mutationFn: (id) => api.revokeDevice(id),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.devices(token) }),
  });
}

export function useRevokeAllDevices(token: string) {
  const api = useSettingsApi(token);
  const client = useQueryClient();
  return useMutation<DevicesRevoked, ApiFailure, void>({
    mutationFn: () => api.revokeAllDevices(),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.devices(token) }),
  });
}

export function useTotpStatus(token: string) {
  const api = useSettingsApi(token);
  return useQuery<TotpStatus, ApiFailure>({
    queryKey: keys.totp(token),
    queryFn: () => api.totpStatus(),
    retry: false,
  });
}

export function useEnrollTotp(token: string) {
  const api = useSettingsApi(token);
  return useMutation<TotpEnrollment, ApiFailure, string>({
    mutationFn: (currentPassword) => api.enrollTotp(currentPassword),
  });
}

export function useConfirmTotp(token: string) {
  const api = useSettingsApi(token);
  const client = useQueryClient();
  return useMutation<TotpStatus, ApiFailure, string>({
    mutationFn: (code) => api.confirmTotp(code),
    onSuccess: () => refreshAll(client, token),
  });
}

export function useRemoveTotp(token: string) {
  const api = useSettingsApi(token);
  const client = useQueryClient();
  return useMutation<null, ApiFailure, string>({
    mutationFn: (currentPassword) => api.removeTotp(currentPassword),
    onSuccess: () => refreshAll(client, token),
  });
}

export function useRecoveryCodeStatus(token: string) {
  const api = useSettingsApi(token);
  return useQuery<RecoveryCodeStatus, ApiFailure>({
    queryKey: keys.recovery(token),
    queryFn: () => api.recoveryCodeStatus(),
    retry: false,
  });
}

export function useGenerateRecoveryCodes(token: string) {
  const api = useSettingsApi(token);
  const client = useQueryClient();
  return useMutation<RecoveryCodes, ApiFailure, string>({
    mutationFn: (currentPassword) => api.generateRecoveryCodes(currentPassword),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.recovery(token) }),
  });
}
