/**
 * Guided recovery: the practice's identity checklist, a one-time bypass code an account manager reads to a
 * locked-out user (≤ 15 minutes, single use, HMAC only, a new one voids the old), signing in with it, and
 * the notices to the user and the other account managers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminSession, bearer, call, userIdOf } from '../support/self-service';
import {
  auditEventsOf,
  createUser,
  EMAIL,
  login,
  PASSWORD,
  PHONE,
  startWithUser,
  type TestServer,
} from '../support/test-server';

const DEPUTY_EMAIL = 'deputy@wrshealth.com';
const MANAGER_EMAIL = 'manager@wrshealth.com';
const CODE_SHAPE = /^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/;

let t: TestServer;
let admin: string;
beforeEach(async () => {
  t = await startWithUser(); // ckiplock: staff with phone and email
  admin = await adminSession(t); // manager: the acting admin
  // The acting admin has a contact too, to show they are not notified of their own action.
  await t.server.db
    .updateTable('users')
    .set({ email: MANAGER_EMAIL })
    .where('username', '=', 'manager')
    .execute();
  await createUser(t, { username: 'deputy', role: 'admin', phone: undefined, email: DEPUTY_EMAIL });
  await createUser(t, { username: 'nocontact', phone: undefined, email: undefined });
});
afterEach(() => t.close());

const api = (method: string, path: string, body?: unknown) =>
  call(t, method, `/api/v1/admin${path}`, body, bearer(admin));

const userId = (username: string) => userIdOf(t, username);

async function allChecks(): Promise<string[]> {
  return (await api('GET', '/recovery-checklist')).body.items.map((item: { id: string }) => item.id);
}

/** Issues a bypass code for the user with every checklist item confirmed. */
async function issue(username: string, reason = 'Lost phone; verified by video call') {
  const response = await api('POST', `/users/${await userId(username)}/recovery`, {
    checked: await allChecks(),
    reason,
    action: 'bypass_code',
    currentPassword: PASSWORD,
  });
  if (response.status !== 200) throw new Error(`recovery failed: ${JSON.stringify(response.body)}`);
  return response.body as { bypassCode: string; expiresAt: string; notified: object };
}

const useBypass = (challengeId: string, code: string, extra: object = {}) =>
  t.verify(challengeId, code, { targetId: 'bypass', ...extra });

async function challengeFor(username: string): Promise<string> {
  const response = await login(t, username);
  if (response.body?.status !== 'challenge') throw new Error(JSON.stringify(response.body));
  return response.body.challengeId;
}

const auditOf = (type: string) => auditEventsOf(t, type);

const requirePolicy = () => t.server.services.cli.setPolicy({ mode: 'required' });

describe('the identity checklist', () => {
  it('starts with sensible defaults: photo ID, a call-back to the number on record, a question only they know', async () => {
    const response = await api('GET', '/recovery-checklist');
    expect(response.status).toBe(200);
    expect(response.body.updatedAt).toBeNull();
    expect(response.body.items.map((item: { id: string }) => item.id)).toEqual([
      'photo_id',
      'call_back',
      'known_answer',
    ]);
    expect(response.body.items[0].text).toMatch(/photo ID/);
  });

  it('is editable with a reason: kept items keep their ids, new ones get ids; audited with who and why', async () => {
    const response = await api('PUT', '/recovery-checklist', {
      items: [{ id: 'photo_id', text: 'Photo ID seen in person' }, { text: 'Supervisor confirms in person' }],
      reason: 'Simpler for the front desk',
    });
    expect(response.status).toBe(200);
    expect(response.body.items).toEqual([
      { id: 'photo_id', text: 'Photo ID seen in person' },
      { id: expect.any(String), text: 'Supervisor confirms in person' },
    ]);
    expect(response.body.updatedAt).toBe(t.clock.now().toISOString());
    expect((await api('GET', '/recovery-checklist')).body).toEqual(response.body);
    expect(await auditOf('recovery_checklist_changed')).toEqual([
      { username: 'manager', detail: { items: 2, by: 'manager', reason: 'Simpler for the front desk' } },
    ]);
  });

  it('refuses an edit without a reason, with an unknown id, or with no items (400)', async () => {
    const items = [{ id: 'photo_id', text: 'Photo ID seen' }];
    expect((await api('PUT', '/recovery-checklist', { items })).status).toBe(400);
    expect(
      (
        await api('PUT', '/recovery-checklist', {
          items: [{ id: 'ghost', text: 'x y z' }],
          reason: 'why not',
        })
      ).status,
    ).toBe(400);
    expect((await api('PUT', '/recovery-checklist', { items: [], reason: 'why not' })).status).toBe(400);
    expect((await api('GET', '/recovery-checklist')).body.updatedAt).toBeNull();
  });
});

