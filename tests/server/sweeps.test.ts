/**
 * The housekeeping sweeps (server/sweeps.ts) keep what counts and delete what no longer can: per-contact send
 * records past their 24-hour window, and unknown User IDs whose lock has run out (which count as no failure,
 * so deleting them changes no answer). A job that fails does not stop the others.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sweeps, serverSweepJobs } from '../../server/sweeps';
import { login, PASSWORD, startWithUser, type TestServer } from '../support/test-server';

let t: TestServer;
beforeEach(async () => {
  t = await startWithUser();
});
afterEach(() => t.close());

const silent = pino({ level: 'silent' });
const sweep = () => new Sweeps(serverSweepJobs(t.server.services), silent).runOnce();
const rows = (table: 'contact_sends' | 'login_failures') =>
  t.server.db.selectFrom(table).selectAll().execute();

describe('per-contact send records', () => {
  it('are deleted once past the 24-hour window, and kept within it', async () => {
    const challenge = (await login(t)).body.challengeId;
    expect((await t.send(challenge, 'sms')).status).toBe(200);
    t.clock.advance(12 * 3600);
    expect((await t.send((await login(t)).body.challengeId, 'email')).status).toBe(200);
    expect(await rows('contact_sends')).toHaveLength(2);

    t.clock.advance(12 * 3600 + 1);
    expect((await sweep())['send and lock counters']).toMatchObject({ contactSendsPastWindow: 1 });
    expect(await rows('contact_sends')).toHaveLength(1);
  });
});

describe('unknown User IDs', () => {
  it('are forgotten once their lock has run out, and the next failure counts from one, as before', async () => {
    for (let i = 0; i < 10; i++) await login(t, 'nobody', `wrong${i}pass`);
    for (let i = 0; i < 3; i++) await login(t, 'someoneelse', `wrong${i}pass`);
    expect((await login(t, 'nobody', PASSWORD)).status).toBe(423);

    expect((await sweep())['send and lock counters']).toMatchObject({ unknownUserLocksEnded: 0 });
    t.clock.advance(15 * 60 + 1);
    expect((await sweep())['send and lock counters']).toMatchObject({ unknownUserLocksEnded: 1 });
    // The User ID with three failures and no lock keeps its count: an account's does not decay either.
    expect((await rows('login_failures')).map((row) => row.failed_attempts)).toEqual([3]);

    // Nine more failures do not lock the forgotten one; the tenth does, as for an account after its lock.
    for (let i = 0; i < 9; i++) expect((await login(t, 'nobody', `again${i}pass`)).status).toBe(401);
    expect((await login(t, 'nobody', 'again9pass')).status).toBe(401);
    expect((await login(t, 'nobody', PASSWORD)).status).toBe(423);
  });
});

describe('a job that fails', () => {
  it('is logged and does not stop the jobs after it', async () => {
    const ran: string[] = [];
    const done = await new Sweeps(
      [
        {
          name: 'broken',
          run: async () => {
            throw new Error('the database went away');
          },
        },
        {
          name: 'fine',
          run: async () => {
            ran.push('fine');
            return { done: 1 };
          },
        },
      ],
      silent,
    ).runOnce();
    expect(ran).toEqual(['fine']);
    expect(done).toEqual({ fine: { done: 1 } });
  });
});
