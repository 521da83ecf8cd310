/**
 * The console's users, locations, workstations, contacts and guided-recovery calls, one react-query hook
 * each, through the API client's signed-in `request` (answers parsed with src/shared/api-admin-users.ts and
 * api-contacts.ts).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import {
  AdminLocation,
  AdminLocationList,
  AdminUser,
  type AdminUserCreate,
  AdminUserList,
  type AdminUserUpdate,
  BypassIssued,
  type ReasonRequest,
  RecoveryChecklist,
  type RecoveryChecklistUpdate,
  type RecoveryRequest,
  SessionsRevoked,
  type TemporaryPasswordRequest,
  TwoFactorResetDone,
} from '../../../shared/api-admin-users';
import {
  type AdminContactRequest,
  AdminContactResult,
  ContactApplied,
  ContactCodeSent,
} from '../../../shared/api-contacts';
import { DevicesRevoked, TrustedDeviceList } from '../../../shared/api-me';
import { useApiClient } from '../api/api-context';
import type { ApiFailure } from '../api/api-failure';
import { consoleKey } from './console-hooks';
import { useConsoleSession } from './console-session';

const NoContent = z.null();
const enc = encodeURIComponent;

/** The API client and the session, and a way to refetch what a change made stale. */
function useCall() {
  const api = useApiClient();
  const { sessionToken } = useConsoleSession();
  const queries = useQueryClient();
  const stale = (...what: string[]) => {
    for (const part of what) void queries.invalidateQueries({ queryKey: consoleKey(sessionToken, part) });
  };
  return { api, sessionToken, stale };
}

export function useUsers(search: string) {
  const { api, sessionToken } = useCall();
  const q = search.trim();
  return useQuery<AdminUserList, ApiFailure>({
    queryKey: consoleKey(sessionToken, 'users', q),
    queryFn: () =>
      api.request(AdminUserList, {
        method: 'GET',
        path: '/admin/users',
        sessionToken,
        query: q ? { q } : {},
      }),
  });
}

export function useCreateUser() {
  const { api, sessionToken, stale } = useCall();
  return useMutation<AdminUser, ApiFailure, AdminUserCreate>({
    mutationFn: (user) =>
      api.request(AdminUser, { method: 'POST', path: '/admin/users', sessionToken, body: user }),
    // The temporary password is in the variables: drop them once the form is gone.
    gcTime: 0,
    onSuccess: () => stale('users', 'locations', 'readiness', 'audit'),
  });
}

export function useUpdateUser(userId: string) {
  const { api, sessionToken, stale } = useCall();
  return useMutation<AdminUser, ApiFailure, AdminUserUpdate>({
    mutationFn: (update) =>
      api.request(AdminUser, {
        method: 'PATCH',
        path: `/admin/users/${enc(userId)}`,
        sessionToken,
        body: update,
      }),
    onSuccess: () => stale('users', 'locations', 'readiness', 'audit'),
  });
}

export function useUnlockUser(userId: string) {
  const { api, sessionToken, stale } = useCall();
  return useMutation<AdminUser, ApiFailure, void>({
    mutationFn: () =>
      api.request(AdminUser, { method: 'POST', path: `/admin/users/${enc(userId)}/unlock`, sessionToken }),
    onSuccess: () => stale('users', 'audit'),
  });
}

export function useResetTwoFactor(userId: string) {
  const { api, sessionToken, stale } = useCall();
  return useMutation<TwoFactorResetDone, ApiFailure, ReasonRequest>({
    mutationFn: (body) =>
      api.request(TwoFactorResetDone, {
        method: 'POST',
        path: `/admin/users/${enc(userId)}/reset-2fa`,
        sessionToken,
        body,
      }),
    // The account manager's password is in the variables: drop them once the form is gone.
    gcTime: 0,
    onSuccess: () => stale('users', 'devices', 'readiness', 'audit'),
  });
}

export function useSetTemporaryPassword(userId: string) {
  const { api, sessionToken, stale } = useCall();
  return useMutation<AdminUser, ApiFailure, TemporaryPasswordRequest>({
    mutationFn: (body) =>
      api.request(AdminUser, {
        method: 'POST',
        path: `/admin/users/${enc(userId)}/temporary-password`,
        sessionToken,
        body,
      }),
    // The temporary password is in the variables: drop them once the form is gone.
    gcTime: 0,
    onSuccess: () => stale('users', 'devices', 'audit'),
  });
}

export function useUserDevices(userId: string) {
  const { api, sessionToken } = useCall();
  return useQuery<TrustedDeviceList, ApiFailure>({
    queryKey: consoleKey(sessionToken, 'devices', userId),
    queryFn: () =>
      api.request(TrustedDeviceList, {
        method: 'GET',
        path: `/admin/users/${enc(userId)}/devices`,
        sessionToken,
      }),
  });
}

export function useRevokeUserDevice(userId: string) {
  const { api, sessionToken, stale } = useCall();
  return useMutation<null, ApiFailure, string>({
    mutationFn: (deviceId) =>
      api.request(NoContent, {
        method: 'DELETE',
        path: `/admin/users/${enc(userId)}/devices/${enc(deviceId)}`,
        sessionToken,
      }),
    onSuccess: () => stale('devices', 'audit'),
  });
}

