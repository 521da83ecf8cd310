/** The steps of "Forgot your password?", decided by the pure reducer alone. */
import { describe, expect, it } from 'vitest';
import {
  initialResetState,
  passwordResetFlow,
  type ResetEvent,
  type ResetState,
} from '../../src/renderer/src/flow/password-reset-flow';
import type { CodeSent, DeliveryTarget, PasswordResetStarted } from '../../src/shared/api';
import { EMAIL_TARGET, SMS_TARGET } from './support/fake-auth-server';

const APP: DeliveryTarget = { id: 'totp', channel: 'totp', masked: 'Authenticator app' };
const started: PasswordResetStarted = {
  resetId: 'r1',
  targets: [SMS_TARGET, EMAIL_TARGET],
  expiresAt: '2026-11-27T12:15:00.000Z',
};
const sent = (target: DeliveryTarget): CodeSent => ({
  channel: target.channel === 'email' ? 'email' : 'sms',
  masked: target.masked,
  expiresAt: started.expiresAt,
  resendAfter: 30,
});

const walk = (...events: ResetEvent[]): ResetState => events.reduce(passwordResetFlow, initialResetState);
const firstCode: ResetEvent[] = [
  { type: 'started', started },
  { type: 'codeSent', target: SMS_TARGET, sent: sent(SMS_TARGET) },
];
const secondFactor: ResetEvent = {
  type: 'verified',
  result: { status: 'second_factor_required', targets: [EMAIL_TARGET, APP] },
};

describe('password reset flow', () => {
  it('goes from a right first code to the choice of a second factor, never straight to the new password', () => {
    expect(walk(...firstCode, secondFactor)).toEqual({
      step: 'secondWhere',
      resetId: 'r1',
      targets: [EMAIL_TARGET, APP],
    });
  });

  it('reaches the new password only when the server says verified', () => {
    const verified: ResetEvent = {
      type: 'verified',
      result: { status: 'verified', expiresAt: started.expiresAt },
    };
    expect(walk(...firstCode, verified)).toEqual({ step: 'password', resetId: 'r1' });
    const second = [
      ...firstCode,
      secondFactor,
      { type: 'codeSent', target: EMAIL_TARGET, sent: sent(EMAIL_TARGET) },
    ];
    expect(walk(...(second as ResetEvent[]), verified)).toEqual({ step: 'password', resetId: 'r1' });
  });

  it('types the app code without a send, and takes a recovery code from the choice of second factor', () => {
    expect(walk(...firstCode, secondFactor, { type: 'codeSent', target: APP })).toEqual({
      step: 'secondCode',
      resetId: 'r1',
      targets: [EMAIL_TARGET, APP],
      target: APP,
    });
    expect(walk(...firstCode, secondFactor, { type: 'useRecoveryCode' })).toMatchObject({
      step: 'recoveryCode',
    });
  });

  it('never asks for a third proof: a second code answered second_factor_required changes nothing', () => {
    const typingSecond = walk(...firstCode, secondFactor, { type: 'codeSent', target: APP });
    expect(passwordResetFlow(typingSecond, secondFactor)).toBe(typingSecond);
  });

  it('goes back from a second code or a recovery code to the choice of second factor, not to the first', () => {
    const choosing = walk(...firstCode, secondFactor);
    for (const detour of [{ type: 'codeSent', target: APP }, { type: 'useRecoveryCode' }] as ResetEvent[]) {
      expect(walk(...firstCode, secondFactor, detour, { type: 'chooseAnother' })).toEqual(choosing);
    }
  });

  it("shows the account manager's message on account_manager_required, and when there is nowhere to send a code", () => {
    const refused: ResetEvent = { type: 'verified', result: { status: 'account_manager_required' } };
    expect(walk(...firstCode, refused)).toEqual({ step: 'accountManager' });
    expect(walk({ type: 'started', started: { ...started, targets: [] } })).toEqual({
      step: 'accountManager',
    });
  });

  it('starts over at the User ID, saying why, when the reset ended', () => {
    expect(walk(...firstCode, secondFactor, { type: 'ended', message: 'Expired.' })).toEqual({
      step: 'who',
      message: 'Expired.',
    });
  });
});
