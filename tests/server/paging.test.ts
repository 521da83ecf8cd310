/**
 * The console's paged reads (issue 19): the Users tab and the readiness list page on the server by a keyset
 * cursor (`after`, the last User ID shown), the audit log by `before` (the last event id) as well as `offset`,
 * and readiness.csv still holds the whole list. Every row once across the pages, in order; bad cursors 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUserRow } from '../../server/repositories/users';
import { newSortableId } from '../../server/secrets';
import { adminSession, bearer, call } from '../support/self-service';
import { startWithUser, type TestServer } from '../support/test-server';

let t: TestServer;
let admin: string;

/** Bulk users, besides ckiplock and manager: enough for many pages and more than one readiness.csv batch. */
const BULK = 1_600;
/** Every third bulk user has a phone; the rest have no factor and would be locked out. */
const hasPhone = (i: number) => i % 3 === 0;
/** Names whose search must match the start case-insensitively, and take % and _ literally. */
const lastNameOf = (i: number) =>
  i % 10 === 0 ? 'SMITHERS' : i % 10 === 1 ? 'Goldsmith' : i % 97 === 0 ? '50%_off' : `Person${i}`;

beforeAll(async () => {
  t = await startWithUser(); // ckiplock: phone and email
  admin = await adminSession(t); // manager: no contacts
  const practice = await t.server.db.selectFrom('practices').select('id').executeTakeFirstOrThrow();
  const now = t.clock.now();
  for (let start = 0; start < BULK; start += 200) {
    const rows = Array.from({ length: Math.min(200, BULK - start) }, (_, k) => {
      const i = start + k;
      return newUserRow({
        practiceId: practice.id,
        // Mixed case: the order is the User ID's case-insensitive one.
        username: i % 2 ? `User${String(i).padStart(4, '0')}` : `user${String(i).padStart(4, '0')}`,
        passwordHash: 'not-a-hash: these users never sign in',
        firstName: `First${i}`,
        lastName: lastNameOf(i),
        role: 'staff',
        phone: hasPhone(i) ? `+1202555${String(i).padStart(4, '0')}` : null,
        email: null,
        now,
      });
    });
    await t.server.db.insertInto('users').values(rows).execute();
  }
}, 120_000);
afterAll(() => t.close());

const get = (path: string) => call(t, 'GET', `/api/v1/admin/${path}`, undefined, bearer(admin));

/** Every User ID of the practice, in the order the console pages them: case-insensitive User ID order. */
async function everyUsername(): Promise<string[]> {
  const rows = await t.server.db.selectFrom('users').select(['username', 'username_key']).execute();
  return rows.sort((a, b) => (a.username_key < b.username_key ? -1 : 1)).map((row) => row.username);
}

/** Follows `nextAfter` from the first page to the last, answering every page's items. */
async function walk<T>(path: (after?: string) => string, items: (body: never) => T[]): Promise<T[][]> {
  const pages: T[][] = [];
  let after: string | undefined;
  for (;;) {
    const response = await get(path(after));
    expect(response.status).toBe(200);
    pages.push(items(response.body as never));
    if (response.body.nextAfter === null) return pages;
    after = response.body.nextAfter;
    if (pages.length > 100) throw new Error('the pages never end');
  }
}

const usernames = (body: { users: { username: string }[] }) => body.users.map((user) => user.username);

