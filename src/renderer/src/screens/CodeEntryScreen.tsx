import { type FormEvent, useRef, useState } from 'react';
import type { Authenticated, CodeSent, DeliveryStatus, DeliveryTarget } from '../../../shared/api';
import { ErrorCode } from '../../../shared/error-code';
import type { KeychainStatus } from '../../../shared/ipc';
import type { ApiFailure } from '../api/api-failure';
import { useDeliveryStatus, useVerifyCode } from '../api/hooks';
import { CODE_LENGTH, CodeField } from '../components/CodeField';
import { Countdown } from '../components/Countdown';
import { useFocusOnMount } from '../components/focus';
import { ErrorAlert } from '../components/Messages';
import { Screen } from '../components/Screen';
import { factorOf, targetLabel } from '../factors/factors';
import type { FlowMessage, PendingChallenge, SentCode } from '../flow/sign-in-flow';
import { otherChannels, useSendTo } from './use-send-to';

interface CodeEntryScreenProps {
  pending: PendingChallenge;
  sent: SentCode;
  keychain: KeychainStatus;
  onAuthenticated(auth: Authenticated): void;
  onRequestAnother(): void;
  /** A code sent from here, to another channel after the provider said this one did not arrive. */
  onSent(target: DeliveryTarget, code?: CodeSent): void;
  onCooldown(targetId: string, retryAfter: number): void;
  onRestart(message?: FlowMessage): void;
}

/** The challenge ends for good on these; the user has to sign in again. */
const ENDS_CHALLENGE: readonly string[] = [ErrorCode.challengeExpired, ErrorCode.tooManyAttempts];

export function CodeEntryScreen({
  pending,
  sent,
  keychain,
  onAuthenticated,
  onRequestAnother,
  onSent,
  onCooldown,
  onRestart,
}: CodeEntryScreenProps) {
  const verify = useVerifyCode();
  const [code, setCode] = useState('');
  const [rememberDevice, setRememberDevice] = useState(false);
  const [failure, setFailure] = useState<string>();
  const codeField = useFocusOnMount<HTMLInputElement>();
  const submitting = useRef(false);
  const { Hint } = factorOf(sent.target.channel);
  // The practice's remember-days, from the challenge; absent when the practice remembers no workstation.
  const { rememberDays } = pending.challenge;
  const delivery = useDeliveryStatus(pending.challenge.challengeId, sent.code);
  const report = delivery.data?.channel === sent.target.channel ? delivery.data : undefined;
  const switcher = useSendTo(pending, { onSent, onCooldown, onRestart });
  const alternatives =
    report && isUndelivered(report) ? otherChannels(pending.challenge.targets, sent.target) : [];

  function check(candidate: string) {
    if (submitting.current) return;
    if (candidate.length !== CODE_LENGTH) {
      setFailure(`Enter the ${CODE_LENGTH} digits of your verification code.`);
      codeField.current?.focus();
      return;
    }
    submitting.current = true;
    setFailure(undefined);
    verify.mutate(
      {
        username: pending.username,
        challengeId: pending.challenge.challengeId,
        code: candidate,
        rememberDevice,
        ...(sent.target.channel === 'totp' ? { targetId: sent.target.id } : {}),
      },
      {
        onSuccess: onAuthenticated,
        onError: (apiFailure: ApiFailure) => {
          submitting.current = false;
          const spent = apiFailure.error === ErrorCode.invalidCode && apiFailure.attemptsRemaining === 0;
          if (spent || ENDS_CHALLENGE.includes(apiFailure.error)) {
            onRestart({ kind: 'error', text: apiFailure.message });
            return;
          }
          setFailure(apiFailure.message);
          setCode('');
          codeField.current?.focus();
        },
      },
    );
  }

  function enter(digits: string) {
    setCode(digits);
    if (digits.length === CODE_LENGTH) check(digits);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    check(code);
  }

  return (
    <Screen title="Enter your verification code">
      <Hint masked={sent.target.masked} />
      <DeliveryReport report={report} />
      <ErrorAlert>{switcher.failure?.text}</ErrorAlert>
      <form className="stack" onSubmit={submit} noValidate aria-busy={verify.isPending}>
        <CodeField
          id="verification-code"
          label="Verification code"
          inputRef={codeField}
          value={code}
          onDigits={enter}
        />
        {rememberDays === undefined ? null : keychain.available ? (
          <label className="choice">
            <input
              type="checkbox"
              checked={rememberDevice}
              onChange={(event) => setRememberDevice(event.target.checked)}
            />
            Remember this workstation for {rememberDays} {rememberDays === 1 ? 'day' : 'days'}
          </label>
        ) : (
          <p className="note">{keychainNotice(keychain.reason)}</p>
        )}
        <ErrorAlert>{failure}</ErrorAlert>
        <button type="submit" className="primary">
          Verify Code
        </button>
      </form>
      <div className="actions">
        {alternatives.map((target) => (
          <button
            key={target.id}
            type="button"
            className="primary"
            onClick={() => switcher.sendTo(target)}
            aria-busy={switcher.sending}
          >
            {factorOf(target.channel).switchLabel}
          </button>
        ))}
        <button type="button" onClick={onRequestAnother}>
          Request another code
        </button>
      </div>
      <Countdown until={pending.cooldowns[sent.target.id]}>
        {(remaining) => `You can request another code to ${targetLabel(sent.target)} in ${remaining}.`}
      </Countdown>
    </Screen>
  );
}

const isUndelivered = (report: DeliveryStatus) =>
  report.status === 'failed' || report.status === 'undelivered';

/** What the provider said became of the code: delivered (a calm status line), or not (an alert saying why). */
function DeliveryReport({ report }: { report: DeliveryStatus | undefined }) {
  if (report && isUndelivered(report)) return <ErrorAlert>{report.message}</ErrorAlert>;
  if (report?.status !== 'delivered') return null;
  return (
    <p className="status" role="status">
      Delivered to <span className="masked">{report.masked}</span>.
    </p>
  );
}

function keychainNotice(reason: string | undefined): string {
  if (!reason) return 'This workstation cannot be remembered: no keychain is available. Sign-in still works.';
  return /[.!?]$/.test(reason) ? reason : `This workstation cannot be remembered: ${reason}.`;
}
