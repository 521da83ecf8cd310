/**
 * The e2e world (tests/e2e/world.ts) is seeded in one go by the e2e server (tests/e2e/harness.ts): a User ID
 * given twice stops that server, so every browser spec fails; a phone or email given twice lets one spec's
 * code trip another's 30-second resend cooldown. Specs added on separate branches meet only here.
 */
import { describe, expect, it } from 'vitest';
import { E2E_USERS } from '../e2e/world';

const repeated = (values: (string | undefined)[]) =>
  values.filter((value, index) => value !== undefined && values.indexOf(value) !== index);

describe('the e2e users', () => {
  const users = Object.values(E2E_USERS) as { username: string; phone?: string; email?: string }[];

  it('each have their own User ID, phone and email', () => {
    expect(repeated(users.map((user) => user.username.toLowerCase()))).toEqual([]);
    expect(repeated(users.map((user) => user.phone))).toEqual([]);
    expect(repeated(users.map((user) => user.email?.toLowerCase()))).toEqual([]);
  });
});
