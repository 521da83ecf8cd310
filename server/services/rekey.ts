/**
 * Rotating the server key without losing anything: which key each stored secret needs (`rekey --check`),
 * re-sealing every sealed value under the current key (`rekey`), and refusing to start while a key that rows
 * still need is no longer configured. Recovery and bypass codes are sealed digests, re-sealed like the rest;
 * those made as HMACs before cannot be redone without the codes: they keep their key id and match under it
 * until used or replaced (or given up with `rekey --forget`).
 */
import { sql } from 'kysely';
import type { Clock } from '../clock';
import { ConfigError } from '../config';
import type { Db } from '../db/database';
import {
  countByKeyId,
  deleteUnder,
  type KeyedColumn,
  type KeyedRow,
  replaceValue,
  rowsWithKeyId,
  tagBareHmacs,
} from '../repositories/key-ids';
import { type Keyring, storedCodeContext } from '../secrets';
import type { AuditLog, RequestContext } from './audit-log';
import { sealContext as signingKeysContext } from './oidc-signing-keys';
import { sealContext as payloadContext } from './oidc-storage';
import { sealContext as clientSecretContext } from './relying-parties';
import { AdminInputError } from './validators';

/** One kind of protected value: where it lives, what it is called, and for a sealed one its seal context. */
interface Protected {
  noun: [singular: string, plural: string];
  spec: KeyedColumn;
  /** The context (AAD) its sealed values are sealed to. */
  context: (row: KeyedRow) => string;
  /** What `rekey --forget` does not delete, and what to run instead. */
  notForgotten?: string;
}

/**
 * Every value made under the server key that outlives a code's few minutes. Left out on purpose: the HMACs of
 * codes sent by text or email (challenges, password resets, contact changes: they expire within the code TTL
 * and keep matching under a previous key until then), and the contact and account lookup keys of cooldowns
 * and lockouts (re-derived under the new key; they only count minutes to an hour of sends and failures).
 */
const PROTECTED: Protected[] = [
  {
    noun: ['authenticator secret', 'authenticator secrets'],
    spec: { table: 'totp_factors', column: 'secret_sealed', keys: ['user_id'] },
    context: (row) => row.user_id as string,
  },
  {
    noun: ['recovery code', 'recovery codes'],
    spec: {
      table: 'recovery_codes',
      column: 'code_hmac',
      hmacs: true,
      keys: ['id', 'user_id'],
      live: () => sql`used_at IS NULL`,
    },
    context: (row) => storedCodeContext('recovery', row.user_id as string),
  },
  {
    noun: ['bypass code', 'bypass codes'],
    spec: {
      table: 'bypass_codes',
      column: 'code_hmac',
      hmacs: true,
      keys: ['id', 'user_id'],
      live: (now) => sql`used_at IS NULL AND expires_at > ${now}`,
    },
    context: (row) => storedCodeContext('bypass', row.user_id as string),
  },
  {
    noun: ['pending contact change', 'pending contact changes'],
    spec: {
      table: 'contact_changes',
      column: 'value_sealed',
      keys: ['id'],
      live: (now) => sql`status = 'pending' AND expires_at > ${now}`,
    },
    context: (row) => row.id as string,
  },
  {
    noun: ['OIDC client secret', 'OIDC client secrets'],
    spec: { table: 'oidc_clients', column: 'secret_sealed', keys: ['client_id'] },
    context: (row) => clientSecretContext(row.client_id as string),
    notForgotten:
      'give each such client a new secret with `npm run server -- rotate-client-secret --client-id ID`',
  },
  {
    noun: ['OIDC signing key generation', 'OIDC signing key generations'],
    spec: { table: 'oidc_signing_keys', column: 'keys_sealed', keys: ['generation'] },
    context: (row) => signingKeysContext(row.generation as string),
  },
  {
    noun: ['OIDC session or token', 'OIDC sessions and tokens'],
    spec: {
      table: 'oidc_payloads',
      column: 'payload',
      keys: ['model', 'id'],
      live: (now) => sql`expires_at IS NULL OR expires_at > ${now}`,
    },
    context: (row) => payloadContext(row.model as string, row.id as string),
  },
];

/** Rows per read while re-sealing: bounded memory on a large oidc_payloads table. */
const PAGE = 200;

