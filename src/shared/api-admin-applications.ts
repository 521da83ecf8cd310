/**
 * Account-manager console contract for applications (`/api/v1/admin/applications...`, role admin): the
 * relying parties that sign their users in with "Login with WRSAuth" (OpenID Connect). Re-exported from
 * api.ts; kept apart so the sign-in screens need not load it.
 *
 * Routes (all 401 without a session, 403 for staff, 403 second_factor_required for a session that signed in
 * on a password alone, before any input is read; † also asks the acting account manager's currentPassword,
 * 400 invalid_credentials when it is missing or wrong):
 *   GET  /admin/applications                              → ApplicationList (never a secret)
 *   POST /admin/applications  ApplicationRegistration     → 201 ApplicationCredentials † (400: a bad field)
 *   POST /admin/applications/:clientId/disable  ActingPasswordBody → Application †
 *                                                           (404 no such client, 409 already disabled)
 *   POST /admin/applications/:clientId/rotate-secret  ActingPasswordBody → ApplicationCredentials †
 *                                                           (404 no such client, 409 a public client)
 *
 * A confidential client's secret is in the answer to register and rotate-secret only: shown once.
 */
import { z } from 'zod';
import { ActingPassword } from './api-admin';

const IsoTime = z.string().describe('ISO 8601 UTC time');
/**
 * Loose on purpose: the server checks each URI itself (https, or http on loopback; no #fragment) and answers
 * with a message naming the field, which a schema's generic "invalid url" would not.
 */
const Uri = z.string().max(2000);

/** Confidential: a server-side application that keeps a secret. Public: a browser or desktop app, PKCE only. */
export const ApplicationType = z.enum(['confidential', 'public']);
export type ApplicationType = z.infer<typeof ApplicationType>;

/** A registered application as the console lists it. Its secret is never part of it. */
export const Application = z.object({
  clientId: z.string(),
  name: z.string(),
  type: ApplicationType,
  redirectUris: z.array(z.string()),
  postLogoutRedirectUris: z.array(z.string()),
  backchannelLogoutUri: z.string().nullable(),
  idTokenSignedResponseAlg: z.enum(['RS256', 'ES256']),
  createdAt: IsoTime,
  /** Set once the account manager disabled it: the provider refuses its requests from then on. */
  disabledAt: IsoTime.nullable(),
});
export type Application = z.infer<typeof Application>;

export const ApplicationList = z.object({ applications: z.array(Application) });
export type ApplicationList = z.infer<typeof ApplicationList>;

/** A new application. Redirect URIs are compared exactly, so they are kept as written. */
export const ApplicationRegistration = z.object({
  name: z.string().max(1000),
  redirectUris: z.array(Uri).max(100),
  postLogoutRedirectUris: z.array(Uri).max(100).optional(),
  backchannelLogoutUri: Uri.optional(),
  /** A public client (no secret): a browser or desktop application that cannot keep one. */
  public: z.boolean().optional(),
  currentPassword: ActingPassword,
});
export type ApplicationRegistration = z.infer<typeof ApplicationRegistration>;

export const ApplicationParams = z.object({ clientId: z.string().min(1).max(100) });

/** Disable and rotate-secret carry nothing but the acting account manager's password. */
export const ActingPasswordBody = z.object({ currentPassword: ActingPassword });
export type ActingPasswordBody = z.infer<typeof ActingPasswordBody>;

/** The client id, and for a confidential client its secret: shown this once, stored nowhere readable. */
export const ApplicationCredentials = z.object({
  clientId: z.string(),
  clientSecret: z.string().optional(),
});
export type ApplicationCredentials = z.infer<typeof ApplicationCredentials>;
