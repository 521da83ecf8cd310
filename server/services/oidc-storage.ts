/**
 * oidc-provider's storage adapter, on the server's own database (SQLite or PostgreSQL), so every instance
 * on one database shares codes, tokens, sessions and grants: a code issued by one is redeemed at another.
 *
 * What the provider hands over is full of bearer values: an access or refresh token's id is the token, an
 * authorization code's id is the code, a session's id is its cookie, and payloads repeat their id (`jti`)
 * and carry others (an interaction holds its session's cookie). So ids and the lookup keys (grant id, uid,
 * user code) are stored only as SHA-256, and each payload is sealed under the server key, bound to its model
 * and id: a copy of the database yields no token, code or cookie.
 *
 * Relying parties are not payloads: the `Client` model reads the oidc_clients table (RelyingPartyService).
 */

import type { Adapter, AdapterPayload } from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import { linkSignIn } from '../repositories/oidc-logouts';
import {
  consumePayload,
  deleteExpiredPayloads,
  destroyByGrant,
  destroyPayload,
  findPayload,
  findPayloadBy,
  type OidcPayloadRow,
  upsertPayload,
} from '../repositories/oidc-payloads';
import { hashToken, type Keyring } from '../secrets';
import type { RelyingPartyService } from './relying-parties';

/** Models whose instances belong to a grant and die with it (oidc-provider's own list). */
const GRANTABLE = [
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
] as const;
const GRANTABLE_SET: ReadonlySet<string> = new Set(GRANTABLE);

/** What the value is sealed to (its AAD): rekey re-seals it to the same. */
export const sealContext = (model: string, idHash: string) => `oidc ${model}\0${idHash}`;

/** WRSAuth's own record beside the provider's payloads: what one sign-in through an interaction proved. */
const SIGN_IN_MODEL = 'WrsauthSignIn';

/**
 * A "Login with WRSAuth" sign-in: what the provider's session cannot hold (it keeps only account, acr, amr
 * and the login time), keyed by that session's uid. Codes and tokens carry the session uid and the login time,
 * so each one finds the sign-in it came from, and the location chosen in it.
 */
export interface OidcSignIn {
  userId: string;
  /** The WRSAuth session (sessions.id) that completed the interaction. */
  sessionId: string;
  /** Epoch seconds: the login time the provider's session recorded (auth_time). */
  authTime: number;
  amr: string[];
  acr: string;
  location: { id: string; name: string } | null;
}

/** An application a provider session signed in to, and the session id (`sid`) its ID tokens carry. */
export interface ReachedApplication {
  clientId: string;
  sid: string | null;
}

/** What a provider Session payload holds that logout needs. */
interface ProviderSessionPayload {
  accountId?: string;
  authorizations?: Record<string, { sid?: string; grantId?: string }>;
}

