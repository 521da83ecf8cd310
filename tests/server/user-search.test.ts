/**
 * The Users search (issue 19): it finds the users whose last name, first name or User ID starts with what
 * was typed, in any case and with or without accents, listed in the order of what matched (then User ID),
 * each once, and pages by the last User ID shown. The names' search keys move with the names whoever
 * changes them: the console's edit and My settings' profile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUserRow } from '../../server/repositories/users';
import { adminSession, bearer, call, staffSession, userIdOf } from '../support/self-service';
import { startWithUser, type TestServer } from '../support/test-server';

let t: TestServer;
let admin: string;

/** [User ID, first name, last name]: besides ckiplock (Casey Kiplock) and manager (… Kiplock). */
const PEOPLE: [string, string, string][] = [
  ['jsmith', 'Jane', 'Smith'],
  // Last name and User ID both start with "smi": listed once, under the last name.
  ['smithj', 'John', 'Smith'],
  // First and last name both "Smith": listed once, under the last name, which comes first on a tie.
  ['asmi', 'Smith', 'Smith'],
  ['zsmi', 'Smilla', 'Zorn'],
  ['smiley', 'Ann', 'Able'],
  // "smith" inside the name but not at its start: no match.
  ['goldsmith', 'Gary', 'Goldsmith'],
  ['rnunez', 'Renée', 'Núñez'],
  ['obrien', 'Pat', "O'Brien"],
];

beforeAll(async () => {
  t = await startWithUser();
  admin = await adminSession(t);
  const practice = await t.server.db.selectFrom('practices').select('id').executeTakeFirstOrThrow();
  const rows = PEOPLE.map(([username, firstName, lastName]) =>
    newUserRow({
      practiceId: practice.id,
      username,
      passwordHash: 'not-a-hash: these users never sign in',
      firstName,
      lastName,
      role: 'staff',
      phone: null,
      email: null,
      now: t.clock.now(),
    }),
  );
  await t.server.db.insertInto('users').values(rows).execute();
});
afterAll(() => t.close());

const get = (path: string) => call(t, 'GET', `/api/v1/admin/${path}`, undefined, bearer(admin));

async function found(q: string, limit = 50): Promise<string[]> {
  const response = await get(`users?${new URLSearchParams({ q, limit: String(limit) })}`);
  expect(response.status, q).toBe(200);
  return response.body.users.map((user: { username: string }) => user.username);
}

/** Every page of a search, following nextAfter, as lists of User IDs. */
async function pagesOf(q: string, limit: number): Promise<string[][]> {
  const pages: string[][] = [];
  let after: string | undefined;
  for (;;) {
    const query = new URLSearchParams({ q, limit: String(limit), ...(after && { after }) });
    const response = await get(`users?${query}`);
    expect(response.status).toBe(200);
    pages.push(response.body.users.map((user: { username: string }) => user.username));
    if (response.body.nextAfter === null) return pages;
    after = response.body.nextAfter;
    if (pages.length > 20) throw new Error('the pages never end');
  }
}

/** "smi": User ID smiley (term "smiley"), first name Smilla ("smilla"), then the Smiths by User ID. */
const SMI = ['smiley', 'zsmi', 'asmi', 'jsmith', 'smithj'];

describe('the Users search', () => {
  it('matches the start of a last name, first name or User ID, never the middle, in the order of what matched', async () => {
    expect(await found('smi')).toEqual(SMI);
    expect(await found('SMITH')).toEqual(['asmi', 'jsmith', 'smithj']);
    expect(await found('gold')).toEqual(['goldsmith']);
    expect(await found('kip')).toEqual(['ckiplock', 'manager']);
    expect(await found('ckip')).toEqual(['ckiplock']);
  });

  it('lists a user matched by two of their names once, under the one that comes first', async () => {
    const listed = await found('smi');
    expect(listed.filter((username) => username === 'smithj')).toHaveLength(1);
    expect(listed.filter((username) => username === 'asmi')).toHaveLength(1);
  });

  it('pages a search by the last User ID shown: every match once, in the same order, whatever the page size', async () => {
    for (const limit of [1, 2, 3, 5]) {
      const pages = await pagesOf('smi', limit);
      expect(pages.flat(), `limit ${limit}`).toEqual(SMI);
      expect(pages.slice(0, -1).every((page) => page.length === limit)).toBe(true);
    }
  });

  it('finds a name with or without its accents, in any case', async () => {
    for (const q of ['nun', 'NÚÑ', 'núñez', 'ren', 'RENÉE', 'renee'])
      expect(await found(q), q).toEqual(['rnunez']);
  });

  it('takes what is typed literally: no wildcard, an apostrophe is a letter like the others', async () => {
    expect(await found("o'b")).toEqual(['obrien']);
    expect(await found('%')).toEqual([]);
    expect(await found('_')).toEqual([]);
    expect(await found('s%')).toEqual([]);
  });
});

describe('the names’ search keys move with the names', () => {
  it('finds a user by the last name the console gave them, no longer by the old one', async () => {
    const id = await userIdOf(t, 'obrien');
    const edit = await call(t, 'PATCH', `/api/v1/admin/users/${id}`, { lastName: 'Åberg' }, bearer(admin));
    expect(edit.status).toBe(200);
    expect(await found("o'b")).toEqual([]);
    expect(await found('aberg')).toEqual(['obrien']);
  });

  it('finds a user by the names they gave themselves in My settings', async () => {
    const session = await staffSession(t);
    const profile = await call(t, 'GET', '/api/v1/me/profile', undefined, bearer(session));
    const { username: _, ...fields } = profile.body;
    const saved = await call(
      t,
      'PUT',
      '/api/v1/me/profile',
      {
        firstName: 'Céline',
        middleName: fields.middleName,
        lastName: 'Kiplinger',
        namePrefix: fields.namePrefix,
        nameSuffix: fields.nameSuffix,
        dateOfBirth: fields.dateOfBirth,
        sex: fields.sex,
      },
      bearer(session),
    );
    expect(saved.status).toBe(200);
    expect(await found('celi')).toEqual(['ckiplock']);
    expect(await found('KIPLI')).toEqual(['ckiplock']);
  });

  it('answers 409, asking for a new search, when the user a page ended with no longer matches it', async () => {
    const first = await get(`users?${new URLSearchParams({ q: 'smi', limit: '2' })}`);
    expect(first.body.users.map((u: { username: string }) => u.username)).toEqual(['smiley', 'zsmi']);
    expect(first.body.nextAfter).toBe('zsmi');
    const id = await userIdOf(t, 'zsmi');
    await call(t, 'PATCH', `/api/v1/admin/users/${id}`, { firstName: 'Beth' }, bearer(admin));
    const next = await get(`users?${new URLSearchParams({ q: 'smi', limit: '2', after: 'zsmi' })}`);
    expect(next.status).toBe(409);
    expect(next.body).toEqual({ error: 'conflict', message: expect.stringMatching(/Search again/) });
  });
});
