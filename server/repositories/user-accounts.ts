/** What the console reads and writes about the practice's users (the sign-in path uses users.ts). */
import { type ExpressionBuilder, sql, type Updateable } from 'kysely';
import type { Db } from '../db/database';
import type { Database, UserRow, UserTable } from '../db/schema';
import { withNameKeys } from './users';

/** What the Users search looks for: the start of a name (nameKey) or of a User ID (usernameKey). */
export interface UserSearch {
  name: string;
  username: string;
}

/**
 * The columns a search matches, in the order that breaks a tie between them: a user whose last name and
 * User ID both start with the words is listed once, under the first of the two that comes in the order.
 */
const SEARCHED = ['last_name_key', 'first_name_key', 'username_key'] as const;
type Searched = (typeof SEARCHED)[number];
type SearchedRow = Pick<UserRow, Searched>;

/** Where a user stands in a search's order: the key that matched (the smallest), which column, the User ID. */
export interface SearchPosition {
  term: string;
  via: number;
  usernameKey: string;
}

const needleFor = (search: UserSearch, column: Searched) =>
  column === 'username_key' ? search.username : search.name;

/**
 * The least string greater than every string that starts with `prefix`, in code point order (SQLite's
 * BINARY, PostgreSQL's "C" collation): its last code point plus one. Undefined when there is none.
 */
function prefixUpperBound(prefix: string): string | undefined {
  const points = Array.from(prefix, (c) => c.codePointAt(0) ?? 0);
  while (points.length > 0) {
    const last = (points.pop() ?? 0) + 1;
    if (last <= 0x10ffff)
      return String.fromCodePoint(...points, last >= 0xd800 && last < 0xe000 ? 0xe000 : last);
  }
  return undefined;
}