describe('the Users tab pages on the server', () => {
  it('returns every user exactly once across the pages, in User ID order, following nextAfter', async () => {
    const pages = await walk((after) => `users?limit=100${after ? `&after=${after}` : ''}`, usernames);
    expect(pages).toHaveLength(Math.ceil((BULK + 2) / 100));
    expect(pages.slice(0, -1).every((page) => page.length === 100)).toBe(true);
    expect(pages.flat()).toEqual(await everyUsername());
  });

  it('answers 50 users unless asked, and the next page continues where it stopped', async () => {
    const first = await get('users');
    expect(first.body.users).toHaveLength(50);
    expect(first.body.nextAfter).toBe(first.body.users[49].username);
    const second = await get(`users?after=${first.body.nextAfter}`);
    const all = await everyUsername();
    expect(usernames(second.body)).toEqual(all.slice(50, 100));
  });

  it('pages a search by the start of a name or User ID, in any case: every match once, following nextAfter', async () => {
    const pages = await walk(
      (after) => `users?q=smith&limit=40${after ? `&after=${after}` : ''}`,
      (body: { users: { username: string; lastName: string }[] }) => body.users,
    );
    // SMITHERS (i % 10 === 0), a tenth of the bulk users; Goldsmith holds "smith" but does not start with it.
    const expected = Array.from({ length: BULK }, (_, i) => i).filter((i) => lastNameOf(i) === 'SMITHERS');
    expect(pages.flat()).toHaveLength(expected.length);
    expect(pages.flat().every((user) => user.lastName === 'SMITHERS')).toBe(true);
    // One last name matched, so the order is the User ID's.
    const ids = pages.flat().map((user) => user.username);
    expect(ids).toEqual((await everyUsername()).filter((username) => ids.includes(username)));
    const byId = await get('users?q=USER0007');
    expect(usernames(byId.body)).toEqual(['User0007']);
    expect(byId.body.nextAfter).toBeNull();
  });

  it('takes % and _ in a search literally, not as wildcards', async () => {
    const literal = await get(`users?q=${encodeURIComponent('50%_')}&limit=100`);
    const expected = Array.from({ length: BULK }, (_, i) => i).filter((i) => lastNameOf(i) === '50%_off');
    expect(literal.body.users).toHaveLength(expected.length);
    expect((await get(`users?q=${encodeURIComponent('5_')}`)).body.users).toEqual([]);
    expect((await get(`users?q=${encodeURIComponent('%')}`)).body.users).toEqual([]);
  });

  it('caps the page at 100 users and refuses a bad limit or cursor with 400 naming the field', async () => {
    for (const [query, field] of [
      ['limit=101', 'limit'],
      ['limit=0', 'limit'],
      ['limit=ten', 'limit'],
      ['after=', 'after'],
      [`after=${'x'.repeat(129)}`, 'after'],
    ]) {
      const response = await get(`users?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body.message, query).toMatch(new RegExp(`^${field}: `));
    }
  });
});

describe('readiness pages its list and counts with aggregates', () => {
  const lockedOut = async () =>
    (await everyUsername()).filter((username) => {
      if (username === 'ckiplock') return false; // phone and email
      const i = Number(username.slice(4));
      return username === 'manager' || !hasPhone(i);
    });

  it('counts every active user, and lists the first page of who would be locked out', async () => {
    const response = await get('readiness');
    expect(response.status).toBe(200);
    const expected = await lockedOut();
    expect(response.body).toMatchObject({
      activeUsers: BULK + 2,
      counts: {
        phone: 1 + Math.ceil(BULK / 3),
        email: 1,
        authenticator: 0,
        nothing: expected.length,
      },
    });
    expect(response.body.wouldBeLockedOut.map((user: { username: string }) => user.username)).toEqual(
      expected.slice(0, 50),
    );
  });

  it('returns everyone who would be locked out exactly once across the pages, in User ID order', async () => {
    const pages = await walk(
      (after) => `readiness?limit=200${after ? `&after=${after}` : ''}`,
      (body: { wouldBeLockedOut: { username: string }[] }) => body.wouldBeLockedOut.map((u) => u.username),
    );
    expect(pages.flat()).toEqual(await lockedOut());
  });

  it('exports the whole list as CSV, past one batch of 1 000, each user once', async () => {
    const response = await get('readiness.csv');
    expect(response.status).toBe(200);
    const lines = String(response.body).trimEnd().split('\r\n');
    expect(lines[0]).toBe('username,first_name,last_name,role');
    const expected = await lockedOut();
    expect(expected.length).toBeGreaterThan(1_000);
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(expected);
  });

  it('caps the page at 200 and refuses a bad limit or cursor with 400 naming the field', async () => {
    for (const [query, field] of [
      ['limit=201', 'limit'],
      ['limit=-1', 'limit'],
      ['after=', 'after'],
    ]) {
      const response = await get(`readiness?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body.message, query).toMatch(new RegExp(`^${field}: `));
    }
  });
});

