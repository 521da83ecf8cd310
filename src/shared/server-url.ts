/**
 * Where the API lives under a server URL. Plain functions, apart from the zod contract in api.ts, so a
 * client can work out its server before it loads the schemas.
 */
export const API_PREFIX = '/api/v1';

/**
 * A server URL as the client keeps it: origin and path, no trailing slash, so a server behind a path
 * (https://host/wrsauth/) keeps that path. The one place trailing slashes are trimmed.
 */
export function normalizeServerUrl(serverUrl: string | URL): string {
  const url = new URL(serverUrl);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** The API's base URL under a server URL: https://host/wrsauth/ gives https://host/wrsauth/api/v1. */
export function apiBaseUrl(serverUrl: string): string {
  return `${normalizeServerUrl(serverUrl)}${API_PREFIX}`;
}
