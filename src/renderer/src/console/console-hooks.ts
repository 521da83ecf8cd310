/**
 * The console's policy, readiness and audit calls, one react-query hook each: when to call and what to
 * refresh afterwards. The requests, and the contracts their answers are parsed with, are console-api.ts's.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AuditFilter, AuditPage, PolicyUpdate, PolicyView, Readiness } from '../../../shared/api-admin';
import type { ApiFailure } from '../api/api-failure';
import { type CsvExport, useConsoleApi } from './console-api';
import { useConsoleSession } from './console-session';

/** Every console query sits under the session it was made with, so another sign-in never sees its answers. */
export const consoleKey = (sessionToken: string, ...rest: unknown[]) => ['console', sessionToken, ...rest];

export function usePolicy() {
  const api = useConsoleApi();
  const { sessionToken } = useConsoleSession();
  return useQuery<PolicyView, ApiFailure>({
    queryKey: consoleKey(sessionToken, 'policy'),
    queryFn: () => api.policy(),
  });
}

export function useUpdatePolicy() {
  const api = useConsoleApi();
  const { sessionToken } = useConsoleSession();
  const queries = useQueryClient();
  return useMutation<PolicyView, ApiFailure, PolicyUpdate>({
    mutationFn: (update) => api.updatePolicy(update),
    // The account manager's password is in the variables: drop them once the form is gone.
    gcTime: 0,
    onSuccess: (saved) => {
      queries.setQueryData(consoleKey(sessionToken, 'policy'), saved);
      // Readiness is measured against the policy, and the change itself is a new audit event.
      void queries.invalidateQueries({ queryKey: consoleKey(sessionToken, 'readiness') });
      void queries.invalidateQueries({ queryKey: consoleKey(sessionToken, 'audit') });
    },
  });
}

export function useReadiness() {
  const api = useConsoleApi();
  const { sessionToken } = useConsoleSession();
  return useQuery<Readiness, ApiFailure>({
    queryKey: consoleKey(sessionToken, 'readiness'),
    queryFn: () => api.readiness(),
  });
}

export const AUDIT_PAGE_SIZE = 50;

/** One page of the audit trail; the previous page stays on screen while the next one loads. */
export function useAuditPage(filter: AuditFilter, offset: number) {
  const api = useConsoleApi();
  const { sessionToken } = useConsoleSession();
  return useQuery<AuditPage, ApiFailure>({
    queryKey: consoleKey(sessionToken, 'audit', filter, offset),
    queryFn: () => api.auditPage(filter, { limit: AUDIT_PAGE_SIZE, offset }),
    placeholderData: keepPreviousData,
  });
}

/** Fetches a CSV export as text (the screen hands it to the browser as a download). */
export function useCsvExport() {
  const api = useConsoleApi();
  return useMutation<string, ApiFailure, CsvExport>({
    mutationFn: (csv) => api.csvExport(csv),
  });
}
