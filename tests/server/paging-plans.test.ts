/**
 * Each index of migrations 0019, 0021, 0022 and 0023 serves the query it was made for, and the readiness counts
 * read migration 0020's user_factor_counts by its key, not users: the planner's own account of that query
 * (SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN with sequential scans priced out, as they are once a
 * practice is large) names the index. A query that stopped using its index would read the whole table again.
 */
import { type Compilable, CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/database';
import { auditCountUpToQuery, auditPageQuery } from '../../server/repositories/audit-search';
import {
  listUsersPageQuery,
  readinessCountsQuery,
  searchUsersQuery,
  usersWithoutAllowedFactorQuery,
} from '../../server/repositories/user-accounts';
import { newSortableId } from '../../server/secrets';
import { TEST_BACKEND } from '../support/test-database';
import { startWithUser, type TestServer } from '../support/test-server';

let t: TestServer;
let practiceId: string;
beforeAll(async () => {
  t = await startWithUser();
  practiceId = (await t.server.db.selectFrom('practices').select('id').executeTakeFirstOrThrow()).id;
  // A trail of many users over months, and the planner's statistics of it: with an empty table and none,
  // any index looks as good as another and the plan says nothing about a real practice's.
  const base = Date.parse('2026-01-01T00:00:00.000Z');
  for (let start = 0; start < 5_000; start += 1_000) {
    const events = Array.from({ length: 1_000 }, (_, k) => {
      const at = new Date(base + (start + k) * 3_600_000);
      return {
        id: newSortableId(at),
        at: at.toISOString(),
        user_id: null,
        username: `user${(start + k) % 500}`,
        ip: null,
        user_agent: null,
        event_type: 'code_sent',
        detail: '{}',
      };
    });
    await t.server.db.insertInto('audit_events').values(events).execute();
  }
  await sql`ANALYZE`.execute(t.server.db);
});
afterAll(() => t.close());

/** The plan of `query` as the database would run it, one line per step. */
async function planOf(query: Compilable): Promise<string> {
  const compiled = query.compile();
  if (TEST_BACKEND === 'sqlite') {
    const result = await t.server.db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`EXPLAIN QUERY PLAN ${compiled.sql}`, [...compiled.parameters]),
    );
    return result.rows.map((row) => row.detail).join('\n');
  }
  // A test database holds a few rows, where a sequential scan is cheapest; a large practice's is not.
  return t.server.db.transaction().execute(async (tx: Db) => {
    await sql`SET LOCAL enable_seqscan = off`.execute(tx);
    const result = await tx.executeQuery<{ 'QUERY PLAN': string }>(
      CompiledQuery.raw(`EXPLAIN ${compiled.sql}`, [...compiled.parameters]),
    );
    return result.rows.map((row) => row['QUERY PLAN']).join('\n');
  });
}

/**
 * The search's three branches as the plan reads them: the index each one walks, and whether anything sorts
 * its rows before its limit. SQLite runs each as a co-routine (the lines from "CO-ROUTINE by_N" to "SCAN
 * by_N"); PostgreSQL as a Limit over an Index Scan under its Merge Append.
 */
function searchBranches(plan: string): { index: string | undefined; sorted: boolean }[] {
  if (TEST_BACKEND === 'sqlite')
    return [0, 1, 2].map((n) => {
      const branch = plan.slice(plan.indexOf(`CO-ROUTINE by_${n}`), plan.indexOf(`SCAN by_${n}`));
      return { index: /USING INDEX (\w+)/.exec(branch)?.[1], sorted: /TEMP B-TREE/.test(branch) };
    });
  return plan
    .split(/\n\s*->\s*Limit\b/)
    .slice(1)
    .map((branch) => ({
      index: /^[^\n]*\n\s*->\s*Index Scan using (\w+)/.exec(branch)?.[1],
      sorted: /^[^\n]*\n\s*->\s*(Incremental )?Sort/.test(branch),
    }));
}

const allFactors = { sms: true, email: true, totp: true };
const monthOfUser = {
  username: 'user7',
  fromAt: '2026-06-01T00:00:00.000Z',
  beforeAt: '2026-07-01T00:00:00.000Z',
};

