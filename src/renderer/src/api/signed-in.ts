/**
 * The signed-in calls of one session, for the area APIs (settings/settings-api.ts, console/console-api.ts)
 * to name their endpoints with. Every answer goes through the API client's `request`, so it is parsed with
 * the shared contract and fails as an ApiFailure. Only the lazy chunks import this module (it loads zod),
 * which keeps it off the login form's first load.
 */
import { z } from 'zod';
import type { ApiClient, ApiRequest } from './api-client';

/** The answer of a 204. */
export const NoContent = z.null();
const CsvText = z.string();

type Query = ApiRequest['query'];

export interface SignedInCalls {
  get<S extends z.ZodType>(schema: S, path: string, query?: Query): Promise<z.output<S>>;
  send<S extends z.ZodType>(
    schema: S,
    method: Exclude<ApiRequest['method'], 'GET'>,
    path: string,
    body?: unknown,
  ): Promise<z.output<S>>;
  /** A CSV download, as text. */
  text(path: string, query?: Query): Promise<string>;
}

export function signedInCalls(api: ApiClient, sessionToken: string): SignedInCalls {
  return {
    get: (schema, path, query) =>
      api.request(schema, { method: 'GET', path, sessionToken, ...(query ? { query } : {}) }),
    send: (schema, method, path, body) => api.request(schema, { method, path, sessionToken, body }),
    text: (path, query) =>
      api.request(CsvText, { method: 'GET', path, sessionToken, as: 'text', ...(query ? { query } : {}) }),
  };
}
