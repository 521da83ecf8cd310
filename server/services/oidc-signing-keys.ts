/**
 * The ID token signing keys: one RS256 and one ES256 key per generation, generated at first start and kept in
 * the database sealed under the server key, so every instance signs with the same ones. A rotation adds a
 * generation, which signs from then on; the generation it replaced stays published (for verifying tokens it
 * signed) for 24 hours, then drops out of the JWKS and is deleted by the sweep.
 */
import { createHash, generateKeyPair, type JsonWebKey } from 'node:crypto';
import { promisify } from 'node:util';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import type { OidcSigningKeyRow } from '../db/schema';
import {
  deleteGenerations,
  insertGenerationIfAbsent,
  listGenerations,
} from '../repositories/oidc-signing-keys';
import { type Keyring, newSortableId } from '../secrets';
import { type AuditLog, CLI_CONTEXT } from './audit-log';

/** How long a replaced generation's public keys stay in the JWKS. */
export const RETIRED_KEY_SECONDS = 24 * 60 * 60;

/** The first generation's fixed name: two instances starting on an empty database insert it once. */
const INITIAL_GENERATION = 'initial';

/** A private JWK as oidc-provider's `jwks` configuration takes it. */
export type SigningJwk = JsonWebKey & { alg: 'RS256' | 'ES256'; use: 'sig'; key_ops?: string[] };

const generate = promisify(generateKeyPair);

/** RFC 7638 thumbprint: a kid that names the key itself, so no two keys ever share one. */
function thumbprint(jwk: JsonWebKey): string {
  const members =
    jwk.kty === 'RSA'
      ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
      : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

async function newGeneration(): Promise<SigningJwk[]> {
  const [rsa, ec] = await Promise.all([
    generate('rsa', { modulusLength: 2048 }),
    generate('ec', { namedCurve: 'P-256' }),
  ]);
  const keys: SigningJwk[] = [
    { ...rsa.privateKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig' },
    { ...ec.privateKey.export({ format: 'jwk' }), alg: 'ES256', use: 'sig' },
  ];
  return keys.map((key) => ({ ...key, kid: thumbprint(key) }));
}

/** What the value is sealed to (its AAD): rekey re-seals it to the same. */
export const sealContext = (generation: string) => `oidc signing keys\0${generation}`;

export class SigningKeyService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly keyring: Keyring,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Makes sure a generation exists. Race-safe: insert-if-absent under a fixed name, so instances starting
   * together on an empty database end up with the one set that won, and read it back.
   */
  async ensure(): Promise<void> {
    if ((await listGenerations(this.db)).length > 0) return;
    await this.insert(INITIAL_GENERATION);
  }

  /** Adds a generation that signs from now on (`npm run server -- rotate-signing-key`). */
  async rotate(): Promise<{ generation: string; kids: string[]; retiredUntil: string }> {
    const now = this.clock.now();
    const generation = newSortableId(now);
    const keys = await this.insert(generation);
    await this.audit.record(CLI_CONTEXT, {
      type: 'oidc_signing_key_rotated',
      detail: { generation, algs: keys.map((key) => key.alg).join(',') },
    });
    return {
      generation,
      kids: keys.map((key) => String(key.kid)),
      retiredUntil: new Date(now.getTime() + RETIRED_KEY_SECONDS * 1000).toISOString(),
    };
  }

  /**
   * The private keys oidc-provider is configured with, the signing generation first. Keys of a replaced
   * generation carry key_ops ["verify"], so the provider never picks them to sign, and are left out once
   * their 24 hours have passed.
   */
  async published(): Promise<SigningJwk[]> {
    const { live } = this.partition(await listGenerations(this.db));
    return live.flatMap(({ row, retired }) =>
      this.open(row).map((key) => (retired ? { ...key, key_ops: ['verify'] } : key)),
    );
  }

  /** Deletes the generations no longer published: their private keys have no use left. */
  async deleteExpired(): Promise<number> {
    const { expired } = this.partition(await listGenerations(this.db));
    await deleteGenerations(this.db, expired);
    return expired.length;
  }

  private async insert(generation: string): Promise<SigningJwk[]> {
    const keys = await newGeneration();
    await insertGenerationIfAbsent(this.db, {
      generation,
      keys_sealed: this.keyring.seal(JSON.stringify(keys), sealContext(generation)),
      created_at: this.clock.now().toISOString(),
    });
    return keys;
  }

  /** Newest first: the first generation signs; each older one retired when the next newer one was created. */
  private partition(rows: OidcSigningKeyRow[]) {
    const now = this.clock.now().getTime();
    const live: Array<{ row: OidcSigningKeyRow; retired: boolean }> = [];
    const expired: string[] = [];
    rows.forEach((row, index) => {
      const successor = rows[index - 1];
      const retiredAt = successor ? new Date(successor.created_at).getTime() : undefined;
      if (retiredAt === undefined) live.push({ row, retired: false });
      else if (now < retiredAt + RETIRED_KEY_SECONDS * 1000) live.push({ row, retired: true });
      else expired.push(row.generation);
    });
    return { live, expired };
  }

  private open(row: OidcSigningKeyRow): SigningJwk[] {
    const opened = this.keyring.open(row.keys_sealed, sealContext(row.generation));
    // A key sealed under a server key this instance does not have: every instance must share WRSAUTH_SECRET.
    if (opened === undefined) {
      throw new Error(
        `the OpenID Connect signing keys (generation ${row.generation}) do not open with this server key; every instance needs the same WRSAUTH_SECRET`,
      );
    }
    return JSON.parse(opened) as SigningJwk[];
  }
}