describe('the paged queries use the indexes made for them', () => {
  it('a Users search reads each searched column’s index in order from the search’s start and stops at the page', async () => {
    const plan = await planOf(
      searchUsersQuery(t.server.db, practiceId, {
        search: { name: 'smi', username: 'smi' },
        after: { term: 'smith', via: 0, usernameKey: 'csmith1' },
        limit: 51,
      }),
    );
    // One branch per column, each an index read cut by its own limit with no sort before it: a sort there
    // would mean every match of "smi" is read before the page is cut.
    expect(searchBranches(plan)).toEqual([
      { index: 'users_practice_last_name_key', sorted: false },
      { index: 'users_practice_first_name_key', sorted: false },
      {
        index: expect.stringMatching(
          /^(users_practice_username|sqlite_autoindex_users_2|users_username_key_key)$/,
        ),
        sorted: false,
      },
    ]);
  });

  it('the Users tab without a search walks users_practice_username in User ID order after the cursor', async () => {
    const plan = await planOf(
      listUsersPageQuery(t.server.db, practiceId, { afterKey: 'kiplock', limit: 51 }),
    );
    expect(plan).toMatch(/users_practice_username\b|sqlite_autoindex_users_2|users_username_key_key/);
    expect(plan).not.toMatch(/TEMP B-TREE FOR ORDER BY|Sort Key/);
  });

  it('the readiness list under the default policy walks users_practice_active_no_contact after the cursor', async () => {
    const plan = await planOf(
      usersWithoutAllowedFactorQuery(t.server.db, practiceId, allFactors, { afterKey: 'a', limit: 51 }),
    );
    // Only users with neither contact are in that partial index: a page reads its first rows, no more.
    expect(plan).toMatch(/users_practice_active_no_contact/);
    expect(plan).not.toMatch(/TEMP B-TREE FOR ORDER BY|Sort Key/);
  });

  it('the readiness list with only the authenticator app allowed walks users_practice_active_username', async () => {
    const appOnly = { sms: false, email: false, totp: true };
    const plan = await planOf(
      usersWithoutAllowedFactorQuery(t.server.db, practiceId, appOnly, { afterKey: 'a', limit: 51 }),
    );
    expect(plan).toMatch(/users_practice_active_username/);
    expect(plan).not.toMatch(/TEMP B-TREE FOR ORDER BY|Sort Key/);
  });

  it("the readiness counts read the practice's buckets by user_factor_counts' key, and no user", async () => {
    const plan = await planOf(readinessCountsQuery(t.server.db, practiceId));
    // SQLite: the WITHOUT ROWID table's own key; PostgreSQL: the primary key's index, by name.
    expect(plan).toMatch(
      /SEARCH user_factor_counts USING PRIMARY KEY \(practice_id=\?\)|Index Scan using user_factor_counts_pk on user_factor_counts|Bitmap Index Scan on user_factor_counts_pk/,
    );
    // No step reads the users table (a scan or search of it, or a join on it).
    expect(plan).not.toMatch(/\b(on|SCAN|SEARCH) users\b/);
  });

  it('the audit count for a user and a date range reads audit_events_username_at_id', async () => {
    const plan = await planOf(auditCountUpToQuery(t.server.db, monthOfUser, 10_000));
    expect(plan).toMatch(/audit_events_username_at_id/);
  });

  it('the audit count for a date range alone reads audit_events_at_id', async () => {
    const { username: _, ...range } = monthOfUser;
    const plan = await planOf(auditCountUpToQuery(t.server.db, range, 10_000));
    expect(plan).toMatch(/audit_events_at_id/);
  });

  /** The plan of a page below a cursor in June, for the filter given. */
  const pagePlan = (search: typeof monthOfUser | Omit<typeof monthOfUser, 'username'>) =>
    planOf(
      auditPageQuery(t.server.db, search, {
        limit: 50,
        offset: 0,
        before: { at: '2026-06-20T00:00:00.000Z', id: 'mzzzzzzzz0000' },
      }),
    );

  it('a page of every user’s events in a date range walks audit_events_at_id from the cursor, with no sort', async () => {
    const { username: _, ...range } = monthOfUser;
    const plan = await pagePlan(range);
    expect(plan).toMatch(/audit_events_at_id/);
    expect(plan).not.toMatch(/TEMP B-TREE FOR ORDER BY|Sort Key/);
  });

  it('a deep audit page of one user starts at the cursor in audit_events_username_at_id, in time order, with no sort', async () => {
    const plan = await pagePlan(monthOfUser);
    expect(plan).toMatch(/audit_events_username_at_id/);
    expect(plan).not.toMatch(/TEMP B-TREE FOR ORDER BY|Sort Key/);
  });
});
