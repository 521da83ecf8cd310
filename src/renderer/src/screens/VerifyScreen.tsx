import { useState } from 'react';
import type { CodeSent, DeliveryTarget } from '../../../shared/api';
import { useBridge } from '../bridge/bridge-context';
import { Countdown } from '../components/Countdown';
import { ErrorAlert } from '../components/Messages';
import { Screen } from '../components/Screen';
import { factorOf, targetLabel } from '../factors/factors';
import type { BackupCodeKind, Cooldowns, FlowMessage, PendingChallenge } from '../flow/sign-in-flow';
import { TargetChooser } from './TargetChooser';
import { useSendTo } from './use-send-to';

interface VerifyScreenProps {
  pending: PendingChallenge;
  onSent(target: DeliveryTarget, code?: CodeSent): void;
  onCooldown(targetId: string, retryAfter: number): void;
  /** Back to the login screen, with a message when the sign-in can no longer go on. */
  onRestart(message?: FlowMessage): void;
  /** To the entry of a one-time code from the account manager (guided recovery). */
  /** Instead of a target: a code from the account manager, or one of the user's recovery codes. */
  onUseBackupCode(kind: BackupCodeKind): void;
}

const firstReadyTarget = (targets: DeliveryTarget[], cooldowns: Cooldowns, now = Date.now()) =>
  targets.find((target) => (cooldowns[target.id] ?? 0) <= now) ?? targets[0];

export function VerifyScreen({ pending, onSent, onCooldown, onRestart, onUseBackupCode }: VerifyScreenProps) {
  const bridge = useBridge();
  const { targets } = pending.challenge;
  const [selectedId, setSelectedId] = useState(() => firstReadyTarget(targets, pending.cooldowns)?.id);
  const { sendTo, failure, sending } = useSendTo(pending, {
    onSent,
    onCooldown,
    onRestart,
    // After a failed delivery, the other channel is the likely next choice.
    onUndeliverable: (alternatives) => alternatives[0] && setSelectedId(alternatives[0].id),
  });

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
          There is nowhere to send you a code. If your account manager gave you a one-time code, use it below;
          otherwise ask them to add a phone number or email address to your account.
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
          <button type="button" className="primary" onClick={sendCode} aria-busy={sending}>
            Send Code
          </button>
        )}
        {failure?.alternatives.map((target) => (
          <button key={target.id} type="button" onClick={() => sendTo(target)}>
            {factorOf(target.channel).switchLabel}
          </button>
        ))}
        <button
          type="button"
          className={targets.length === 0 ? 'primary' : 'link'}
          onClick={() => onUseBackupCode('bypass')}
        >
          Use a code from your account manager
        </button>
        <button type="button" className="link" onClick={() => onUseBackupCode('recovery')}>
          Use a recovery code
        </button>
        <button type="button" className="link" onClick={() => onRestart()}>
          Back to login
        </button>
      </div>
    </Screen>
  );
}