describe('issuing a bypass code', () => {
  it('refuses unless every checklist item is confirmed, with a real reason (400, no code made)', async () => {
    const id = await userId('nocontact');
    const reason = 'Lost phone; verified by video call';
    const cases = [
      { checked: ['photo_id', 'call_back'], reason, action: 'bypass_code' },
      { checked: [...(await allChecks()), 'extra'], reason, action: 'bypass_code' },
      { checked: await allChecks(), reason: 'short', action: 'bypass_code' },
      { checked: await allChecks(), reason, action: 'unlock_everything' },
    ];
    for (const body of cases) {
      const response = await api('POST', `/users/${id}/recovery`, { ...body, currentPassword: PASSWORD });
      expect(response, JSON.stringify(body)).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    }
    expect(await t.server.db.selectFrom('bypass_codes').selectAll().execute()).toEqual([]);
  });

  it('follows an edited checklist: the new items must be confirmed', async () => {
    await api('PUT', '/recovery-checklist', {
      items: [{ text: 'Supervisor confirms in person' }],
      reason: 'New procedure',
    });
    const id = await userId('nocontact');
    const old = await api('POST', `/users/${id}/recovery`, {
      checked: ['photo_id', 'call_back', 'known_answer'],
      reason: 'Lost phone; verified by video call',
      action: 'bypass_code',
      currentPassword: PASSWORD,
    });
    expect(old.status).toBe(400);
    expect((await issue('nocontact')).bypassCode).toMatch(CODE_SHAPE);
  });

  it('answers a 12-character code, valid 15 minutes, stored only sealed; audited without the code', async () => {
    const issued = await issue('nocontact');
    expect(issued.bypassCode).toMatch(CODE_SHAPE);
    expect(issued.expiresAt).toBe(new Date(t.clock.now().getTime() + 15 * 60_000).toISOString());
    const bare = issued.bypassCode.replace(/-/g, '');
    const dump = JSON.stringify([
      await t.server.db.selectFrom('bypass_codes').selectAll().execute(),
      await t.server.db.selectFrom('audit_events').selectAll().execute(),
    ]);
    expect(dump).not.toContain(issued.bypassCode);
    expect(dump).not.toContain(bare);
    expect(t.logLines.join('\n')).not.toContain(bare);
    expect(await auditOf('recovery_bypass_issued')).toEqual([
      {
        username: 'nocontact',
        detail: {
          by: 'manager',
          reason: 'Lost phone; verified by video call',
          checks: 'photo_id,call_back,known_answer',
          expiresAt: issued.expiresAt,
          notifiedContacts: 0,
          notifiedAdmins: 1,
        },
      },
    ]);
    const listed = await api('GET', `/users/${await userId('nocontact')}`);
    expect(listed.body.bypassCodeActive).toBe(true);
  });

  it('unlocks a locked account', async () => {
    for (let i = 0; i < 10; i++) await login(t, 'ckiplock', `wrong${i}pass`);
    expect((await login(t)).status).toBe(423);
    await issue('ckiplock');
    expect((await login(t)).body.status).toBe('challenge');
  });

  it('notifies the user’s contacts and the OTHER active admins through the real SMTP and Twilio endpoint', async () => {
    const mails = t.smtp.mails.length;
    const texts = t.twilio.messages.length;
    const issued = await issue('ckiplock');
    expect(issued.notified).toEqual({
      user: [
        { channel: 'sms', masked: '••• - ••• - 3816' },
        { channel: 'email', masked: expect.stringContaining('•') },
      ],
      admins: [{ id: await userId('deputy'), username: 'deputy' }],
    });
    await t.server.services.notices.settled();
    const newMails = t.smtp.mails.slice(mails);
    expect(newMails.map((m) => m.to[0]).sort()).toEqual([DEPUTY_EMAIL, EMAIL].sort());
    expect(newMails.map((m) => m.to[0])).not.toContain(MANAGER_EMAIL);
    expect(t.twilio.messages.slice(texts).map((m) => m.to)).toEqual([PHONE]);
    const deputyMail = newMails.find((m) => m.to[0] === DEPUTY_EMAIL)?.raw ?? '';
    expect(deputyMail).toMatch(/bypass sign-in code for ckiplock/);
    // Notices say that a code exists, never the code.
    const bare = issued.bypassCode.replace(/-/g, '');
    for (const text of [...newMails.map((m) => m.raw), ...t.twilio.messages.map((m) => m.body)]) {
      expect(text).not.toContain(issued.bypassCode);
      expect(text).not.toContain(bare);
    }
  });

  it('cannot be issued for a deactivated user (409), and deactivation voids a live code', async () => {
    const issued = await issue('ckiplock');
    await api('PATCH', `/users/${await userId('ckiplock')}`, { active: false });
    const response = await api('POST', `/users/${await userId('ckiplock')}/recovery`, {
      checked: await allChecks(),
      reason: 'Lost phone; verified by video call',
      action: 'bypass_code',
      currentPassword: PASSWORD,
    });
    expect(response).toMatchObject({ status: 409, body: { error: 'conflict' } });
    await api('PATCH', `/users/${await userId('ckiplock')}`, { active: true });
    const id = await challengeFor('ckiplock');
    expect((await useBypass(id, issued.bypassCode)).status).toBe(400);
  });
});

