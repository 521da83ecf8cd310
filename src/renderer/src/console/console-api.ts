/**
 * The console's server calls (`/api/v1/admin/...`), one named function per endpoint, for the console's hooks
 * (console-hooks.ts, people-hooks.ts, application-hooks.ts) to call: the hooks say when to call and what to
 * refresh, this module says which request and which contract (src/shared/api-admin*.ts, api-contacts.ts).
 * It rides in the console's chunk with those schemas.
 */
import { useMemo } from 'react';
import {
  type AuditFilter,
  AuditPage,
  type PolicyUpdate,
  PolicyView,
  Readiness,
} from '../../../shared/api-admin';
import {
  type ActingPasswordBody,
  Application,
  ApplicationCredentials,
  ApplicationList,
  type ApplicationRegistration,
} from '../../../shared/api-admin-applications';
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
import type { ApiClient } from '../api/api-client';
import { useApiClient } from '../api/api-context';
import { NoContent, signedInCalls } from '../api/signed-in';
import { useConsoleSession } from './console-session';

const enc = encodeURIComponent;
const user = (userId: string) => `/admin/users/${enc(userId)}`;
const application = (clientId: string) => `/admin/applications/${enc(clientId)}`;

export type CsvExport = { kind: 'readiness' } | { kind: 'audit'; filter: AuditFilter };

export function createConsoleApi(api: ApiClient, sessionToken: string) {
  const { get, send, text } = signedInCalls(api, sessionToken);
  return {
    policy: () => get(PolicyView, '/admin/policy'),
    updatePolicy: (update: PolicyUpdate) => send(PolicyView, 'PUT', '/admin/policy', update),
    /** The counts and a page of the locked-out list: the first, or the one after the User ID `after`. */
    readiness: (after?: string) => get(Readiness, '/admin/readiness', after ? { after } : {}),
    /** A page of the trail: `before` (the last event id seen) when walking on, else `offset`. */
    auditPage: (filter: AuditFilter, page: { limit: number; offset: number; before?: string }) =>
      get(AuditPage, '/admin/audit', {
        ...filter,
        limit: page.limit,
        offset: page.offset,
        ...(page.before ? { before: page.before } : {}),
      }),
    csvExport: (csv: CsvExport) =>
      csv.kind === 'readiness' ? text('/admin/readiness.csv') : text('/admin/audit.csv', csv.filter),

    /** A page of users matching `q`: the first, or the one after the User ID `after`. */
    users: (q: string, after?: string) =>
      get(AdminUserList, '/admin/users', { ...(q ? { q } : {}), ...(after ? { after } : {}) }),
    user: (userId: string) => get(AdminUser, user(userId)),
    createUser: (created: AdminUserCreate) => send(AdminUser, 'POST', '/admin/users', created),
    updateUser: (userId: string, update: AdminUserUpdate) => send(AdminUser, 'PATCH', user(userId), update),
    unlockUser: (userId: string) => send(AdminUser, 'POST', `${user(userId)}/unlock`),
    resetTwoFactor: (userId: string, body: ReasonRequest) =>
      send(TwoFactorResetDone, 'POST', `${user(userId)}/reset-2fa`, body),
    setTemporaryPassword: (userId: string, body: TemporaryPasswordRequest) =>
      send(AdminUser, 'POST', `${user(userId)}/temporary-password`, body),
    issueBypass: (userId: string, request: RecoveryRequest) =>
      send(BypassIssued, 'POST', `${user(userId)}/recovery`, request),

    userDevices: (userId: string) => get(TrustedDeviceList, `${user(userId)}/devices`),
    revokeUserDevice: (userId: string, deviceId: string) =>
      send(NoContent, 'DELETE', `${user(userId)}/devices/${enc(deviceId)}`),
    revokeAllDevices: (body: ReasonRequest) => send(DevicesRevoked, 'DELETE', '/admin/devices', body),
    revokeAllSessions: (body: ReasonRequest) => send(SessionsRevoked, 'DELETE', '/admin/sessions', body),

    setContact: (userId: string, request: AdminContactRequest) =>
      send(AdminContactResult, 'POST', `${user(userId)}/contacts`, request),
    resendContactCode: (userId: string, changeId: string) =>
      send(ContactCodeSent, 'POST', `${user(userId)}/contacts/${enc(changeId)}/send`),
    verifyContact: (userId: string, changeId: string, code: string) =>
      send(ContactApplied, 'POST', `${user(userId)}/contacts/${enc(changeId)}/verify`, { code }),

    locations: () => get(AdminLocationList, '/admin/locations'),
    createLocation: (name: string) => send(AdminLocation, 'POST', '/admin/locations', { name }),
    renameLocation: (id: string, name: string) =>
      send(AdminLocation, 'PATCH', `/admin/locations/${enc(id)}`, { name }),

    recoveryChecklist: () => get(RecoveryChecklist, '/admin/recovery-checklist'),
    updateChecklist: (update: RecoveryChecklistUpdate) =>
      send(RecoveryChecklist, 'PUT', '/admin/recovery-checklist', update),

    applications: () => get(ApplicationList, '/admin/applications'),
    registerApplication: (registration: ApplicationRegistration) =>
      send(ApplicationCredentials, 'POST', '/admin/applications', registration),
    disableApplication: (clientId: string, body: ActingPasswordBody) =>
      send(Application, 'POST', `${application(clientId)}/disable`, body),
    rotateApplicationSecret: (clientId: string, body: ActingPasswordBody) =>
      send(ApplicationCredentials, 'POST', `${application(clientId)}/rotate-secret`, body),
  };
}

export type ConsoleApi = ReturnType<typeof createConsoleApi>;

/** The console calls of the signed-in account manager (the console session's). */
export function useConsoleApi(): ConsoleApi {
  const api = useApiClient();
  const { sessionToken } = useConsoleSession();
  return useMemo(() => createConsoleApi(api, sessionToken), [api, sessionToken]);
}
