/**
 * Relying parties: the applications (a practice system, the demo app) that sign their users in through
 * WRSAuth with OpenID Connect. Registered by the account manager (the CLI for now); every one is first-party.
 *
 * A confidential client's secret is shown once. oidc-provider compares a presented secret with the client's
 * metadata, so the server must be able to read it back: it is sealed under the server key, bound to the
 * client id, and opened only when the provider loads the client. It never reaches a log or the audit trail.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import type { IdTokenAlg, OidcClientRow } from '../db/schema';
import {
  disableClient,
  findClient,
  findEnabledClient,
  insertClient,
  listClients,
  replaceClientSecret,
} from '../repositories/oidc-clients';
import type { Keyring } from '../secrets';
import { AdminInputError } from './admin';
import type { AuditLog, RequestContext } from './audit-log';

export interface NewRelyingParty {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  backchannelLogoutUri?: string;
  /** A public client (a browser or desktop app that cannot keep a secret): no secret, PKCE only, no refresh tokens. */
  public?: boolean;
  /** ID token signature: RS256 unless the client asks for ES256. */
  idTokenSignedResponseAlg?: string;
}

export interface IssuedCredentials {
  clientId: string;
  /** Shown once; absent for a public client. */
  clientSecret?: string;
}

export interface RelyingPartySummary {
  clientId: string;
  name: string;
  type: 'confidential' | 'public';
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  backchannelLogoutUri: string | null;
  idTokenSignedResponseAlg: IdTokenAlg;
  createdAt: string;
  disabledAt: string | null;
}

/** What oidc-provider's Client model is built from (RFC 7591 metadata names). */
export interface ProviderClientMetadata {
  client_id: string;
  client_name: string;
  application_type: 'web';
  redirect_uris: string[];
  response_types: ['code'];
  grant_types: string[];
  token_endpoint_auth_method: 'client_secret_basic' | 'none';
  id_token_signed_response_alg: IdTokenAlg;
  post_logout_redirect_uris: string[];
  backchannel_logout_uri?: string;
  backchannel_logout_session_required?: boolean;
  client_secret?: string;
}

const ID_TOKEN_ALGS: readonly IdTokenAlg[] = ['RS256', 'ES256'];
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
const MAX_URIS = 20;

/**
 * A URI the browser (or the server, for back-channel logout) is sent to: absolute, no fragment, https, or
 * http only on this machine's loopback (development). Kept exactly as written: redirect URIs are compared
 * exactly, so no normalisation may make two spellings match.
 */
export function checkClientUri(raw: string, flag: string): string {
  const value = raw.trim();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AdminInputError(
      `${flag} "${raw}" is not an absolute URL, e.g. https://app.practice.example/callback`,
    );
  }
  if (value !== raw || /\s/.test(value))
    throw new AdminInputError(`${flag} "${raw}" must not contain spaces`);
  if (url.hash || value.includes('#'))
    throw new AdminInputError(`${flag} "${raw}" must not have a #fragment`);
  if (url.username || url.password) {
    throw new AdminInputError(`${flag} "${raw}" must not carry a user name or password`);
  }
  if (url.protocol === 'https:') return value;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return value;
  if (url.protocol === 'http:') {
    throw new AdminInputError(
      `${flag} "${raw}" must use https; plain http is allowed only on loopback (127.0.0.1, [::1], localhost) for development`,
    );
  }
  throw new AdminInputError(`${flag} "${raw}" must be an https URL`);
}

function checkName(raw: string): string {
  const name = raw.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (name.length < 1 || name.length > 100 || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new AdminInputError('--name must be 1-100 characters, with no control characters');
  }
  return name;
}

function checkUris(values: string[], flag: string, min: number): string[] {
  if (values.length < min) throw new AdminInputError(`${flag} is required`);
  if (values.length > MAX_URIS) throw new AdminInputError(`at most ${MAX_URIS} of ${flag}`);
  return [...new Set(values.map((value) => checkClientUri(value, flag)))];
}

/** What the value is sealed to (its AAD): rekey re-seals it to the same. */
export const sealContext = (clientId: string) => `oidc client secret\0${clientId}`;
const newSecret = () => randomBytes(32).toString('base64url');

