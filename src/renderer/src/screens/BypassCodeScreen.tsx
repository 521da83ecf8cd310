/**
 * Guided recovery's last step for the user: the one-time code the account manager read out
 * (XXXX-XXXX-XXXX), checked by verify with `targetId: "bypass"`. It never remembers the workstation.
 */
import { type FormEvent, useRef, useState } from 'react';
import type { Authenticated } from '../../../shared/api';
import {
  BYPASS_CODE_ALPHABET,
  BYPASS_CODE_LENGTH,
  BYPASS_TARGET_ID,
  looksLikeBypassCode,
  normalizeBypassCode,
} from '../../../shared/bypass-code';
import { ErrorCode } from '../../../shared/error-code';
import type { ApiFailure } from '../api/api-failure';
import { useVerifyCode } from '../api/hooks';
import { useFocusOnMount } from '../components/focus';
import { ErrorAlert } from '../components/Messages';
import { Screen } from '../components/Screen';
import type { FlowMessage, PendingChallenge } from '../flow/sign-in-flow';

interface BypassCodeScreenProps {
  pending: PendingChallenge;
  onAuthenticated(auth: Authenticated): void;
  /** Back to "Verify it's you". */
  onBack(): void;
  onRestart(message?: FlowMessage): void;
}

const ENDS_CHALLENGE: readonly string[] = [ErrorCode.challengeExpired, ErrorCode.tooManyAttempts];

/** Typed or pasted text as the code's groups of four: "abcd efgh-jkmn" → "ABCD-EFGH-JKMN". */
export function formatBypassCode(text: string): string {
  const chars = [...normalizeBypassCode(text)]
    .filter((char) => BYPASS_CODE_ALPHABET.includes(char))
    .slice(0, BYPASS_CODE_LENGTH)
    .join('');
  return chars.match(/.{1,4}/g)?.join('-') ?? '';
}

export function BypassCodeScreen({ pending, onAuthenticated, onBack, onRestart }: BypassCodeScreenProps) {
  const verify = useVerifyCode();
  const [code, setCode] = useState('');
  const [failure, setFailure] = useState<string>();
  const field = useFocusOnMount<HTMLInputElement>();
  const submitting = useRef(false);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (submitting.current) return;
    if (!looksLikeBypassCode(code)) {
      setFailure('Enter the 12 letters and digits of the code from your account manager.');
      field.current?.focus();
      return;
    }
    submitting.current = true;
    setFailure(undefined);
    verify.mutate(
      {
        username: pending.username,
        challengeId: pending.challenge.challengeId,
        code,
        targetId: BYPASS_TARGET_ID,
        rememberDevice: false,
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
          field.current?.focus();
        },
      },
    );
  }

  return (
    <Screen title="Enter the code from your account manager">
      <p id="bypass-code-hint">
        Your account manager read you a one-time code of 12 letters and digits. It works once, for 15 minutes.
      </p>
      <form className="stack" onSubmit={submit} noValidate aria-busy={verify.isPending}>
        <div className="field">
          <label htmlFor="bypass-code">Code from your account manager</label>
          <input
            id="bypass-code"
            ref={field}
            className="code"
            name="bypass-code"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            aria-describedby="bypass-code-hint"
            placeholder="XXXX-XXXX-XXXX"
            value={code}
            onChange={(event) => setCode(formatBypassCode(event.target.value))}
          />
        </div>
        <ErrorAlert>{failure}</ErrorAlert>
        <button type="submit" className="primary">
          Verify Code
        </button>
      </form>
      <div className="actions">
        <button type="button" className="link" onClick={onBack}>
          Back
        </button>
      </div>
    </Screen>
  );
}
