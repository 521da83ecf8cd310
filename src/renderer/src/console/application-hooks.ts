/**
 * The console's applications calls (relying parties for "Login with WRSAuth"), one react-query hook each:
 * when to call and what to refresh afterwards (the requests are console-api.ts's). A secret comes back in a
 * mutation's answer only; gcTime 0 drops it, and the password in the variables, from the cache once the
 * screen that showed it is gone.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  ActingPasswordBody,
  Application,
  ApplicationCredentials,
  ApplicationList,
  ApplicationRegistration,
} from '../../../shared/api-admin-applications';
import type { ApiFailure } from '../api/api-failure';
import { useConsoleApi } from './console-api';
import { consoleKey } from './console-hooks';
import { useConsoleSession } from './console-session';

/** The console's calls and the session, and a way to refetch the list and the audit trail after a change. */
function useCall() {
  const api = useConsoleApi();
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
    queryFn: () => api.applications(),
  });
}

export function useRegisterApplication() {
  const { api, changed } = useCall();
  return useMutation<ApplicationCredentials, ApiFailure, ApplicationRegistration>({
    mutationFn: (registration) => api.registerApplication(registration),
    gcTime: 0,
    onSuccess: changed,
  });
}

type ClientAction = ActingPasswordBody & { clientId: string };

export function useDisableApplication() {
  const { api, changed } = useCall();
  return useMutation<Application, ApiFailure, ClientAction>({
    mutationFn: ({ clientId, ...body }) => api.disableApplication(clientId, body),
    gcTime: 0,
    onSuccess: changed,
  });
}

export function useRotateApplicationSecret() {
  const { api, changed } = useCall();
  return useMutation<ApplicationCredentials, ApiFailure, ClientAction>({
    mutationFn: ({ clientId, ...body }) => api.rotateApplicationSecret(clientId, body),
    gcTime: 0,
    onSuccess: changed,
  });
}
