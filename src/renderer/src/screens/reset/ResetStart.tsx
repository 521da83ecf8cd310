/**
 * The steps before a code is typed: the User ID, where to send a code (for the first proof, then for the
 * second, where the authenticator app needs no send), and the account manager's message for a user who
 * cannot reset here.
 */
import { type FormEvent, useState } from 'react';
import type { CodeSent, DeliveryTarget, PasswordResetStarted } from '../../../../shared/api';
import { useSendResetCode, useStartPasswordReset } from '../../api/password-reset-hooks';
import { Countdown } from '../../components/Countdown';
import { useFocusOnMount } from '../../components/focus';
import { ErrorAlert } from '../../components/Messages';
import { Screen } from '../../components/Screen';
import { UserIdField } from '../../components/UserIdField';
import { TargetChooser } from '../TargetChooser';
import { ASK_ACCOUNT_MANAGER, CancelButton, type StepProps } from './step';

export function WhoStep({
  username,
  onUsername,
  failure,
  onStarted,
  onFailure,
  onCancel,
}: StepProps & {
  username: string;
  onUsername(value: string): void;
  onStarted(s: PasswordResetStarted): void;
}) {
  const start = useStartPasswordReset();
  const field = useFocusOnMount<HTMLInputElement>();
  const [missing, setMissing] = useState(false);
  function submit(event: FormEvent) {
    event.preventDefault();
    if (start.isPending) return;
    const userId = username.trim();
    setMissing(!userId);
    if (!userId) {
      field.current?.focus();
      return;
    }
    start.mutate(userId, { onSuccess: onStarted, onError: onFailure });
  }
  return (
    <Screen title="Reset your password">
      <p>Enter your User ID. We will send a code to the cell phone or email on your account.</p>
      <form className="stack" onSubmit={submit} noValidate aria-busy={start.isPending}>
        <UserIdField id="reset-username" inputRef={field} value={username} onChange={onUsername} />
        <ErrorAlert>{missing ? 'Enter your User ID.' : failure}</ErrorAlert>
        <button type="submit" className="primary">
          Continue
        </button>
      </form>
      <div className="actions">
        <CancelButton onCancel={onCancel} />
      </div>
    </Screen>
  );
}

const FIRST = {
  title: 'Where should we send your code?',
  intro:
    'Choose your own cell phone or email. If you do not have these any more, your account manager will be available to assist you.',
  action: 'Send Code',
};

const SECOND = {
  title: 'Confirm with a second factor',
  intro:
    'Your account has more than one way to prove it is you, so a new password needs a second one. Choose another of them, or use a recovery code.',
  action: 'Continue',
};

/**
 * Where the code goes. For the second proof (`onUseRecoveryCode` given) the list may hold the authenticator
 * app, which sends nothing: choosing it goes straight to typing its code.
 */
export function WhereStep({
  resetId,
  targets,
  failure,
  retryUntil,
  onSent,
  onUseRecoveryCode,
  onFailure,
  onCancel,
}: StepProps & {
  resetId: string;
  targets: DeliveryTarget[];
  onSent(target: DeliveryTarget, sent?: CodeSent): void;
  onUseRecoveryCode?(): void;
}) {
  const words = onUseRecoveryCode ? SECOND : FIRST;
  const send = useSendResetCode();
  const [selectedId, setSelectedId] = useState(targets[0]?.id);
  function submit() {
    const target = targets.find((candidate) => candidate.id === selectedId);
    if (!target || send.isPending) return;
    if (target.channel === 'totp') {
      onSent(target);
      return;
    }
    send.mutate(
      { resetId, targetId: target.id },
      { onSuccess: (sent) => onSent(target, sent), onError: onFailure },
    );
  }
  return (
    <Screen title={words.title} focusHeading>
      <p>{words.intro}</p>
      <TargetChooser targets={targets} selectedId={selectedId} onSelect={setSelectedId} native={false} />
      <ErrorAlert>{failure}</ErrorAlert>
      <Countdown until={retryUntil} done={retryUntil ? 'You can request a code now.' : undefined}>
        {(remaining) => `You can request another code in ${remaining}.`}
      </Countdown>
      <div className="actions">
        <button type="button" className="primary" onClick={submit} aria-busy={send.isPending}>
          {words.action}
        </button>
        {onUseRecoveryCode && (
          <button type="button" className="link" onClick={onUseRecoveryCode}>
            Use a recovery code
          </button>
        )}
        <CancelButton onCancel={onCancel} />
      </div>
    </Screen>
  );
}

/** The end of a reset the practice does not let this user finish alone; the password is unchanged. */
export function AccountManagerStep({ onCancel }: Pick<StepProps, 'onCancel'>) {
  return (
    <Screen title="Ask your account manager" focusHeading>
      <p className="status" role="status">
        {ASK_ACCOUNT_MANAGER}
      </p>
      <p>
        Your password has not been changed. Your account manager can check who you are and give you a
        temporary password to sign in with.
      </p>
      <div className="actions">
        <button type="button" className="primary" onClick={onCancel}>
          Back to login
        </button>
      </div>
    </Screen>
  );
}
