/**
 * My settings' server calls (`/api/v1/me/...`), one named function per endpoint, for settings-hooks.ts to
 * call: the hooks say when to call and what to refresh, this module says which request and which contract.
 * It rides in the settings chunk with the schemas it parses.
 */
import { useMemo } from 'react';
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
import type { ApiClient } from '../api/api-client';
import { useApiClient } from '../api/api-context';
import { NoContent, signedInCalls } from '../api/signed-in';

const enc = encodeURIComponent;

export function createSettingsApi(api: ApiClient, sessionToken: string) {
  const { get, send } = signedInCalls(api, sessionToken);
  return {
    profile: () => get(Profile, '/me/profile'),
    saveProfile: (update: ProfileUpdate) => send(Profile, 'PUT', '/me/profile', update),
    changePassword: (input: { currentPassword: string; newPassword: string }) =>
      send(PasswordChanged, 'POST', '/me/password', input),
    setupStatus: () => get(SetupStatus, '/me/setup'),

    startContactChange: (input: { channel: ContactChannel; value: string; currentPassword: string }) =>
      send(ContactCodeSent, 'POST', '/me/contacts', input),
    resendContactCode: (changeId: string) =>
      send(ContactCodeSent, 'POST', `/me/contacts/${enc(changeId)}/send`),
    verifyContactChange: (changeId: string, code: string) =>
      send(ContactApplied, 'POST', `/me/contacts/${enc(changeId)}/verify`, { code }),
    removeContact: (channel: ContactChannel, currentPassword: string) =>
      send(NoContent, 'DELETE', `/me/contacts/${channel}`, { currentPassword }),

    devices: () => get(TrustedDeviceList, '/me/devices'),
    revokeDevice: (deviceId: string) => send(NoContent, 'DELETE', `/me/devices/${enc(deviceId)}`),
    revokeAllDevices: () => send(DevicesRevoked, 'DELETE', '/me/devices'),

    totpStatus: () => get(TotpStatus, '/me/totp'),
    enrollTotp: (currentPassword: string) => send(TotpEnrollment, 'POST', '/me/totp', { currentPassword }),
    confirmTotp: (code: string) => send(TotpStatus, 'POST', '/me/totp/confirm', { code }),
    removeTotp: (currentPassword: string) => send(NoContent, 'DELETE', '/me/totp', { currentPassword }),

    recoveryCodeStatus: () => get(RecoveryCodeStatus, '/me/recovery-codes'),
    generateRecoveryCodes: (currentPassword: string) =>
      send(RecoveryCodes, 'POST', '/me/recovery-codes', { currentPassword }),
  };
}

export type SettingsApi = ReturnType<typeof createSettingsApi>;

/** The settings calls of the session `sessionToken`. */
export function useSettingsApi(sessionToken: string): SettingsApi {
  const api = useApiClient();
  return useMemo(() => createSettingsApi(api, sessionToken), [api, sessionToken]);
}