/** What "Revoke every workstation" asks: a reason, the account manager's password, and whether to sign everyone out. */
export interface RevokeEverywhere extends ReasonRequest {
  signEveryoneOut: boolean;
}

/** How many workstations were forgotten, and (when asked) how many signed-in sessions ended. */
export interface RevokedEverywhere {
  workstations: number;
  sessions?: number;
}

/**
 * Every trusted workstation in the practice, with a reason and the account manager's password; with "and
 * sign everyone out", every signed-in session too (but this one), and the applications behind them.
 */
export function useRevokeAllDevices() {
  const { api, sessionToken, stale } = useCall();
  return useMutation<RevokedEverywhere, ApiFailure, RevokeEverywhere>({
    mutationFn: async ({ signEveryoneOut, ...body }) => {
      const devices = await api.request(DevicesRevoked, {
        method: 'DELETE',
        path: '/admin/devices',
        sessionToken,
        body,
      });
      if (!signEveryoneOut) return { workstations: devices.revoked };
      const sessions = await api.request(SessionsRevoked, {
        method: 'DELETE',
        path: '/admin/sessions',
        sessionToken,
        body,
      });
      return { workstations: devices.revoked, sessions: sessions.revoked };
    },
    // The account manager's password is in the variables: drop them once the form is gone.
    gcTime: 0,
    onSuccess: () => stale('devices', 'audit', 'users'),
  });
}

export function useSetContact(userId: string) {
  const { api, sessionToken, stale } = useCall();
  return useMutation<AdminContactResult, ApiFailure, AdminContactRequest>({
    mutationFn: (request) =>
      api.request(AdminContactResult, {
        method: 'POST',
        path: `/admin/users/${enc(userId)}/contacts`,
        sessionToken,
        body: request,
      }),
    onSuccess: (result) => {
      if (result.status === 'applied') stale('users', 'readiness', 'audit');
    },
  });
}

export function useResendContactCode(userId: string) {
  const { api, sessionToken } = useCall();
  return useMutation<ContactCodeSent, ApiFailure, string>({
    mutationFn: (changeId) =>
      api.request(ContactCodeSent, {
        method: 'POST',
        path: `/admin/users/${enc(userId)}/contacts/${enc(changeId)}/send`,
        sessionToken,
      }),
  });
}

export function useVerifyContact(userId: string) {
  const { api, sessionToken, stale } = useCall();
  return useMutation<ContactApplied, ApiFailure, { changeId: string; code: string }>({
    mutationFn: ({ changeId, code }) =>
      api.request(ContactApplied, {
        method: 'POST',
        path: `/admin/users/${enc(userId)}/contacts/${enc(changeId)}/verify`,
        sessionToken,
        body: { code },
      }),
    gcTime: 0,
    onSuccess: () => stale('users', 'readiness', 'audit'),
  });
}

export function useLocations() {
  const { api, sessionToken } = useCall();
  return useQuery<AdminLocationList, ApiFailure>({
    queryKey: consoleKey(sessionToken, 'locations'),
    queryFn: () => api.request(AdminLocationList, { method: 'GET', path: '/admin/locations', sessionToken }),
  });
}

export function useCreateLocation() {
  const { api, sessionToken, stale } = useCall();
  return useMutation<AdminLocation, ApiFailure, string>({
    mutationFn: (name) =>
      api.request(AdminLocation, { method: 'POST', path: '/admin/locations', sessionToken, body: { name } }),
    onSuccess: () => stale('locations', 'audit'),
  });
}

export function useRenameLocation() {
  const { api, sessionToken, stale } = useCall();
  return useMutation<AdminLocation, ApiFailure, { id: string; name: string }>({
    mutationFn: ({ id, name }) =>
      api.request(AdminLocation, {
        method: 'PATCH',
        path: `/admin/locations/${enc(id)}`,
        sessionToken,
        body: { name },
      }),
    // A user's locations carry the name too.
    onSuccess: () => stale('locations', 'users', 'audit'),
  });
}

export function useRecoveryChecklist() {
  const { api, sessionToken } = useCall();
  return useQuery<RecoveryChecklist, ApiFailure>({
    queryKey: consoleKey(sessionToken, 'checklist'),
    queryFn: () =>
      api.request(RecoveryChecklist, { method: 'GET', path: '/admin/recovery-checklist', sessionToken }),
  });
}

export function useUpdateChecklist() {
  const { api, sessionToken, stale } = useCall();
  return useMutation<RecoveryChecklist, ApiFailure, RecoveryChecklistUpdate>({
    mutationFn: (update) =>
      api.request(RecoveryChecklist, {
        method: 'PUT',
        path: '/admin/recovery-checklist',
        sessionToken,
        body: update,
      }),
    onSuccess: () => stale('checklist', 'audit'),
  });
}

/** Guided recovery: the identity check done, a one-time bypass code for the user. */
export function useIssueBypass(userId: string) {
  const { api, sessionToken, stale } = useCall();
  return useMutation<BypassIssued, ApiFailure, RecoveryRequest>({
    mutationFn: (request) =>
      api.request(BypassIssued, {
        method: 'POST',
        path: `/admin/users/${enc(userId)}/recovery`,
        sessionToken,
        body: request,
      }),
    // The bypass code is shown once: nothing keeps it after the screen that shows it is gone.
    gcTime: 0,
    onSuccess: () => stale('users', 'audit'),
  });
}