/** Whose key a key id is: `unrecorded` for values stored before key ids were. */
export type KeyStatus = 'current' | 'previous' | 'missing' | 'unrecorded';

export interface KeyUse {
  /** '' for values stored before key ids were recorded. */
  keyId: string;
  status: KeyStatus;
  counts: Array<{ noun: string; rows: number; rekeyable: boolean }>;
}

type Counted = { noun: string; rows: number };

export interface RekeyResult {
  resealed: Counted[];
  /** Sealed values no configured key opens: already lost, kept as they were. */
  unopenable: Counted[];
  usage: KeyUse[];
}

export const REKEY_COMMAND = 'npm run server -- rekey';

export function countText(counts: Array<{ noun: [string, string] | string; rows: number }>): string {
  const parts = counts.map(
    ({ noun, rows }) => `${rows} ${Array.isArray(noun) ? noun[rows === 1 ? 0 : 1] : noun}`,
  );
  return parts.length <= 1 ? (parts[0] ?? 'nothing') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

const nounFor = (item: Protected, rows: number) => item.noun[rows === 1 ? 0 : 1];

export class RekeyService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly keyring: Keyring,
    private readonly audit: AuditLog,
  ) {}

  /** What each key protects, current and previous keys first (even when they protect nothing). */
  async usage(): Promise<KeyUse[]> {
    const now = this.clock.now().toISOString();
    const byKey = new Map<string, KeyUse>();
    for (const [index, keyId] of this.keyring.keyIds.entries()) {
      if (!byKey.has(keyId))
        byKey.set(keyId, { keyId, status: index === 0 ? 'current' : 'previous', counts: [] });
    }
    for (const item of PROTECTED) {
      for (const { keyId, sealed, rows } of await countByKeyId(this.db, item.spec, now)) {
        let use = byKey.get(keyId);
        if (!use) {
          use = { keyId, status: keyId === '' ? 'unrecorded' : 'missing', counts: [] };
          byKey.set(keyId, use);
        }
        const noun = sealed ? nounFor(item, rows) : `${nounFor(item, rows)} (made as HMACs)`;
        use.counts.push({ noun, rows, rekeyable: sealed });
      }
    }
    return [...byKey.values()];
  }

  /**
   * Refuses to go on (a ConfigError: the CLI prints it and exits) when rows still need a key that is no longer
   * configured: without it they would fail one by one, silently, as people sign in.
   */
  async requireNeededKeys(): Promise<void> {
    const missing = (await this.usage()).filter((use) => use.status === 'missing');
    if (missing.length === 0) return;
    const what = missing.map((use) => {
      const counts = countText(use.counts);
      const verb = use.counts.length === 1 && use.counts[0]?.rows === 1 ? 'is' : 'are';
      return `${counts} ${verb} still protected by key ${use.keyId}, which is no longer configured`;
    });
    const ids = missing.map((use) => use.keyId).join(', ');
    throw new ConfigError(
      `${what.join('; ')}: put it back in WRSAUTH_SECRET_PREVIOUS and run \`${REKEY_COMMAND}\` (or, to give up what only it protects, \`${REKEY_COMMAND} --forget ${ids}\`; see docs/deploy-server.md, "Rotating the server secret")`,
    );
  }

  /**
   * Gives values stored before key ids were recorded their key id, at start: a sealed value the key that
   * opens it (the ciphertext is kept as it is), a bare HMAC the current key when it is the only one held (no
   * other key could match it). With previous keys held, a bare HMAC's key cannot be told; it stays unrecorded.
   */
  async recordKeyIds(): Promise<void> {
    const now = this.clock.now().toISOString();
    for (const item of PROTECTED) {
      const unrecorded = (await countByKeyId(this.db, item.spec, now)).filter((count) => count.keyId === '');
      if (unrecorded.some((count) => !count.sealed) && this.keyring.keyIds.length === 1) {
        await tagBareHmacs(this.db, item.spec, this.keyring.currentKeyId);
      }
      if (unrecorded.some((count) => count.sealed)) {
        await this.rewrite(item, 'unrecorded', (opened, value) => `v2.${opened.keyId}.${value.slice(3)}`);
      }
    }
  }

  /** Re-seals every sealed value not under the current key; answers what it did and what is left. */
  async rekey(context: RequestContext): Promise<RekeyResult> {
    const resealed: RekeyResult['resealed'] = [];
    const unopenable: RekeyResult['unopenable'] = [];
    for (const item of PROTECTED) {
      const seal = item.context;
      const done = await this.rewrite(item, 'not current', (opened, _value, row) =>
        this.keyring.seal(opened.plaintext, seal(row)),
      );
      if (done.rewritten) resealed.push({ noun: nounFor(item, done.rewritten), rows: done.rewritten });
      if (done.unopenable) unopenable.push({ noun: nounFor(item, done.unopenable), rows: done.unopenable });
    }
    const usage = await this.usage();
    await this.audit.record(context, {
      type: 'server_key_rekeyed',
      detail: {
        keyId: this.keyring.currentKeyId,
        resealed: countText(resealed),
        unopenable: countText(unopenable),
      },
    });
    return { resealed, unopenable, usage };
  }

  /**
   * Deletes the live rows only the given key protects, the operator's explicit choice so that the key can go:
   * unused recovery and bypass codes made as HMACs under it, and, when the key is no longer configured (lost),
   * the values sealed under it, which nothing can open any more. While the key is held its sealed values are
   * kept: `rekey` re-seals them. OIDC client secrets are never deleted (the client would go with them): they
   * are named for rotate-client-secret instead.
   */
  async forget(keyId: string, context: RequestContext): Promise<{ deleted: Counted[]; kept: string[] }> {
    if (!/^[0-9a-f]{8}$/.test(keyId)) {
      throw new AdminInputError('--forget takes a key id: 8 hex digits, as rekey --check shows');
    }
    if (keyId === this.keyring.currentKeyId) {
      throw new AdminInputError(`key ${keyId} is WRSAUTH_SECRET, the current key`);
    }
    const held = this.keyring.keyIds.includes(keyId);
    const now = this.clock.now().toISOString();
    const deleted: Counted[] = [];
    const kept: string[] = [];
    for (const item of PROTECTED) {
      const counts = (await countByKeyId(this.db, item.spec, now)).filter((count) => count.keyId === keyId);
      const sealed = counts.filter((count) => count.sealed).reduce((sum, count) => sum + count.rows, 0);
      const hmacs = counts.filter((count) => !count.sealed).reduce((sum, count) => sum + count.rows, 0);
      if (sealed + hmacs === 0) continue;
      if (item.notForgotten) {
        kept.push(`${sealed + hmacs} ${nounFor(item, sealed + hmacs)}: ${item.notForgotten}`);
        continue;
      }
      if (held && sealed)
        kept.push(`${sealed} ${nounFor(item, sealed)}: run \`${REKEY_COMMAND}\` to re-seal them`);
      if (held && !hmacs) continue;
      const gone = await deleteUnder(this.db, item.spec, { keyId, now, onlyHmacs: held });
      if (gone) deleted.push({ noun: nounFor(item, gone), rows: gone });
    }
    await this.audit.record(context, {
      type: 'server_key_forgotten',
      detail: { keyId, deleted: countText(deleted) },
    });
    return { deleted, kept };
  }

  /** Rewrites each sealed value the filter picks that a held key opens; answers how many, and how many none opens. */
  private async rewrite(
    item: Protected,
    which: 'unrecorded' | 'not current',
    next: (opened: { plaintext: string; keyId: string }, value: string, row: KeyedRow) => string,
  ): Promise<{ rewritten: number; unopenable: number }> {
    const { context } = item;
    const { column } = item.spec;
    const now = this.clock.now().toISOString();
    const filter =
      which === 'unrecorded'
        ? { equal: true, keyId: '', now }
        : { equal: false, keyId: this.keyring.currentKeyId, now };
    let rewritten = 0;
    let unopenable = 0;
    for (;;) {
      const rows = await rowsWithKeyId(this.db, item.spec, filter, unopenable, PAGE);
      if (rows.length === 0) break;
      for (const row of rows) {
        const value = row[column] as string;
        const opened = this.keyring.openWithKeyId(value, context(row));
        if (!opened) {
          // Stepped over from now on (the OFFSET): a value none of the held keys opens stays as it is.
          unopenable++;
          continue;
        }
        // A value changed meanwhile (a new secret, a used code) is newer than this one, and is kept.
        if (await replaceValue(this.db, item.spec, row, next(opened, value, row))) rewritten++;
      }
    }
    return { rewritten, unopenable };
  }
}