/** Code point order, which the database's byte order of UTF-8 follows (JavaScript's `<` compares UTF-16). */
function compareCodePoints(a: string, b: string): number {
  const [x, y] = [Array.from(a), Array.from(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Where `row` stands in the search's order, or undefined when it does not match the search. */
export function searchPositionOf(row: SearchedRow, search: UserSearch): SearchPosition | undefined {
  let best: SearchPosition | undefined;
  SEARCHED.forEach((column, via) => {
    const needle = needleFor(search, column);
    const term = row[column];
    if (needle === '' || !term.startsWith(needle)) return;
    if (!best || compareCodePoints(term, best.term) < 0) best = { term, via, usernameKey: row.username_key };
  });
  return best;
}

/**
 * One page of a Users search: the practice's users whose last name, first name or User ID starts with the
 * search, in the order of what matched (then which column, then User ID), after `after`. One branch per
 * column walks that column's index from the search's start and stops at `limit`, skipping a user another
 * column lists sooner; the page is the first `limit` of the three. So a page reads about 3 × `limit` index
 * entries however many users match: the cost of "Smi" does not grow with the practice.
 */
export function searchUsersOfPractice(
  db: Db,
  practiceId: string,
  page: { search: UserSearch; after?: SearchPosition; limit: number },
) {
  return searchUsersQuery(db, practiceId, page).execute();
}

/** A search page's query, unrun: its plan is checked in tests/server/paging-plans.test.ts. */
export function searchUsersQuery(
  db: Db,
  practiceId: string,
  page: { search: UserSearch; after?: SearchPosition; limit: number },
) {
  const matches = (eb: ExpressionBuilder<Database, 'users'>, column: Searched) => {
    const needle = needleFor(page.search, column);
    const upper = prefixUpperBound(needle);
    return eb.and([eb(column, '>=', needle), ...(upper === undefined ? [] : [eb(column, '<', upper)])]);
  };
  const branch = (column: Searched, via: number) =>
    db
      .selectFrom('users')
      .selectAll()
      .select([sql<string>`${sql.ref(column)}`.as('term'), sql<number>`${sql.lit(via)}`.as('via')])
      .where('practice_id', '=', practiceId)
      .where((eb) => {
        const sooner = SEARCHED.flatMap((other, otherVia) =>
          other === column || needleFor(page.search, other) === ''
            ? []
            : [
                eb.not(
                  eb.and([
                    matches(eb, other),
                    otherVia < via ? eb(other, '<=', eb.ref(column)) : eb(other, '<', eb.ref(column)),
                  ]),
                ),
              ],
        );
        const after = page.after;
        const cursor =
          after === undefined
            ? []
            : [
                via < after.via
                  ? eb(column, '>', after.term)
                  : via === after.via
                    ? eb(eb.refTuple(column, 'username_key'), '>', eb.tuple(after.term, after.usernameKey))
                    : eb(column, '>=', after.term),
              ];
        return eb.and([matches(eb, column), ...sooner, ...cursor]);
      })
      .orderBy(column)
      .orderBy('username_key')
      .limit(page.limit);
  const branches = SEARCHED.flatMap((column, via) =>
    needleFor(page.search, column) === ''
      ? []
      : [db.selectFrom(branch(column, via).as(`by_${via}`)).selectAll()],
  );
  const [first, ...rest] = branches;
  if (!first) throw new Error('a search needs a name or a User ID to look for');
  return rest
    .reduce((union, next) => union.unionAll(next), first)
    .orderBy('term')
    .orderBy('via')
    .orderBy('username_key')
    .limit(page.limit);
}

/**
 * One page of the Users tab without a search: the practice's users in username_key order after `afterKey`,
 * read from users_practice_username in order.
 */
export function listUsersPage(db: Db, practiceId: string, page: { afterKey?: string; limit: number }) {
  return listUsersPageQuery(db, practiceId, page).execute();
}

/** The unsearched page's query, unrun (its plan is checked in tests). */
export function listUsersPageQuery(db: Db, practiceId: string, page: { afterKey?: string; limit: number }) {
  let query = db.selectFrom('users').selectAll().where('practice_id', '=', practiceId);
  if (page.afterKey !== undefined) query = query.where('username_key', '>', page.afterKey);
  return query.orderBy('username_key').limit(page.limit);
}

/** The practice's active users: what the readiness list reads. */
function activeUsersQuery(db: Db, practiceId: string) {
  return db.selectFrom('users').where('users.practice_id', '=', practiceId).where('users.active', '=', 1);
}

/** Which factors count for the readiness view: a contact on file, a confirmed authenticator. */
export interface FactorsAllowed {
  sms: boolean;
  email: boolean;
  totp: boolean;
}

/**
 * The readiness counts: how many active users have each factor, and how many have none the practice allows.
 * Read from user_factor_counts (migration 0020, kept by triggers on write): the practice's at most 8 buckets,
 * summed here, so the cost does not grow with the number of users.
 */
export async function readinessCounts(db: Db, practiceId: string, allowed: FactorsAllowed) {
  const buckets = await readinessCountsQuery(db, practiceId).execute();
  const sum = (counted: (bucket: (typeof buckets)[number]) => boolean) =>
    buckets.filter(counted).reduce((total, bucket) => total + Number(bucket.users), 0);
  const hasAllowed = (bucket: (typeof buckets)[number]) =>
    (allowed.sms && bucket.has_phone === 1) ||
    (allowed.email && bucket.has_email === 1) ||
    (allowed.totp && bucket.has_totp === 1);
  return {
    activeUsers: sum(() => true),
    counts: {
      phone: sum((bucket) => bucket.has_phone === 1),
      email: sum((bucket) => bucket.has_email === 1),
      authenticator: sum((bucket) => bucket.has_totp === 1),
      nothing: sum((bucket) => !hasAllowed(bucket)),
    },
  };
}

/** The readiness counts' query, unrun: the practice's buckets by the table's key (its plan is checked in tests). */
export function readinessCountsQuery(db: Db, practiceId: string) {
  return db
    .selectFrom('user_factor_counts')
    .select(['has_phone', 'has_email', 'has_totp', 'users'])
    .where('practice_id', '=', practiceId);
}

/**
 * The SQL condition "this active user has no factor the practice allows", as one term per factor joined by
 * AND: in that form a practice allowing texts and email (the default) matches the partial index
 * users_practice_active_no_contact, whose rows are just the users with neither.
 */
function noAllowedFactor(allowed: FactorsAllowed) {
  const lacks = [
    allowed.sms ? sql`users.phone is null` : undefined,
    allowed.email ? sql`users.email is null` : undefined,
    // An anti-join, not a left join's null: PostgreSQL estimates it as "most users", where it took the null
    // for "few" and chose to read and sort them all rather than walk the index and stop at the page.
    allowed.totp
      ? sql`not exists (select 1 from totp_factors where totp_factors.user_id = users.id and totp_factors.confirmed_at is not null)`
      : undefined,
  ].filter((condition) => condition !== undefined);
  return lacks.length === 0 ? sql`1 = 1` : sql.join(lacks, sql` and `);
}

/**
 * A page of the active users with no factor the practice allows, in username_key order after `afterKey`:
 * the readiness list, read in order and cut at `limit`. With texts and email allowed it walks
 * users_practice_active_no_contact (only users with neither contact are in it), so a page reads about
 * `limit` rows however many users have a contact; with fewer factors allowed it walks
 * users_practice_active_username, where most users then match.
 */
export function usersWithoutAllowedFactor(
  db: Db,
  practiceId: string,
  allowed: FactorsAllowed,
  page: { afterKey?: string; limit: number },
) {
  return usersWithoutAllowedFactorQuery(db, practiceId, allowed, page).execute();
}

/** The readiness list page's query, unrun (its plan is checked in tests). */
export function usersWithoutAllowedFactorQuery(
  db: Db,
  practiceId: string,
  allowed: FactorsAllowed,
  page: { afterKey?: string; limit: number },
) {
  let query = activeUsersQuery(db, practiceId)
    .select([
      'users.id',
      'users.username',
      'users.username_key',
      'users.first_name',
      'users.last_name',
      'users.role',
    ])
    .where(sql<boolean>`${noAllowedFactor(allowed)}`);
  if (page.afterKey !== undefined) query = query.where('users.username_key', '>', page.afterKey);
  return query.orderBy('users.username_key').limit(page.limit);
}

/** Of the given users (a page of them, never the whole practice), those with a confirmed authenticator app. */
export async function usersWithAuthenticator(db: Db, userIds: string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('totp_factors')
    .select('user_id')
    .where('confirmed_at', 'is not', null)
    .where('user_id', 'in', userIds)
    .execute();
  return new Set(rows.map((row) => row.user_id));
}

/** The practice's active account managers. */
export function activeAdmins(db: Db, practiceId: string) {
  return db
    .selectFrom('users')
    .selectAll()
    .where('practice_id', '=', practiceId)
    .where('role', '=', 'admin')
    .where('active', '=', 1)
    .orderBy('username_key')
    .execute();
}

/**
 * Takes the practice row's write lock for the rest of the transaction (a no-op update), so two account
 * managers demoting or deactivating each other at once are serialised and cannot both pass the last-admin
 * check. Portable: PostgreSQL locks the row, SQLite the database.
 */
export async function lockPractice(db: Db, practiceId: string): Promise<void> {
  await db
    .updateTable('practices')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('id', '=', practiceId)
    .execute();
}

export async function updateUser(
  db: Db,
  userId: string,
  change: Pick<
    Updateable<UserTable>,
    | 'first_name'
    | 'last_name'
    | 'role'
    | 'active'
    | 'updated_at'
    | 'resource_type'
    | 'start_date'
    | 'end_date'
    | 'access_ended_at'
  >,
) {
  await db.updateTable('users').set(withNameKeys(change)).where('id', '=', userId).execute();
}
