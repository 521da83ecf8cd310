/**
 * The console's applications calls (relying parties for "Login with WRSAuth"), one react-query hook each,
 * through the API client's signed-in `request` (answers parsed with src/shared/api-admin-applications.ts).
 * A secret comes back in a mutation's answer only; gcTime 0 drops it, and the password in the variables,
 * from the cache once the screen that showed it is gone.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  type ActingPasswordBody,
  Application,
  ApplicationCredentials,
  ApplicationList,
  type ApplicationRegistration,
} from '../../../shared/api-admin-applications';
import { useApiClient } from '../api/api-context';
import type { ApiFailure } from '../api/api-failure';
import { consoleKey } from './console-hooks';
import { useConsoleSession } from './console-session';

/** The API client and the session, and a way to refetch the list and the audit trail after a change. */
function useCall() {
  const api = useApiClient();
  const { sessionToken } = useConsoleSession();
  const queries = useQueryClient();
  const changed = () => {
    for (const part of ['applications', 'audit']) {
      void queries.invalidateQueries({ queryKey: consoleKey(sessionToken, part) });
    }
  };
  return { api, sessionToken, changed };
}

export function useApplications() {
  const { api, sessionToken } = useCall();
  return useQuery<ApplicationList, ApiFailure>({
    queryKey: consoleKey(sessionToken, 'applications'),
    queryFn: () => api.request(ApplicationList, { method: 'GET', path: '/admin/applications', sessionToken }),
  });
}

export function useRegisterApplication() {
  const { api, sessionToken, changed } = useCall();
  return useMutation<ApplicationCredentials, ApiFailure, ApplicationRegistration>({
    mutationFn: (registration) =>
      api.request(ApplicationCredentials, {
        method: 'POST',
        path: '/admin/applications',
        sessionToken,
        body: registration,
      }),
    gcTime: 0,
    onSuccess: changed,
  });
}

type ClientAction = ActingPasswordBody & { clientId: string };

export function useDisableApplication() {
  const { api, sessionToken, changed } = useCall();
  return useMutation<Application, ApiFailure, ClientAction>({
    mutationFn: ({ clientId, ...body }) =>
      api.request(Application, {
        method: 'POST',
        path: `/admin/applications/${encodeURIComponent(clientId)}/disable`,
        sessionToken,
        body,
      }),
    gcTime: 0,
    onSuccess: changed,
  });
}

export function useRotateApplicationSecret() {
  const { api, sessionToken, changed } = useCall();
  return useMutation<ApplicationCredentials, ApiFailure, ClientAction>({
    mutationFn: ({ clientId, ...body }) =>
      api.request(ApplicationCredentials, {
        method: 'POST',
        path: `/admin/applications/${encodeURIComponent(clientId)}/rotate-secret`,
        sessionToken,
        body,
      }),
    gcTime: 0,
    onSuccess: changed,
  });
}
