/**
 * My settings' server calls, one react-query hook each, every answer parsed with the shared contract through
 * the API client's generic signed-in request.
 */
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import {
  ContactApplied,
  type ContactChannel,
  ContactCodeSent,
  DevicesRevoked,
  PasswordChanged,
  Profile,
  type ProfileUpdate,
  RecoveryCodeStatus,
  RecoveryCodes,
  SetupStatus,
  TotpEnrollment,
  TotpStatus,
  TrustedDeviceList,
} from '../../../shared/api';
import { useApiClient } from '../api/api-context';
import type { ApiFailure } from '../api/api-failure';

const noContent = z.null();

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

function useSignedIn(token: string) {
  const api = useApiClient();
  return {
    get: <S extends z.ZodType>(schema: S, path: string) =>
      api.request(schema, { method: 'GET', path, sessionToken: token }),
    send: <S extends z.ZodType>(schema: S, method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) =>
      api.request(schema, { method, path, sessionToken: token, body }),
  };
}

export function useProfile(token: string) {
  const call = useSignedIn(token);
  return useQuery<Profile, ApiFailure>({
    queryKey: keys.profile(token),
    queryFn: () => call.get(Profile, '/me/profile'),
    retry: false,
  });
}

export function useSaveProfile(token: string) {
  const call = useSignedIn(token);
  const client = useQueryClient();
  return useMutation<Profile, ApiFailure, ProfileUpdate>({
    mutationFn: (update) => call.send(Profile, 'PUT', '/me/profile', update),
    onSuccess: (profile) => client.setQueryData(keys.profile(token), profile),
  });
}

export function useChangePassword(token: string) {
  const call = useSignedIn(token);
  return useMutation<PasswordChanged, ApiFailure, { currentPassword: string; newPassword: string }>({
    mutationFn: (input) => call.send(PasswordChanged, 'POST', '/me/password', input),
  });
}

export function useSetupStatus(token: string) {
  const call = useSignedIn(token);
  return useQuery<SetupStatus, ApiFailure>({
    queryKey: keys.setup(token),
    queryFn: () => call.get(SetupStatus, '/me/setup'),
    retry: false,
  });
}

export function useStartContactChange(token: string) {
  const call = useSignedIn(token);
  return useMutation<
    ContactCodeSent,
    ApiFailure,
    { channel: ContactChannel; value: string; currentPassword: string }
  >({
    mutationFn: (input) => call.send(ContactCodeSent, 'POST', '/me/contacts', input),
  });
}

export function useResendContactCode(token: string) {
  const call = useSignedIn(token);
  return useMutation<ContactCodeSent, ApiFailure, string>({
    mutationFn: (changeId) =>
      call.send(ContactCodeSent, 'POST', `/me/contacts/${encodeURIComponent(changeId)}/send`),
  });
}

export function useVerifyContactChange(token: string) {
  const call = useSignedIn(token);
  const client = useQueryClient();
  return useMutation<ContactApplied, ApiFailure, { changeId: string; code: string }>({
    mutationFn: ({ changeId, code }) =>
      call.send(ContactApplied, 'POST', `/me/contacts/${encodeURIComponent(changeId)}/verify`, {
        code,
      }),
    onSuccess: () => refreshAll(client, token),
  });
}

export function useRemoveContact(token: string) {
  const call = useSignedIn(token);
  const client = useQueryClient();
  return useMutation<null, ApiFailure, { channel: ContactChannel; currentPassword: string }>({
    mutationFn: ({ channel, currentPassword }) =>
      call.send(noContent, 'DELETE', `/me/contacts/${channel}`, { currentPassword }),
    onSuccess: () => refreshAll(client, token),
  });
}

export function useDevices(token: string) {
  const call = useSignedIn(token);
  return useQuery<TrustedDeviceList, ApiFailure>({
    queryKey: keys.devices(token),
    queryFn: () => call.get(TrustedDeviceList, '/me/devices'),
    retry: false,
  });
}

export function useRevokeDevice(token: string) {
  const call = useSignedIn(token);
  const client = useQueryClient();
  return useMutation<null, ApiFailure, string>({
    mutationFn: (id) => call.send(noContent, 'DELETE', `/me/devices/${encodeURIComponent(id)}`),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.devices(token) }),
  });
}

export function useRevokeAllDevices(token: string) {
  const call = useSignedIn(token);
  const client = useQueryClient();
  return useMutation<DevicesRevoked, ApiFailure, void>({
    mutationFn: () => call.send(DevicesRevoked, 'DELETE', '/me/devices'),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.devices(token) }),
  });
}

export function useTotpStatus(token: string) {
  const call = useSignedIn(token);
  return useQuery<TotpStatus, ApiFailure>({
    queryKey: keys.totp(token),
    queryFn: () => call.get(TotpStatus, '/me/totp'),
    retry: false,
  });
}

export function useEnrollTotp(token: string) {
  const call = useSignedIn(token);
  return useMutation<TotpEnrollment, ApiFailure, string>({
    mutationFn: (currentPassword) => call.send(TotpEnrollment, 'POST', '/me/totp', { currentPassword }),
  });
}

export function useConfirmTotp(token: string) {
  const call = useSignedIn(token);
  const client = useQueryClient();
  return useMutation<TotpStatus, ApiFailure, string>({
    mutationFn: (code) => call.send(TotpStatus, 'POST', '/me/totp/confirm', { code }),
    onSuccess: () => refreshAll(client, token),
  });
}

export function useRemoveTotp(token: string) {
  const call = useSignedIn(token);
  const client = useQueryClient();
  return useMutation<null, ApiFailure, string>({
    mutationFn: (currentPassword) => call.send(noContent, 'DELETE', '/me/totp', { currentPassword }),
    onSuccess: () => refreshAll(client, token),
  });
}

export function useRecoveryCodeStatus(token: string) {
  const call = useSignedIn(token);
  return useQuery<RecoveryCodeStatus, ApiFailure>({
    queryKey: keys.recovery(token),
    queryFn: () => call.get(RecoveryCodeStatus, '/me/recovery-codes'),
    retry: false,
  });
}

export function useGenerateRecoveryCodes(token: string) {
  const call = useSignedIn(token);
  const client = useQueryClient();
  return useMutation<RecoveryCodes, ApiFailure, string>({
    mutationFn: (currentPassword) =>
      call.send(RecoveryCodes, 'POST', '/me/recovery-codes', { currentPassword }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.recovery(token) }),
  });
}