describe('the audit log pages by a before cursor as well as by offset', () => {
  /** 230 events of user "paged", a minute apart from 2026-07-01, and some of another user between them. */
  beforeAll(async () => {
    const base = Date.parse('2026-07-01T00:00:00.000Z');
    const events = Array.from({ length: 300 }, (_, i) => {
      const at = new Date(base + i * 60_000);
      return {
        id: newSortableId(at),
        at: at.toISOString(),
        user_id: null,
        username: i % 10 < 7 ? 'paged' : 'other',
        ip: null,
        user_agent: null,
        event_type: 'code_sent',
        detail: JSON.stringify({ n: i }),
      };
    });
    await t.server.db.insertInto('audit_events').values(events).execute();
  });

  const ids = (body: { events: { id: string }[] }) => body.events.map((event) => event.id);

  it('before and offset answer the same pages, every event once, newest first', async () => {
    const byOffset: string[][] = [];
    for (let offset = 0; offset < 210; offset += 50) {
      byOffset.push(ids((await get(`audit?username=paged&limit=50&offset=${offset}`)).body));
    }
    const byBefore: string[][] = [];
    let before: string | undefined;
    for (let page = 0; page < 5; page++) {
      const response = await get(`audit?username=paged&limit=50${before ? `&before=${before}` : ''}`);
      expect(response.status).toBe(200);
      byBefore.push(ids(response.body));
      before = response.body.events.at(-1)?.id;
    }
    expect(byBefore).toEqual(byOffset);
    const all = byOffset.flat();
    expect(all).toHaveLength(210);
    expect(new Set(all).size).toBe(210);
    expect([...all].sort().reverse()).toEqual(all);
  });

  it('keeps the filter with before: a user and a date range', async () => {
    const first = await get('audit?username=paged&from=2026-07-01&to=2026-07-01&limit=20');
    expect(first.body).toMatchObject({ total: 210, totalCapped: false });
    const next = await get(
      `audit?username=paged&from=2026-07-01&to=2026-07-01&limit=20&before=${first.body.events[19].id}`,
    );
    expect(next.body.events.every((event: { username: string }) => event.username === 'paged')).toBe(true);
    expect(next.body.events[0].id < first.body.events[19].id).toBe(true);
  });

  it('finds the same events by a date range however far its ends lie', async () => {
    for (const range of [
      'from=1900-01-01',
      'to=9999-12-31',
      'from=1900-01-01&to=9999-12-31',
      'from=2026-07-01',
    ]) {
      const page = await get(`audit?username=paged&limit=200&${range}`);
      expect([page.status, page.body.total], range).toEqual([200, 210]);
      expect(page.body.events, range).toHaveLength(200);
    }
    expect((await get('audit?username=paged&to=2026-06-30')).body.events).toEqual([]);
    expect((await get('audit?username=paged&from=2026-07-02')).body.events).toEqual([]);
  });

  it('lists an event whose id does not follow its time (restored, written by hand) at its time, once across the pages', async () => {
    const base = Date.parse('2026-08-01T00:00:00.000Z');
    const event = (at: Date, id: string, n: number) => ({
      id,
      at: at.toISOString(),
      user_id: null,
      username: 'moved',
      ip: null,
      user_agent: null,
      event_type: 'code_sent',
      detail: JSON.stringify({ n }),
    });
    const inOrder = Array.from({ length: 6 }, (_, i) =>
      event(new Date(base + i * 60_000), newSortableId(new Date(base + i * 60_000)), i),
    );
    // At 00:02:30, but with an id of 2020: in id order it would come last of all.
    const moved = event(new Date(base + 150_000), newSortableId(new Date('2020-01-01T00:00:00.000Z')), 99);
    await t.server.db
      .insertInto('audit_events')
      .values([...inOrder, moved])
      .execute();
    const expected = [5, 4, 3, 99, 2, 1, 0];

    for (const query of ['username=moved', 'username=moved&from=2026-08-01&to=2026-08-01']) {
      const walked: number[] = [];
      let before: string | undefined;
      for (let page = 0; page < 10; page++) {
        const response = await get(`audit?${query}&limit=2${before ? `&before=${before}` : ''}`);
        expect(response.status).toBe(200);
        walked.push(...response.body.events.map((e: { detail: { n: number } }) => e.detail.n));
        before = response.body.events.at(-1)?.id;
        if (!before) break;
      }
      expect(walked, query).toEqual(expected);
    }
  });

  it('takes a before no event has as the time its id begins with', async () => {
    const cursor = newSortableId(new Date('2026-07-01T00:59:30.000Z'));
    const response = await get(`audit?username=paged&limit=3&before=${cursor}`);
    expect(response.status).toBe(200);
    // The newest of "paged" before 00:59:30 (minutes 57-59 are "other").
    expect(response.body.events.map((e: { at: string }) => e.at)).toEqual([
      '2026-07-01T00:56:00.000Z',
      '2026-07-01T00:55:00.000Z',
      '2026-07-01T00:54:00.000Z',
    ]);
  });

  it('refuses a malformed before with 400 naming the field, never a 500', async () => {
    for (const before of ['NOT-AN-ID', "x' or 1=1 --", 'a'.repeat(65)]) {
      const response = await get(`audit?before=${encodeURIComponent(before)}`);
      expect(response.status, before).toBe(400);
      expect(response.body.message).toMatch(/^before: /);
    }
  });

  it('counts the matching events no further than 10 000, and says when there are more', async () => {
    const base = Date.parse('2026-08-01T00:00:00.000Z');
    for (let start = 0; start < 10_001; start += 1_000) {
      const events = Array.from({ length: Math.min(1_000, 10_001 - start) }, (_, k) => {
        const at = new Date(base + (start + k) * 1000);
        return {
          id: newSortableId(at),
          at: at.toISOString(),
          user_id: null,
          username: 'busy',
          ip: null,
          user_agent: null,
          event_type: 'code_sent',
          detail: '{}',
        };
      });
      await t.server.db.insertInto('audit_events').values(events).execute();
    }
    expect((await get('audit?username=busy&limit=1')).body).toMatchObject({
      total: 10_000,
      totalCapped: true,
    });
    expect((await get('audit?username=busy&from=2026-08-01&to=2026-08-01&limit=1')).body).toMatchObject({
      total: 10_000,
      totalCapped: true,
    });
    expect((await get('audit?username=paged&limit=1')).body).toMatchObject({
      total: 210,
      totalCapped: false,
    });
  });
});
