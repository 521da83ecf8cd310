/**
 * Relying parties: the applications (a practice system, the demo app) that sign their users in through
 * WRSAuth with OpenID Connect. Registered by the account manager, in the console's Applications tab or with the
 * CLI; every one is first-party. A refusal names the field in the caller's words (relying-party-words.ts).
 *
 * A confidential client's secret is shown once. oidc-provider compares a presented secret with the client's
 * metadata, so the server must be able to read it back: it is sealed under the server key, bound to the
 * client id, and opened only when the provider loads the client. It never reaches a log or the audit trail.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ErrorCode } from '../../src/shared/error-code';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import type { IdTokenAlg, OidcClientRow, UserRow } from '../db/schema';
import { AppError } from '../errors';
import {
  disableClient,
  findClient,
  findEnabledClient,
  insertClient,
  listClients,
  replaceClientSecret,
} from '../repositories/oidc-clients';
import type { Keyring } from '../secrets';
import type { AuditEntry, AuditLog, RequestContext } from './audit-log';
import { type Actor, actorName } from './guided-recovery';
import { CLI_WORDS, CONSOLE_WORDS, type RelyingPartyWords } from './relying-party-words';

/** Who manages the clients, for the audit trail, and in whose words a refusal names a field. */
export interface ClientManager {
  actor: Actor;
  words: RelyingPartyWords;
}

export const CLI_MANAGER: ClientManager = { actor: 'cli', words: CLI_WORDS };
export const consoleManager = (user: UserRow): ClientManager => ({ actor: user, words: CONSOLE_WORDS });

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

const badInput = (message: string) => new AppError(400, ErrorCode.badRequest, message);

/**
 * A URI the browser (or the server, for back-channel logout) is sent to: absolute, no fragment, https, or
 * http only on this machine's loopback (development). Kept exactly as written: redirect URIs are compared
 * exactly, so no normalisation may make two spellings match.
 */
export function checkClientUri(raw: string, label: string): string {
  const value = raw.trim();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badInput(`${label} "${raw}" is not an absolute URL, e.g. https://app.practice.example/callback`);
  }
  if (value !== raw || /\s/.test(value)) throw badInput(`${label} "${raw}" must not contain spaces`);
  if (url.hash || value.includes('#')) throw badInput(`${label} "${raw}" must not have a #fragment`);
  if (url.username || url.password) {
    throw badInput(`${label} "${raw}" must not carry a user name or password`);
  }
  if (url.protocol === 'https:') return value;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return value;
  if (url.protocol === 'http:') {
    throw badInput(
      `${label} "${raw}" must use https; plain http is allowed only on loopback (127.0.0.1, [::1], localhost) for development`,
    );
  }
  throw badInput(`${label} "${raw}" must be an https URL`);
}

function checkName(raw: string, label: string): string {
  const name = raw.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (name.length < 1 || name.length > 100 || /[\u0000-\u001f\u007f]/.test(name)) {
    throw badInput(`${label} must be 1-100 characters, with no control characters`);
  }
  return name;
}

function checkUris(values: string[], label: string, min: number): string[] {
  if (values.length < min) throw badInput(`${label} is required`);
  if (values.length > MAX_URIS) throw badInput(`${label}: at most ${MAX_URIS} may be given`);
  return [...new Set(values.map((value) => checkClientUri(value, label)))];
}

/** The acting account manager, on the event as the console's other changes record them; the CLI has none. */
function actedBy(actor: Actor): Pick<AuditEntry, 'userId' | 'username'> {
  return actor === 'cli' ? {} : { userId: actor.id, username: actor.username };
}

const sealContext = (clientId: string) => `oidc client secret\0${clientId}`;
const newSecret = () => randomBytes(32).toString('base64url');

export class RelyingPartyService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly keyring: Keyring,
    private readonly audit: AuditLog,
  ) {}

  async register(
    input: NewRelyingParty,
    context: RequestContext,
    by: ClientManager = CLI_MANAGER,
  ): Promise<IssuedCredentials> {
    const { words } = by;
    const name = checkName(input.name, words.name);
    const redirectUris = checkUris(input.redirectUris, words.redirectUri, 1);
    const postLogoutRedirectUris = checkUris(
      input.postLogoutRedirectUris ?? [],
      words.postLogoutRedirectUri,
      0,
    );
    const backchannelLogoutUri =
      input.backchannelLogoutUri === undefined
        ? null
        : checkClientUri(input.backchannelLogoutUri, words.backchannelLogoutUri);
    const alg = input.idTokenSignedResponseAlg ?? 'RS256';
    if (!ID_TOKEN_ALGS.includes(alg as IdTokenAlg)) {
      throw badInput(`${words.idTokenAlg} must be RS256 or ES256`);
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
      ...actedBy(by.actor),
      detail: {
        clientId,
        name,
        type: input.public ? 'public' : 'confidential',
        redirectUris: redirectUris.length,
        backchannelLogout: backchannelLogoutUri !== null,
        by: actorName(by.actor),
      },
    });
    return clientSecret === undefined ? { clientId } : { clientId, clientSecret };
  }

  async list(): Promise<RelyingPartySummary[]> {
    return (await listClients(this.db)).map(toSummary);
  }

  /** Disables a client: from now on the provider does not find it, so its requests are refused. */
  async disable(
    clientId: string,
    context: RequestContext,
    by: ClientManager = CLI_MANAGER,
  ): Promise<RelyingPartySummary> {
    const client = await this.require(clientId, by.words);
    if (!(await disableClient(this.db, client.client_id, this.clock.now()))) {
      throw new AppError(409, ErrorCode.conflict, by.words.alreadyDisabled(clientId));
    }
    await this.audit.record(context, {
      type: 'oidc_client_disabled',
      ...actedBy(by.actor),
      detail: { clientId: client.client_id, name: client.name, by: actorName(by.actor) },
    });
    return toSummary((await findClient(this.db, client.client_id)) as OidcClientRow);
  }

  /** A new secret for a confidential client, shown once; the old one stops working at once. */
  async rotateSecret(
    clientId: string,
    context: RequestContext,
    by: ClientManager = CLI_MANAGER,
  ): Promise<IssuedCredentials> {
    const client = await this.require(clientId, by.words);
    if (client.token_endpoint_auth_method === 'none') {
      throw new AppError(409, ErrorCode.conflict, by.words.publicHasNoSecret(clientId));
    }
    const clientSecret = newSecret();
    const sealed = this.keyring.seal(clientSecret, sealContext(client.client_id));
    if (!(await replaceClientSecret(this.db, client.client_id, sealed, this.clock.now()))) {
      throw new AppError(404, ErrorCode.notFound, by.words.noSuchClient(clientId));
    }
    await this.audit.record(context, {
      type: 'oidc_client_secret_rotated',
      ...actedBy(by.actor),
      detail: { clientId: client.client_id, name: client.name, by: actorName(by.actor) },
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

  private async require(clientId: string, words: RelyingPartyWords): Promise<OidcClientRow> {
    const client = clientId ? await findClient(this.db, clientId) : undefined;
    if (!client) throw new AppError(404, ErrorCode.notFound, words.noSuchClient(clientId));
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
