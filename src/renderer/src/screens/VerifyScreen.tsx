import { useState } from 'react';
import type { CodeSent, DeliveryTarget } from '../../../shared/api';
import { ErrorCode } from '../../../shared/error-code';
import type { ApiFailure } from '../api/api-failure';
import { useSendCode } from '../api/hooks';
import { useBridge } from '../bridge/bridge-context';
import { Countdown } from '../components/Countdown';
import { ErrorAlert } from '../components/Messages';
import { Screen } from '../components/Screen';
import { factorOf, targetLabel } from '../factors/factors';
import type { Cooldowns, FlowMessage, PendingChallenge } from '../flow/sign-in-flow';
import { TargetChooser } from './TargetChooser';

interface VerifyScreenProps {
  pending: PendingChallenge;
  onSent(target: DeliveryTarget, code: CodeSent): void;
  onCooldown(targetId: string, retryAfter: number): void;
  /** Back to the login screen, with a message when the sign-in can no longer go on. */
  onRestart(message?: FlowMessage): void;
}

/** The challenge ends for good on these; the user has to sign in again. */
const ENDS_CHALLENGE: readonly string[] = [ErrorCode.challengeExpired, ErrorCode.tooManyAttempts];

const firstReadyTarget = (targets: DeliveryTarget[], cooldowns: Cooldowns, now = Date.now()) =>
  targets.find((target) => (cooldowns[target.id] ?? 0) <= now) ?? targets[0];

export function VerifyScreen({ pending, onSent, onCooldown, onRestart }: VerifyScreenProps) {
  const bridge = useBridge();
  const send = useSendCode();
  const { targets } = pending.challenge;
  const [selectedId, setSelectedId] = useState(() => firstReadyTarget(targets, pending.cooldowns)?.id);
  const [failure, setFailure] = useState<{ text: string; alternatives: DeliveryTarget[] }>();

  function sendTo(target: DeliveryTarget) {
    if (send.isPending) return;
    setFailure(undefined);
    send.mutate(
      { challengeId: pending.challenge.challengeId, targetId: target.id },
      {
        onSuccess: (code) => onSent(target, code),
        onError: (apiFailure: ApiFailure) => {
          if (ENDS_CHALLENGE.includes(apiFailure.error)) {
            onRestart({ kind: 'error', text: apiFailure.message });
            return;
          }
          if (apiFailure.error === ErrorCode.rateLimited && apiFailure.retryAfter) {
            onCooldown(target.id, apiFailure.retryAfter);
          }
          const alternatives =
            apiFailure.error === ErrorCode.deliveryFailed
              ? targets.filter((other) => other.channel !== target.channel)
              : [];
          if (alternatives[0]) setSelectedId(alternatives[0].id);
          setFailure({ text: apiFailure.message, alternatives });
        },
      },
    );
  }

  async function sendCode() {
    if (!bridge.chooseTarget) {
      const target = targets.find((candidate) => candidate.id === selectedId);
      if (target) sendTo(target);
      return;
    }
    // The desktop client asks with a native dialog; Cancel (null) leaves the user here.
    const chosenId = await bridge.chooseTarget(targets).catch(() => null);
    const target = targets.find((candidate) => candidate.id === chosenId);
    if (target) sendTo(target);
  }

  const cooling = targets.filter((target) => (pending.cooldowns[target.id] ?? 0) > Date.now());

  return (
    <Screen title="Verify it's you" focusHeading>
      {targets.length === 0 ? (
        <ErrorAlert>
          There is nowhere to send you a code. Ask your practice's account manager to add a phone number or
          email address to your account.
        </ErrorAlert>
      ) : (
        <TargetChooser
          targets={targets}
          selectedId={selectedId}
          onSelect={setSelectedId}
          native={Boolean(bridge.chooseTarget)}
        />
      )}
      {cooling.map((target) => (
        <Countdown key={target.id} until={pending.cooldowns[target.id]}>
          {(remaining) => `You can request another code to ${targetLabel(target)} in ${remaining}.`}
        </Countdown>
      ))}
      <ErrorAlert>{failure?.text}</ErrorAlert>
      <div className="actions">
        {targets.length > 0 && (
          <button type="button" className="primary" onClick={sendCode} aria-busy={send.isPending}>
            Send Code
          </button>
        )}
        {failure?.alternatives.map((target) => (
          <button key={target.id} type="button" onClick={() => sendTo(target)}>
            {factorOf(target.channel).switchLabel}
          </button>
        ))}
        <button type="button" className="link" onClick={() => onRestart()}>
          Back to login
        </button>
      </div>
    </Screen>
  );
}
