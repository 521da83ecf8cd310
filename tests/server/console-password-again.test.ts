/**
 * The console's actions that hand out or take away access ask the acting account manager's current password
 * again (issue 15, finding 8): a policy change, a bypass code, a temporary password, reset 2FA and revoking
 * every workstation; and (issue 16) registering an application, disabling one and rotating its secret. A console left open on a shared workstation is then not enough to do any of them.
 * Missing or wrong answers 400 invalid_credentials, nothing is done, and it counts as a failed sign-in of the
 * account manager, so the open console cannot be used to guess the password either.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertClient } from '../../server/repositories/oidc-clients';
import { findUserByUsername } from '../../server/repositories/users';
import { bearer, call, secondFactorSession, userIdOf } from '../support/self-service';
import { auditEventsOf, createUser, PASSWORD, startWithUser, type TestServer } from '../support/test-server';

/** The account manager's own password; the users they act on have PASSWORD, so it cannot pass for theirs. */
const MANAGER_PASSWORD = 'managerDesk2026';

let t: TestServer;
let manager: string;
beforeEach(async () => {
  t = await startWithUser();
  await createUser(t, {
    username: 'manager',
    role: 'admin',
    password: MANAGER_PASSWORD,
    phone: '+12025550177',
  });
  manager = await secondFactorSession(t, 'manager');
});
afterEach(() => t.close());

const admin = (method: string, path: string, body?: object) =>
  call(t, method, `/api/v1/admin${path}`, body, bearer(manager));

interface Action {
  name: string;
  /** Sends the action with `password` as currentPassword (left out when undefined). */
  send(password: string | undefined): Promise<{ status: number; body: { error?: string } }>;
  /** The audit event the action records when it is done. */
  doneEvent: string;
  /** The status it answers when done (200 unless it creates something). */
  doneStatus?: number;
}

const withPassword = (body: object, password: string | undefined) =>
  password === undefined ? body : { ...body, currentPassword: password };

const REDIRECT = 'https://app.practice.example/oidc/callback';

/**
 * A confidential client for the console's actions on an existing one, written straight to its table: its
 * registration leaves no oidc_client_registered event to mix with the one the register action is judged by.
 */
async function registeredClient(): Promise<string> {
  const clientId = randomUUID();
  const now = new Date().toISOString();
  await insertClient(t.server.db, {
    client_id: clientId,
    name: 'App',
    redirect_uris: JSON.stringify([REDIRECT]),
    post_logout_redirect_uris: '[]',
    backchannel_logout_uri: null,
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'RS256',
    secret_sealed: null,
    created_at: now,
    updated_at: now,
    disabled_at: null,
  });
  return clientId;
}

const ACTIONS: Action[] = [
  {
    name: 'a policy change',
    doneEvent: 'policy_changed',
    send: async (password) =>
      admin(
        'PUT',
        '/policy',
        withPassword(
          {
            mode: 'required',
            enforceAfter: null,
            codeTtlSeconds: 300,
            rememberDays: 14,
            idleLockMinutes: 10,
            allowedFactors: ['sms', 'email', 'totp'],
            reason: 'Board decision',
          },
          password,
        ),
      ),
  },
  {
    name: 'a bypass code',
    doneEvent: 'recovery_bypass_issued',
    send: async (password) => {
      const checklist = await admin('GET', '/recovery-checklist');
      const checked = checklist.body.items.map((item: { id: string }) => item.id);
      return admin(
        'POST',
        `/users/${await userIdOf(t, 'ckiplock')}/recovery`,
        withPassword(
          { checked, reason: 'Lost phone; verified by video call', action: 'bypass_code' },
          password,
        ),
      );
    },
  },
  {
    name: 'a temporary password',
    doneEvent: 'temporary_password_set',
    send: async (password) =>
      admin(
        'POST',
        `/users/${await userIdOf(t, 'ckiplock')}/temporary-password`,
        withPassword({ password: 'Again2026x', reason: 'Forgot password' }, password),
      ),
  },
  {
    name: 'reset 2FA',
    doneEvent: 'two_factor_reset',
    send: async (password) =>
      admin(
        'POST',
        `/users/${await userIdOf(t, 'ckiplock')}/reset-2fa`,
        withPassword({ reason: 'Lost phone' }, password),
      ),
  },
  {
    name: 'revoking every workstation',
    doneEvent: 'trusted_devices_revoked_everywhere',
    send: async (password) =>
      admin('DELETE', '/devices', withPassword({ reason: 'Laptop stolen' }, password)),
  },
  {
    name: 'registering an application',
    doneEvent: 'oidc_client_registered',
    doneStatus: 201,
    send: async (password) =>
      admin('POST', '/applications', withPassword({ name: 'App', redirectUris: [REDIRECT] }, password)),
  },
  {
    name: 'disabling an application',
    doneEvent: 'oidc_client_disabled',
    send: async (password) =>
      admin('POST', `/applications/${await registeredClient()}/disable`, withPassword({}, password)),
  },
  {
    name: 'rotating an application’s secret',
    doneEvent: 'oidc_client_secret_rotated',
    send: async (password) =>
      admin('POST', `/applications/${await registeredClient()}/rotate-secret`, withPassword({}, password)),
  },
  {
    name: 'signing everyone out',
    doneEvent: 'sessions_revoked_everywhere',
    send: async (password) =>
      admin('DELETE', '/sessions', withPassword({ reason: 'Laptop stolen' }, password)),
  },
];

const failedAttemptsOf = async (username: string) =>
  (await findUserByUsername(t.server.db, username))?.failed_attempts;

describe.each(ACTIONS)('$name asks the account manager’s password again', (action) => {
  it('is refused without it, and with a wrong one or the user’s, as invalid_credentials; nothing is done', async () => {
    for (const password of [undefined, '', 'wrongDesk2026', PASSWORD]) {
      const response = await action.send(password);
      expect([String(password), response.status, response.body.error]).toEqual([
        String(password),
        400,
        'invalid_credentials',
      ]);
    }
    expect(await auditEventsOf(t, action.doneEvent)).toEqual([]);
    // Each refusal counted as a failed sign-in of the account manager, and audited as such.
    expect(await failedAttemptsOf('manager')).toBe(4);
    expect(await auditEventsOf(t, 'password_recheck_failed')).toHaveLength(4);
    expect((await auditEventsOf(t, 'password_recheck_failed')).map((e) => e.username)).toEqual(
      Array(4).fill('manager'),
    );
  });

  it('is done with the right one, a wrong try before it notwithstanding; the password is not in the audit trail', async () => {
    await action.send('wrongDesk2026');
    const response = await action.send(MANAGER_PASSWORD);
    expect([response.status, response.body.error]).toEqual([action.doneStatus ?? 200, undefined]);
    expect(await auditEventsOf(t, action.doneEvent)).toHaveLength(1);
    expect((await auditEventsOf(t, action.doneEvent))[0]?.detail).not.toHaveProperty('currentPassword');
  });
});

describe('guessing the password through an open console', () => {
  it('locks the account manager after 10 wrong passwords: then even the right one answers 423', async () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const action = ACTIONS[attempt % ACTIONS.length] as Action;
      expect((await action.send(`guess${attempt}Desk`)).body.error).toBe('invalid_credentials');
    }
    for (const action of ACTIONS) {
      const response = await action.send(MANAGER_PASSWORD);
      expect([action.name, response.status, response.body.error]).toEqual([
        action.name,
        423,
        'account_locked',
      ]);
      expect(await auditEventsOf(t, action.doneEvent)).toEqual([]);
    }
  });
});
