/**
 * The console's policy, readiness and audit calls, one react-query hook each, through the API client's
 * signed-in `request` (every answer parsed with the shared contract in src/shared/api-admin.ts).
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import {
  type AuditFilter,
  AuditPage,
  type PolicyUpdate,
  PolicyView,
  Readiness,
} from '../../../shared/api-admin';
import { useApiClient } from '../api/api-context';
import type { ApiFailure } from '../api/api-failure';

/** Every console query sits under the session it was made with, so another sign-in never sees its answers. */
export const consoleKey = (sessionToken: string, ...rest: unknown[]) => ['console', sessionToken, ...rest];

export function usePolicy(sessionToken: string) {
  const api = useApiClient();
  return useQuery<PolicyView, ApiFailure>({
    queryKey: consoleKey(sessionToken, 'policy'),
    queryFn: () => api.request(PolicyView, { method: 'GET', path: '/admin/policy', sessionToken }),
  });
}

export function useUpdatePolicy(sessionToken: string) {
  const api = useApiClient();
  const queries = useQueryClient();
  return useMutation<PolicyView, ApiFailure, PolicyUpdate>({
    mutationFn: (update) =>
      api.request(PolicyView, { method: 'PUT', path: '/admin/policy', sessionToken, body: update }),
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

export function useReadiness(sessionToken: string) {
  const api = useApiClient();
  return useQuery<Readiness, ApiFailure>({
    queryKey: consoleKey(sessionToken, 'readiness'),
    queryFn: () => api.request(Readiness, { method: 'GET', path: '/admin/readiness', sessionToken }),
  });
}

export const AUDIT_PAGE_SIZE = 50;

/** One page of the audit trail; the previous page stays on screen while the next one loads. */
export function useAuditPage(sessionToken: string, filter: AuditFilter, offset: number) {
  const api = useApiClient();
  return useQuery<AuditPage, ApiFailure>({
    queryKey: consoleKey(sessionToken, 'audit', filter, offset),
    queryFn: () =>
      api.request(AuditPage, {
        method: 'GET',
        path: '/admin/audit',
        sessionToken,
        query: { ...filter, limit: AUDIT_PAGE_SIZE, offset },
      }),
    placeholderData: keepPreviousData,
  });
}

const CsvText = z.string();

export type CsvExport = { kind: 'readiness' } | { kind: 'audit'; filter: AuditFilter };

/** Fetches a CSV export as text (the screen hands it to the browser as a download). */
export function useCsvExport(sessionToken: string) {
  const api = useApiClient();
  return useMutation<string, ApiFailure, CsvExport>({
    mutationFn: (csv) =>
      api.request(CsvText, {
        method: 'GET',
        path: csv.kind === 'readiness' ? '/admin/readiness.csv' : '/admin/audit.csv',
        sessionToken,
        as: 'text',
        ...(csv.kind === 'audit' ? { query: csv.filter } : {}),
      }),
  });
}
