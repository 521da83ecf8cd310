/**
 * The console's policy, readiness and audit calls, one react-query hook each: when to call and what to
 * refresh afterwards. The requests, and the contracts their answers are parsed with, are console-api.ts's.
 */
import {
  type InfiniteData,
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
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

/** The readiness counts and its list page by page: the server's `nextAfter` asks for the next. */
export function useReadiness() {
  const api = useConsoleApi();
  const { sessionToken } = useConsoleSession();
  return useInfiniteQuery<Readiness, ApiFailure, InfiniteData<Readiness>, unknown[], string | undefined>({
    queryKey: consoleKey(sessionToken, 'readiness'),
    queryFn: ({ pageParam }) => api.readiness(pageParam),
    initialPageParam: undefined,
    getNextPageParam: (last) => last.nextAfter ?? undefined,
  });
}

export const AUDIT_PAGE_SIZE = 50;

/**
 * One page of the audit trail: the newest, or the one below the event id `before` (a keyset cursor, so a deep
 * page costs the server what the first does). The previous page stays on screen while the next one loads.
 */
export function useAuditPage(filter: AuditFilter, before: string | undefined) {
  const api = useConsoleApi();
  const { sessionToken } = useConsoleSession();
  return useQuery<AuditPage, ApiFailure>({
    queryKey: consoleKey(sessionToken, 'audit', filter, before ?? null),
    queryFn: () => api.auditPage(filter, { limit: AUDIT_PAGE_SIZE, offset: 0, before }),
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
