import { describe, expect, it } from 'vitest';
import { initialSignInState, type SignInState, signInFlow } from '../../src/renderer/src/flow/sign-in-flow';
import type { Authenticated, ChallengeIssued } from '../../src/shared/api';
import { CASEY, MAIN_OFFICE, NORTH_CLINIC, SMS_TARGET } from './support/fake-auth-server';

const challenge: ChallengeIssued = {
  status: 'challenge',
  challengeId: 'c1',
  targets: [SMS_TARGET],
  expiresAt: '2026-11-27T12:15:00.000Z',
};
const auth = (locations = [MAIN_OFFICE, NORTH_CLINIC]): Authenticated => ({
  status: 'authenticated',
  sessionToken: 's1',
  expiresAt: '2026-11-28T00:00:00.000Z',
  user: CASEY,
  locations,
});

describe('sign-in flow', () => {
  it('sets the resend cooldown of the target a code went to', () => {
    const verifying = signInFlow(initialSignInState, { type: 'challenged', username: 'ckiplock', challenge });
    const coding = signInFlow(verifying, {
      type: 'codeSent',
      target: SMS_TARGET,
      code: { channel: 'sms', masked: SMS_TARGET.masked, expiresAt: challenge.expiresAt, resendAfter: 30 },
      now: 1_000,
    });
    expect(coding.step === 'code' && coding.pending.cooldowns).toEqual({ sms: 31_000 });
  });

  it('goes from Verify it’s you to the bypass code entry and back, keeping the challenge and cooldowns', () => {
    const verifying = signInFlow(initialSignInState, { type: 'challenged', username: 'ckiplock', challenge });
    const bypass = signInFlow(verifying, { type: 'useBackupCode', kind: 'bypass' });
    expect(bypass).toMatchObject({
      step: 'backupCode',
      kind: 'bypass',
      pending: { username: 'ckiplock', challenge },
    });
    expect(signInFlow(bypass, { type: 'chooseAnotherTarget' })).toEqual(verifying);
    // Only from Verify it's you: a stray event elsewhere changes nothing.
    expect(signInFlow(initialSignInState, { type: 'useBackupCode', kind: 'bypass' })).toBe(
      initialSignInState,
    );
  });

  it('asks for the user’s own password after a temporary one, then goes where the sign-in would have', () => {
    const locked: SignInState = {
      step: 'locked',
      session: { username: 'ckiplock', auth: auth() },
      location: NORTH_CLINIC,
    };
    const restricted = { ...auth(), passwordChangeRequired: true };
    const choosing = signInFlow(locked, { type: 'authenticated', username: 'ckiplock', auth: restricted });
    expect(choosing).toMatchObject({ step: 'ownPassword', resumeLocationId: NORTH_CLINIC.id });
    const done = signInFlow(choosing, { type: 'ownPasswordChosen' });
    expect(done).toMatchObject({ step: 'signedIn', location: NORTH_CLINIC });
    expect(done.step === 'signedIn' && done.session.auth).not.toHaveProperty('passwordChangeRequired');
    // Anywhere else the event changes nothing.
    expect(signInFlow(initialSignInState, { type: 'ownPasswordChosen' })).toBe(initialSignInState);
  });

  it('resumes the pre-lock location after a re-verification', () => {
    const locked: SignInState = {
      step: 'locked',
      session: { username: 'ckiplock', auth: auth() },
      location: NORTH_CLINIC,
    };
    const verifying = signInFlow(locked, { type: 'challenged', username: 'ckiplock', challenge });
    const back = signInFlow(verifying, { type: 'authenticated', username: 'ckiplock', auth: auth() });
    expect(back).toMatchObject({ step: 'signedIn', location: NORTH_CLINIC });
  });

  it('signs in with no location when the user has none', () => {
    const next = signInFlow(initialSignInState, {
      type: 'authenticated',
      username: 'ckiplock',
      auth: auth([]),
    });
    expect(next).toMatchObject({ step: 'signedIn', location: null });
  });

  it('keeps the User ID when restarting but forgets it on sign out', () => {
    const verifying = signInFlow(initialSignInState, { type: 'challenged', username: 'ckiplock', challenge });
    expect(signInFlow(verifying, { type: 'restart' })).toEqual({ step: 'login', username: 'ckiplock' });
    expect(signInFlow(verifying, { type: 'signedOut' })).toMatchObject({ step: 'login', username: '' });
  });
});
