/**
 * Sending a code to one target, as "Verify it's you" and the code entry screen both do: a send that ends the
 * challenge goes back to login, a cooldown is remembered, and a failed delivery offers the other channel.
 */
import { useState } from 'react';
import type { CodeSent, DeliveryTarget } from '../../../shared/api';
import { ErrorCode } from '../../../shared/error-code';
import type { ApiFailure } from '../api/api-failure';
import { useSendCode } from '../api/hooks';
import type { FlowMessage, PendingChallenge } from '../flow/sign-in-flow';

/** The challenge ends for good on these; the user has to sign in again. */
const ENDS_CHALLENGE: readonly string[] = [ErrorCode.challengeExpired, ErrorCode.tooManyAttempts];

export interface SendFailure {
  text: string;
  /** Targets on another channel, offered when this one could not be delivered to. */
  alternatives: DeliveryTarget[];
}

export interface SendCallbacks {
  /** `code` is absent for the authenticator app: nothing is sent, the user reads the code off the app. */
  onSent(target: DeliveryTarget, code?: CodeSent): void;
  onCooldown(targetId: string, retryAfter: number): void;
  onRestart(message?: FlowMessage): void;
  /** The provider could not deliver there; these targets remain. */
  onUndeliverable?(alternatives: DeliveryTarget[]): void;
}

/** Targets on a channel other than `target`'s. */
export const otherChannels = (targets: DeliveryTarget[], target: Pick<DeliveryTarget, 'channel'>) =>
  targets.filter((other) => other.channel !== target.channel);

export function useSendTo(pending: PendingChallenge, callbacks: SendCallbacks) {
  const send = useSendCode();
  const [failure, setFailure] = useState<SendFailure>();

  function sendTo(target: DeliveryTarget) {
    if (send.isPending) return;
    setFailure(undefined);
    if (target.channel === 'totp') {
      callbacks.onSent(target);
      return;
    }
    send.mutate(
      { challengeId: pending.challenge.challengeId, targetId: target.id },
      {
        onSuccess: (code) => callbacks.onSent(target, code),
        onError: (apiFailure: ApiFailure) => {
          if (ENDS_CHALLENGE.includes(apiFailure.error)) {
            callbacks.onRestart({ kind: 'error', text: apiFailure.message });
            return;
          }
          if (apiFailure.error === ErrorCode.rateLimited && apiFailure.retryAfter) {
            callbacks.onCooldown(target.id, apiFailure.retryAfter);
          }
          const alternatives =
            apiFailure.error === ErrorCode.deliveryFailed
              ? otherChannels(pending.challenge.targets, target)
              : [];
          if (apiFailure.error === ErrorCode.deliveryFailed) callbacks.onUndeliverable?.(alternatives);
          setFailure({ text: apiFailure.message, alternatives });
        },
      },
    );
  }

  return { sendTo, failure, sending: send.isPending };
}