export class RelyingPartyService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly keyring: Keyring,
    private readonly audit: AuditLog,
  ) {}

  async register(input: NewRelyingParty, context: RequestContext): Promise<IssuedCredentials> {
    const name = checkName(input.name);
    const redirectUris = checkUris(input.redirectUris, '--redirect-uri', 1);
    const postLogoutRedirectUris = checkUris(
      input.postLogoutRedirectUris ?? [],
      '--post-logout-redirect-uri',
      0,
    );
    const backchannelLogoutUri =
      input.backchannelLogoutUri === undefined
        ? null
        : checkClientUri(input.backchannelLogoutUri, '--backchannel-logout-uri');
    const alg = input.idTokenSignedResponseAlg ?? 'RS256';
    if (!ID_TOKEN_ALGS.includes(alg as IdTokenAlg)) {
      throw new AdminInputError('--id-token-alg must be RS256 or ES256');
    }
    const clientId = randomUUID();
    const clientSecret = input.public ? undefined : newSecret();
    const now = this.clock.now().toISOString();
    await insertClient(this.db, {
      client_id: clientId,
      name,
      redirect_uris: JSON.stringify(redirectUris),
      post_logout_redirect_uris: JSON.stringify(postLogoutRedirectUris),
      backchannel_logout_uri: backchannelLogoutUri,
      token_endpoint_auth_method: input.public ? 'none' : 'client_secret_basic',
      id_token_signed_response_alg: alg as IdTokenAlg,
      secret_sealed:
        clientSecret === undefined ? null : this.keyring.seal(clientSecret, sealContext(clientId)),
      created_at: now,
      updated_at: now,
      disabled_at: null,
    });
    await this.audit.record(context, {
      type: 'oidc_client_registered',
      detail: {
        clientId,
        name,
        type: input.public ? 'public' : 'confidential',
        redirectUris: redirectUris.length,
        backchannelLogout: backchannelLogoutUri !== null,
      },
    });
    return clientSecret === undefined ? { clientId } : { clientId, clientSecret };
  }

  async list(): Promise<RelyingPartySummary[]> {
    return (await listClients(this.db)).map(toSummary);
  }

  /** Disables a client: from now on the provider does not find it, so its requests are refused. */
  async disable(clientId: string, context: RequestContext): Promise<RelyingPartySummary> {
    const client = await this.require(clientId);
    if (!(await disableClient(this.db, client.client_id, this.clock.now()))) {
      throw new AdminInputError(`client ${clientId} is already disabled`);
    }
    await this.audit.record(context, {
      type: 'oidc_client_disabled',
      detail: { clientId: client.client_id, name: client.name },
    });
    return toSummary((await findClient(this.db, client.client_id)) as OidcClientRow);
  }

  /** A new secret for a confidential client, shown once; the old one stops working at once. */
  async rotateSecret(clientId: string, context: RequestContext): Promise<IssuedCredentials> {
    const client = await this.require(clientId);
    if (client.token_endpoint_auth_method === 'none') {
      throw new AdminInputError(`client ${clientId} is public: it has no secret to rotate`);
    }
    const clientSecret = newSecret();
    const sealed = this.keyring.seal(clientSecret, sealContext(client.client_id));
    if (!(await replaceClientSecret(this.db, client.client_id, sealed, this.clock.now()))) {
      throw new AdminInputError(`no client ${clientId}`);
    }
    await this.audit.record(context, {
      type: 'oidc_client_secret_rotated',
      detail: { clientId: client.client_id, name: client.name },
    });
    return { clientId: client.client_id, clientSecret };
  }

  /**
   * The metadata oidc-provider builds its Client from, for an enabled client only; the secret is opened
   * here and nowhere else. Refresh tokens are a confidential client's alone.
   */
  async providerMetadata(clientId: string): Promise<ProviderClientMetadata | undefined> {
    const client = await findEnabledClient(this.db, clientId);
    if (!client) return undefined;
    const confidential = client.token_endpoint_auth_method !== 'none';
    const metadata: ProviderClientMetadata = {
      client_id: client.client_id,
      client_name: client.name,
      application_type: 'web',
      redirect_uris: JSON.parse(client.redirect_uris) as string[],
      response_types: ['code'],
      grant_types: confidential ? ['authorization_code', 'refresh_token'] : ['authorization_code'],
      token_endpoint_auth_method: client.token_endpoint_auth_method,
      id_token_signed_response_alg: client.id_token_signed_response_alg,
      post_logout_redirect_uris: JSON.parse(client.post_logout_redirect_uris) as string[],
      // Logout tokens name the session (`sid`) the application was told in its ID token.
      ...(client.backchannel_logout_uri && {
        backchannel_logout_uri: client.backchannel_logout_uri,
        backchannel_logout_session_required: true,
      }),
    };
    if (!confidential) return metadata;
    const secret =
      client.secret_sealed && this.keyring.open(client.secret_sealed, sealContext(client.client_id));
    // Sealed under a key this server does not hold: the client cannot authenticate, so it is not served.
    if (!secret) return undefined;
    return { ...metadata, client_secret: secret };
  }

  private async require(clientId: string): Promise<OidcClientRow> {
    const client = clientId ? await findClient(this.db, clientId) : undefined;
    if (!client) throw new AdminInputError(`no client ${clientId}`);
    return client;
  }
}

function toSummary(row: OidcClientRow): RelyingPartySummary {
  return {
    clientId: row.client_id,
    name: row.name,
    type: row.token_endpoint_auth_method === 'none' ? 'public' : 'confidential',
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    postLogoutRedirectUris: JSON.parse(row.post_logout_redirect_uris) as string[],
    backchannelLogoutUri: row.backchannel_logout_uri,
    idTokenSignedResponseAlg: row.id_token_signed_response_alg,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}
