/**
 * The console's users, locations, workstations, contacts and guided-recovery calls, one react-query hook
 * each: when to call and what to refresh afterwards. The requests, and the contracts their answers are
 * parsed with (src/shared/api-admin-users.ts, api-contacts.ts), are console-api.ts's.
 */
import {
  type InfiniteData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type {
  AdminLocation,
  AdminLocationList,
  AdminUser,
  AdminUserCreate,
  AdminUserList,
  AdminUserUpdate,
  BypassIssued,
  ReasonRequest,
  RecoveryChecklist,
  RecoveryChecklistUpdate,
  RecoveryRequest,
  TemporaryPasswordRequest,
  TwoFactorResetDone,
} from '../../../shared/api-admin-users';
import type {
  AdminContactRequest,
  AdminContactResult,
  ContactApplied,
  ContactCodeSent,
} from '../../../shared/api-contacts';
import type { TrustedDeviceList } from '../../../shared/api-me';
import type { ApiFailure } from '../api/api-failure';
import { useConsoleApi } from './console-api';
import { consoleKey } from './console-hooks';
import { useConsoleSession } from './console-session';

/** The console's calls and the session, and a way to refetch what a change made stale. */
function useCall() {
  const api = useConsoleApi();
  const { sessionToken } = useConsoleSession();
  const queries = useQueryClient();
  const stale = (...what: string[]) => {
    for (const part of what) void queries.invalidateQueries({ queryKey: consoleKey(sessionToken, part) });
  };
  return { api, sessionToken, stale };
}

/** The users matching `search`, page by page: the server's `nextAfter` asks for the next page. */
export function useUsers(search: string) {
  const { api, sessionToken } = useCall();
  const q = search.trim();
  return useInfiniteQuery<
    AdminUserList,
    ApiFailure,
    InfiniteData<AdminUserList>,
    unknown[],
    string | undefined
  >({
    queryKey: consoleKey(sessionToken, 'users', q),
    queryFn: ({ pageParam }) => api.users(q, pageParam),
    initialPageParam: undefined,
    getNextPageParam: (last) => last.nextAfter ?? undefined,
  });
}

/** One user: `listed` when a loaded page holds them (kept fresh with the list), else read on its own. */
export function useAdminUser(userId: string, listed: AdminUser | undefined) {
  const { api, sessionToken } = useCall();
  const alone = useQuery<AdminUser, ApiFailure>({
    queryKey: consoleKey(sessionToken, 'users', 'one', userId),
    queryFn: () => api.user(userId),
    enabled: listed === undefined,
  });
  return listed ?? alone.data;
}

export function useCreateUser() {
  const { api, stale } = useCall();
  return useMutation<AdminUser, ApiFailure, AdminUserCreate>({
    mutationFn: (user) => api.createUser(user),
    // The temporary password is in the variables: drop them once the form is gone.
    gcTime: 0,
    onSuccess: () => stale('users', 'locations', 'readiness', 'audit'),
  });
}

export function useUpdateUser(userId: string) {
  const { api, stale } = useCall();
  return useMutation<AdminUser, ApiFailure, AdminUserUpdate>({
    mutationFn: (update) => api.updateUser(userId, update),
    onSuccess: () => stale('users', 'locations', 'readiness', 'audit'),
  });
}

export function useUnlockUser(userId: string) {
  const { api, stale } = useCall();
  return useMutation<AdminUser, ApiFailure, void>({
    mutationFn: () => api.unlockUser(userId),
    onSuccess: () => stale('users', 'audit'),
  });
}

export function useResetTwoFactor(userId: string) {
  const { api, stale } = useCall();
  return useMutation<TwoFactorResetDone, ApiFailure, ReasonRequest>({
    mutationFn: (body) => api.resetTwoFactor(userId, body),
    // The account manager's password is in the variables: drop them once the form is gone.
    gcTime: 0,
    onSuccess: () => stale('users', 'devices', 'readiness', 'audit'),
  });
}

export function useSetTemporaryPassword(userId: string) {
  const { api, stale } = useCall();
  return useMutation<AdminUser, ApiFailure, TemporaryPasswordRequest>({
    mutationFn: (body) => api.setTemporaryPassword(userId, body),
    // The temporary password is in the variables: drop them once the form is gone.
    gcTime: 0,
    onSuccess: () => stale('users', 'devices', 'audit'),
  });
}

export function useUserDevices(userId: string) {
  const { api, sessionToken } = useCall();
  return useQuery<TrustedDeviceList, ApiFailure>({
    queryKey: consoleKey(sessionToken, 'devices', userId),
    queryFn: () => api.userDevices(userId),
  });
}

export function useRevokeUserDevice(userId: string) {
  const { api, stale } = useCall();
  return useMutation<null, ApiFailure, string>({
    mutationFn: (deviceId) => api.revokeUserDevice(userId, deviceId),
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
  const { api, stale } = useCall();
  return useMutation<RevokedEverywhere, ApiFailure, RevokeEverywhere>({
    mutationFn: async ({ signEveryoneOut, ...body }) => {
      const devices = await api.revokeAllDevices(body);
      if (!signEveryoneOut) return { workstations: devices.revoked };
      const sessions = await api.revokeAllSessions(body);
      return { workstations: devices.revoked, sessions: sessions.revoked };
    },
    // The account manager's password is in the variables: drop them once the form is gone.
    gcTime: 0,
    onSuccess: () => stale('devices', 'audit', 'users'),
  });
}

export function useSetContact(userId: string) {
  const { api, stale } = useCall();
  return useMutation<AdminContactResult, ApiFailure, AdminContactRequest>({
    mutationFn: (request) => api.setContact(userId, request),
    onSuccess: (result) => {
      if (result.status === 'applied') stale('users', 'readiness', 'audit');
    },
  });
}

export function useResendContactCode(userId: string) {
  const { api } = useCall();
  return useMutation<ContactCodeSent, ApiFailure, string>({
    mutationFn: (changeId) => api.resendContactCode(userId, changeId),
  });
}

export function useVerifyContact(userId: string) {
  const { api, stale } = useCall();
  return useMutation<ContactApplied, ApiFailure, { changeId: string; code: string }>({
    mutationFn: ({ changeId, code }) => api.verifyContact(userId, changeId, code),
    gcTime: 0,
    onSuccess: () => stale('users', 'readiness', 'audit'),
  });
}

export function useLocations() {
  const { api, sessionToken } = useCall();
  return useQuery<AdminLocationList, ApiFailure>({
    queryKey: consoleKey(sessionToken, 'locations'),
    queryFn: () => api.locations(),
  });
}

export function useCreateLocation() {
  const { api, stale } = useCall();
  return useMutation<AdminLocation, ApiFailure, string>({
    mutationFn: (name) => api.createLocation(name),
    onSuccess: () => stale('locations', 'audit'),
  });
}

export function useRenameLocation() {
  const { api, stale } = useCall();
  return useMutation<AdminLocation, ApiFailure, { id: string; name: string }>({
    mutationFn: ({ id, name }) => api.renameLocation(id, name),
    // A user's locations carry the name too.
    onSuccess: () => stale('locations', 'users', 'audit'),
  });
}

export function useRecoveryChecklist() {
  const { api, sessionToken } = useCall();
  return useQuery<RecoveryChecklist, ApiFailure>({
    queryKey: consoleKey(sessionToken, 'checklist'),
    queryFn: () => api.recoveryChecklist(),
  });
}

export function useUpdateChecklist() {
  const { api, stale } = useCall();
  return useMutation<RecoveryChecklist, ApiFailure, RecoveryChecklistUpdate>({
    mutationFn: (update) => api.updateChecklist(update),
    onSuccess: () => stale('checklist', 'audit'),
  });
}

/** Guided recovery: the identity check done, a one-time bypass code for the user. */
export function useIssueBypass(userId: string) {
  const { api, stale } = useCall();
  return useMutation<BypassIssued, ApiFailure, RecoveryRequest>({
    mutationFn: (request) => api.issueBypass(userId, request),
    // The bypass code is shown once: nothing keeps it after the screen that shows it is gone.
    gcTime: 0,
    onSuccess: () => stale('users', 'audit'),
  });
}