describe('a bypass code for oneself', () => {
  it('is refused to an account manager on their own account (409 conflict), and no code is made', async () => {
    const response = await api('POST', `/users/${await userId('manager')}/recovery`, {
      checked: await allChecks(),
      reason: 'Lost phone; verified by video call',
      action: 'bypass_code',
      currentPassword: PASSWORD,
    });
    expect(response).toMatchObject({ status: 409, body: { error: 'conflict' } });
    expect(await auditOf('recovery_bypass_issued')).toEqual([]);
    // Another account manager may: the rule is about vouching for oneself.
    expect((await issue('deputy')).bypassCode).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  });
});

describe('signing in with a bypass code', () => {
  it('gives a user with no contact under a required policy a challenge (no targets) instead of 403', async () => {
    await requirePolicy();
    expect(await login(t, 'nocontact')).toMatchObject({
      status: 403,
      body: { error: 'enrollment_required' },
    });
    const issued = await issue('nocontact');
    const response = await login(t, 'nocontact');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'challenge', targets: [] });
    const signedIn = await useBypass(response.body.challengeId, issued.bypassCode.toLowerCase(), {
      rememberDevice: true,
    });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({ status: 'authenticated', user: { username: 'nocontact' } });
    // One-off: it never makes the workstation trusted.
    expect(signedIn.body.deviceToken).toBeUndefined();
    // Signed in, the user can reach their own settings to add a contact.
    const me = await call(t, 'GET', '/api/v1/me/devices', undefined, bearer(signedIn.body.sessionToken));
    expect(me.status).toBe(200);
    // Used up: the next sign-in is refused as before.
    expect(await login(t, 'nocontact')).toMatchObject({ status: 403 });
    expect(await auditOf('bypass_code_used')).toEqual([{ username: 'nocontact', detail: {} }]);
    expect((await auditOf('login_succeeded')).at(-1)?.detail.method).toBe('bypass_code');
  });

  it('works beside the usual targets, and tells the user it was used', async () => {
    const issued = await issue('ckiplock');
    await t.server.services.notices.settled();
    const mails = t.smtp.mails.length;
    const id = await challengeFor('ckiplock');
    expect((await useBypass(id, issued.bypassCode)).status).toBe(200);
    await t.server.services.notices.settled();
    expect(t.smtp.mails.slice(mails).map((m) => m.to[0])).toEqual([EMAIL]);
    expect(t.smtp.mails.at(-1)?.raw).toMatch(/code from your account manager was just used/);
  });

  it('is single use: a second sign-in with it is a wrong code', async () => {
    const issued = await issue('ckiplock');
    expect((await useBypass(await challengeFor('ckiplock'), issued.bypassCode)).status).toBe(200);
    const again = await useBypass(await challengeFor('ckiplock'), issued.bypassCode);
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_code', attemptsRemaining: 4 } });
  });

  it('is single use under parallel use: of six sign-ins at once exactly one succeeds', async () => {
    const issued = await issue('ckiplock');
    const challenges: string[] = [];
    for (let i = 0; i < 6; i++) challenges.push(await challengeFor('ckiplock'));
    const answers = await Promise.all(challenges.map((id) => useBypass(id, issued.bypassCode)));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    expect(answers.filter((r) => r.status === 400)).toHaveLength(5);
    const used = await t.server.db.selectFrom('bypass_codes').select('used_at').execute();
    expect(used.filter((row) => row.used_at !== null)).toHaveLength(1);
  });

  it('costs an attempt for a wrong code, as any wrong code; a code of the wrong shape costs none', async () => {
    await issue('ckiplock');
    const id = await challengeFor('ckiplock');
    const typo = await useBypass(id, 'ABCD-EFGH');
    expect(typo).toMatchObject({ status: 400, body: { error: 'invalid_code', attemptsRemaining: 5 } });
    const wrong = await useBypass(id, 'ABCD-EFGH-JKMN');
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_code', attemptsRemaining: 4 } });
    const failed = await t.server.db
      .selectFrom('users')
      .select('failed_attempts')
      .where('username', '=', 'ckiplock')
      .executeTakeFirstOrThrow();
    expect(failed.failed_attempts).toBe(1);
  });

  it('expires 15 minutes after it was issued (checked with the test clock)', async () => {
    const early = await issue('ckiplock');
    t.clock.advance(15 * 60 - 1);
    expect((await useBypass(await challengeFor('ckiplock'), early.bypassCode)).status).toBe(200);

    const late = await issue('ckiplock');
    t.clock.advance(15 * 60);
    const response = await useBypass(await challengeFor('ckiplock'), late.bypassCode);
    expect(response).toMatchObject({ status: 400, body: { error: 'invalid_code' } });
  });

  it('is voided by a newer code for the same user', async () => {
    const first = await issue('ckiplock');
    const second = await issue('ckiplock');
    expect((await useBypass(await challengeFor('ckiplock'), first.bypassCode)).status).toBe(400);
    expect((await useBypass(await challengeFor('ckiplock'), second.bypassCode)).status).toBe(200);
  });

  it('belongs to its user: another user cannot sign in with it, and its owner still can', async () => {
    const issued = await issue('ckiplock');
    await createUser(t, { username: 'other', phone: '+12025550188', email: 'other@wrshealth.com' });
    const refused = await useBypass(await challengeFor('other'), issued.bypassCode);
    expect(refused).toMatchObject({ status: 400, body: { error: 'invalid_code' } });
    // Refused because it is not theirs, not because the attempt used it up.
    const owner = await useBypass(await challengeFor('ckiplock'), issued.bypassCode);
    expect(owner).toMatchObject({ status: 200, body: { status: 'authenticated' } });
  });
});