export class OidcStorage {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly keyring: Keyring,
    private readonly clients: RelyingPartyService,
  ) {}

  /** The `adapter` option: one adapter per model name, as oidc-provider asks for them. */
  readonly adapterFor = (model: string): Adapter =>
    model === 'Client' ? new ClientAdapter(this.clients) : new PayloadAdapter(model, this);

  /**
   * Keeps a sign-in under its provider session's uid, for as long as a provider session may live, and links
   * the WRSAuth session to it: when that WRSAuth sign-in ends, so does the provider session (OidcLogoutService).
   */
  async recordSignIn(sessionUid: string, signIn: OidcSignIn, ttlSeconds: number): Promise<void> {
    await this.upsert(SIGN_IN_MODEL, sessionUid, { ...signIn }, ttlSeconds);
    await linkSignIn(
      this.db,
      { sessionId: signIn.sessionId, sessionUidHash: hashToken(sessionUid), userId: signIn.userId },
      this.clock.now(),
    );
  }

  async signInOf(sessionUid: string): Promise<OidcSignIn | undefined> {
    return this.signInByUidHash(hashToken(sessionUid));
  }

  /** The sign-in kept under a provider session's uid, by the uid's hash (as the links keep it). */
  async signInByUidHash(uidHash: string): Promise<OidcSignIn | undefined> {
    const row = await findPayload(this.db, SIGN_IN_MODEL, uidHash, this.clock.now());
    return this.open(SIGN_IN_MODEL, uidHash, row) as OidcSignIn | undefined;
  }

  /**
   * Ends a provider session, by its uid's hash: every grant it made is revoked with its tokens (refresh tokens
   * die with the sign-in), and the session and WRSAuth's sign-in record are deleted, so the browser's next
   * authorization request signs in again. Answers the applications it had reached and the `sid` each was told.
   */
  async endProviderSession(uidHash: string): Promise<ReachedApplication[]> {
    const row = await findPayloadBy(this.db, 'Session', 'uid', uidHash, this.clock.now());
    const session = row && (this.open('Session', row.id, row) as ProviderSessionPayload | undefined);
    const reached = Object.entries(session?.authorizations ?? {}).map(([clientId, authorization]) => ({
      clientId,
      sid: authorization.sid ?? null,
      grantId: authorization.grantId,
    }));
    for (const { grantId } of reached) {
      if (grantId) await this.revokeGrant(grantId);
    }
    if (row) await destroyPayload(this.db, 'Session', row.id);
    await destroyPayload(this.db, SIGN_IN_MODEL, uidHash);
    return reached.map(({ clientId, sid }) => ({ clientId, sid }));
  }

  /** Deletes WRSAuth's sign-in record of a provider session the provider itself ended. */
  forgetSignIn(sessionUid: string): Promise<void> {
    return destroyPayload(this.db, SIGN_IN_MODEL, hashToken(sessionUid));
  }

  /** The sweep: rows past their expiry are already ignored on read; this deletes them. */
  deleteExpired(): Promise<number> {
    return deleteExpiredPayloads(this.db, this.clock.now());
  }

  async upsert(model: string, id: string, payload: AdapterPayload, expiresIn: number | undefined) {
    const idHash = hashToken(id);
    const now = this.clock.now();
    await upsertPayload(this.db, {
      model,
      id: idHash,
      payload: this.keyring.seal(JSON.stringify(payload), sealContext(model, idHash)),
      grant_id: payload.grantId ? hashToken(payload.grantId) : null,
      user_code: payload.userCode ? hashToken(payload.userCode) : null,
      uid: payload.uid ? hashToken(payload.uid) : null,
      expires_at:
        typeof expiresIn === 'number' ? new Date(now.getTime() + expiresIn * 1000).toISOString() : null,
    });
  }

  async find(model: string, id: string): Promise<AdapterPayload | undefined> {
    const idHash = hashToken(id);
    return this.open(model, idHash, await findPayload(this.db, model, idHash, this.clock.now()));
  }

  async findBy(model: string, column: 'uid' | 'user_code', value: string) {
    const row = await findPayloadBy(this.db, model, column, hashToken(value), this.clock.now());
    return row && this.open(model, row.id, row);
  }

  /**
   * Marks a code or token used, atomically. A second redemption that raced past the provider's own
   * "already consumed" check finds it consumed here: the grant's tokens are revoked, as on any reuse, and the
   * request is refused.
   */
  async consume(model: string, id: string): Promise<void> {
    const idHash = hashToken(id);
    if (await consumePayload(this.db, model, idHash, this.clock.now())) return;
    const payload = await this.find(model, id);
    if (payload?.grantId) await this.revokeGrant(payload.grantId);
    if (GRANTABLE_SET.has(model)) throw new errors.InvalidGrant(`${model} already consumed`);
    throw new errors.InvalidRequest(`${model} already used`);
  }

  destroy(model: string, id: string): Promise<void> {
    return destroyPayload(this.db, model, hashToken(id));
  }

  revokeByGrantId(model: string, grantId: string): Promise<void> {
    return destroyByGrant(this.db, [model], hashToken(grantId));
  }

  /** Every token and code of the grant, and the grant itself. */
  async revokeGrant(grantId: string): Promise<void> {
    await destroyByGrant(this.db, GRANTABLE, hashToken(grantId));
    await this.destroy('Grant', grantId);
  }

  private open(model: string, idHash: string, row: OidcPayloadRow | undefined) {
    if (!row) return undefined;
    const opened = this.keyring.open(row.payload, sealContext(model, idHash));
    // Sealed under a server key this instance does not hold (or moved to another row): as good as absent.
    if (opened === undefined) return undefined;
    const payload = JSON.parse(opened) as AdapterPayload;
    if (row.consumed_at) payload.consumed = Math.floor(new Date(row.consumed_at).getTime() / 1000);
    return payload;
  }
}

class PayloadAdapter implements Adapter {
  constructor(
    private readonly model: string,
    private readonly storage: OidcStorage,
  ) {}

  upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    return this.storage.upsert(this.model, id, payload, expiresIn);
  }

  find(id: string) {
    return this.storage.find(this.model, id);
  }

  findByUid(uid: string) {
    return this.storage.findBy(this.model, 'uid', uid);
  }

  findByUserCode(userCode: string) {
    return this.storage.findBy(this.model, 'user_code', userCode);
  }

  consume(id: string): Promise<void> {
    return this.storage.consume(this.model, id);
  }

  destroy(id: string): Promise<void> {
    return this.storage.destroy(this.model, id);
  }

  revokeByGrantId(grantId: string): Promise<void> {
    return this.storage.revokeByGrantId(this.model, grantId);
  }
}

/**
 * Relying parties come from oidc_clients, registered by the account manager; dynamic registration is off, so
 * the provider only ever reads them. A disabled client is not found, so it is refused everywhere.
 */
class ClientAdapter implements Adapter {
  constructor(private readonly clients: RelyingPartyService) {}

  async find(id: string) {
    return (await this.clients.providerMetadata(id)) as AdapterPayload | undefined;
  }

  async upsert(): Promise<void> {
    throw new Error('relying parties are registered with the CLI, not through the provider');
  }

  async findByUid() {
    return undefined;
  }

  async findByUserCode() {
    return undefined;
  }

  async consume(): Promise<void> {}

  async destroy(): Promise<void> {
    throw new Error('relying parties are disabled with the CLI, not through the provider');
  }

  async revokeByGrantId(): Promise<void> {}
}
