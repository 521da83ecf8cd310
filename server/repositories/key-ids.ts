/**
 * Which server key each sealed value and keyed hash was made under, read from the key id stored in the value
 * itself (Keyring: `v2.<key id>.…` for sealed values, `<key id>.…` for HMACs), and the rewrites `rekey` makes.
 * Table and column names come only from the fixed list in services/rekey.ts, never from input.
 */
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../db/database';

/** One column of one table that holds a value made under the server key. */
export interface KeyedColumn {
  table: string;
  column: string;
  /** Holds HMACs too (`<id>.…`, or bare from before key ids), beside sealed values (`v2.<id>.…`, or `v1.…`). */
  hmacs?: boolean;
  /** The row's primary key columns: the seal's context is made from them. */
  keys: string[];
  /** SQL condition for the rows that still matter (unused, unexpired); `now` is an ISO timestamp parameter. */
  live?: (now: string) => RawBuilder<unknown>;
}

/** The key id in the column, or '' for a value stored before key ids were recorded. */
function keyIdExpression(spec: KeyedColumn): RawBuilder<string> {
  const column = sql.ref(spec.column);
  return sql<string>`(CASE WHEN ${column} LIKE 'v2.%' THEN substr(${column}, 4, 8)
    WHEN ${column} NOT LIKE 'v1.%' AND substr(${column}, 9, 1) = '.' THEN substr(${column}, 1, 8) ELSE '' END)`;
}

/** 1 for a sealed value (rekey can re-seal it), 0 for an HMAC (it needs its code). */
function sealedExpression(spec: KeyedColumn): RawBuilder<number> {
  const column = sql.ref(spec.column);
  return sql<number>`(CASE WHEN ${column} LIKE 'v1.%' OR ${column} LIKE 'v2.%' THEN 1 ELSE 0 END)`;
}

function liveCondition(spec: KeyedColumn, now: string): RawBuilder<unknown> {
  return spec.live ? sql`(${spec.live(now)})` : sql`1 = 1`;
}

export interface KeyCount {
  /** '' for values stored before key ids were recorded. */
  keyId: string;
  /** Sealed values (re-sealable) or HMACs (not). */
  sealed: boolean;
  rows: number;
}

/** How many live rows each key id protects in the column: one grouped COUNT, cheap enough for every start. */
export async function countByKeyId(db: Db, spec: KeyedColumn, now: string): Promise<KeyCount[]> {
  const result = await sql<{ key_id: string; sealed: number | string; n: number | string }>`
    SELECT ${keyIdExpression(spec)} AS key_id, ${sealedExpression(spec)} AS sealed, COUNT(*) AS n
    FROM ${sql.table(spec.table)}
    WHERE ${sql.ref(spec.column)} IS NOT NULL AND ${liveCondition(spec, now)}
    GROUP BY 1, 2`.execute(db);
  // PostgreSQL answers COUNT as a bigint string.
  return result.rows.map((row) => ({
    keyId: row.key_id,
    sealed: Number(row.sealed) === 1,
    rows: Number(row.n),
  }));
}

export type KeyedRow = Record<string, string>;

/**
 * A page of live rows whose sealed value is (`equal`) or is not under the key id ('' for unrecorded), in
 * primary key order; `skip` steps over rows the caller could not rewrite, which stay in the set. Used codes
 * and expired records are left as they are: nothing needs them any more.
 */
export async function rowsWithKeyId(
  db: Db,
  spec: KeyedColumn,
  filter: { equal: boolean; keyId: string; now: string },
  skip: number,
  limit: number,
): Promise<KeyedRow[]> {
  const columns = sql.join([...spec.keys, spec.column].map((name) => sql.ref(name)));
  const order = sql.join(spec.keys.map((name) => sql.ref(name)));
  const compare = filter.equal ? sql`=` : sql`<>`;
  const result = await sql<KeyedRow>`
    SELECT ${columns} FROM ${sql.table(spec.table)}
    WHERE ${sql.ref(spec.column)} IS NOT NULL AND ${sealedExpression(spec)} = 1
    AND ${keyIdExpression(spec)} ${compare} ${filter.keyId} AND ${liveCondition(spec, filter.now)}
    ORDER BY ${order} LIMIT ${limit} OFFSET ${skip}`.execute(db);
  return result.rows;
}

/** Replaces a row's value, only if it is still the one read: a value changed meanwhile is newer, and kept. */
export async function replaceValue(
  db: Db,
  spec: KeyedColumn,
  row: KeyedRow,
  value: string,
): Promise<boolean> {
  const where = sql.join(
    [...spec.keys, spec.column].map((name) => sql`${sql.ref(name)} = ${row[name]}`),
    sql` AND `,
  );
  const result =
    await sql`UPDATE ${sql.table(spec.table)} SET ${sql.ref(spec.column)} = ${value} WHERE ${where}`.execute(
      db,
    );
  return Number(result.numAffectedRows ?? 0) > 0;
}

/**
 * Names the key of every HMAC stored before key ids were recorded: run only when one key is held, the only
 * key such an HMAC can still match under.
 */
export async function tagBareHmacs(db: Db, spec: KeyedColumn, keyId: string): Promise<number> {
  const column = sql.ref(spec.column);
  const result = await sql`UPDATE ${sql.table(spec.table)} SET ${column} = ${`${keyId}.`} || ${column}
    WHERE ${column} IS NOT NULL AND ${sealedExpression(spec)} = 0 AND substr(${column}, 9, 1) <> '.'`.execute(
    db,
  );
  return Number(result.numAffectedRows ?? 0);
}

/**
 * Deletes the live rows under a key id (`onlyHmacs`: only those that are HMACs): `rekey --forget`, when an
 * operator gives up what only that key opens.
 */
export async function deleteUnder(
  db: Db,
  spec: KeyedColumn,
  filter: { keyId: string; now: string; onlyHmacs: boolean },
): Promise<number> {
  const form = filter.onlyHmacs ? sql`${sealedExpression(spec)} = 0` : sql`1 = 1`;
  const result = await sql`DELETE FROM ${sql.table(spec.table)}
    WHERE ${sql.ref(spec.column)} IS NOT NULL AND ${keyIdExpression(spec)} = ${filter.keyId}
    AND ${form} AND ${liveCondition(spec, filter.now)}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
