/**
 * Signing in without the usual factor, by a code typed from somewhere else:
 * - `bypass`: guided recovery's one-time code the account manager read out (XXXX-XXXX-XXXX), checked by
 *   verify with `targetId: "bypass"`;
 * - `recovery`: one of the user's own recovery codes from My settings (XXXXX-XXXXX), which verify knows by
 *   its shape.
 * Neither ever remembers the workstation: both are for a day when the usual factor is out of reach.
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
import {
  looksLikeRecoveryCode,
  normalizeRecoveryCode,
  RECOVERY_CODE_ALPHABET,
  RECOVERY_CODE_LENGTH,
} from '../../../shared/recovery-code';
import type { ApiFailure } from '../api/api-failure';
import { useVerifyCode } from '../api/hooks';
import { useFocusOnMount } from '../components/focus';
import { ErrorAlert } from '../components/Messages';
import { Screen } from '../components/Screen';
import type { BackupCodeKind, FlowMessage, PendingChallenge } from '../flow/sign-in-flow';

interface BackupCode {
  title: string;
  label: string;
  hint: string;
  tooShort: string;
  alphabet: string;
  length: number;
  /** Characters per group as shown: 4 → XXXX-XXXX-XXXX. */
  group: number;
  normalize(raw: string): string;
  looksRight(raw: string): boolean;
  /** What verify needs beside the code to know what it is. */
  targetId?: string;
}

/** What a recovery code is, and what to type, wherever one is asked for (sign-in, password reset). */
export const RECOVERY_CODE_HINT =
  'One of the 10 recovery codes you saved from My settings, 10 letters and digits. Each works once; your contacts are told when one is used.';
export const RECOVERY_CODE_TOO_SHORT = 'Enter the 10 letters and digits of one of your recovery codes.';

const BACKUP_CODES: Record<BackupCodeKind, BackupCode> = {
  bypass: {
    title: 'Enter the code from your account manager',
    label: 'Code from your account manager',
    hint: 'Your account manager read you a one-time code of 12 letters and digits. It works once, for 15 minutes.',
    tooShort: 'Enter the 12 letters and digits of the code from your account manager.',
    alphabet: BYPASS_CODE_ALPHABET,
    length: BYPASS_CODE_LENGTH,
    group: 4,
    normalize: normalizeBypassCode,
    looksRight: looksLikeBypassCode,
    targetId: BYPASS_TARGET_ID,
  },
  recovery: {
    title: 'Enter a recovery code',
    label: 'Recovery code',
    hint: RECOVERY_CODE_HINT,
    tooShort: RECOVERY_CODE_TOO_SHORT,
    alphabet: RECOVERY_CODE_ALPHABET,
    length: RECOVERY_CODE_LENGTH,
    group: 5,
    normalize: normalizeRecoveryCode,
    looksRight: looksLikeRecoveryCode,
  },
};

interface BackupCodeScreenProps {
  kind: BackupCodeKind;
  pending: PendingChallenge;
  onAuthenticated(auth: Authenticated): void;
  /** Back to "Verify it's you". */
  onBack(): void;
  onRestart(message?: FlowMessage): void;
}

const ENDS_CHALLENGE: readonly string[] = [ErrorCode.challengeExpired, ErrorCode.tooManyAttempts];

/**
 * Typed or pasted text in the code's groups, keeping only characters the code can hold:
 * "abcd efgh-jkmn" → "ABCD-EFGH-JKMN" for a bypass code.
 */
export function formatBackupCode(kind: BackupCodeKind, text: string): string {
  const { alphabet, length, group, normalize } = BACKUP_CODES[kind];
  const chars = [...normalize(text)]
    .filter((char) => alphabet.includes(char))
    .slice(0, length)
    .join('');
  return chars.match(new RegExp(`.{1,${group}}`, 'g'))?.join('-') ?? '';
}

export function BackupCodeScreen({
  kind,
  pending,
  onAuthenticated,
  onBack,
  onRestart,
}: BackupCodeScreenProps) {
  const backup = BACKUP_CODES[kind];
  const verify = useVerifyCode();
  const [code, setCode] = useState('');
  const [failure, setFailure] = useState<string>();
  const field = useFocusOnMount<HTMLInputElement>();
  const submitting = useRef(false);
  const fieldId = `${kind}-code`;
  const placeholder = formatBackupCode(kind, 'X'.repeat(backup.length));

  function submit(event: FormEvent) {
    event.preventDefault();
    if (submitting.current) return;
    if (!backup.looksRight(code)) {
      setFailure(backup.tooShort);
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
        ...(backup.targetId && { targetId: backup.targetId }),
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
    <Screen title={backup.title}>
      <p id={`${fieldId}-hint`}>{backup.hint}</p>
      <form className="stack" onSubmit={submit} noValidate aria-busy={verify.isPending}>
        <div className="field">
          <label htmlFor={fieldId}>{backup.label}</label>
          <input
            id={fieldId}
            ref={field}
            className="code"
            name={fieldId}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            aria-describedby={`${fieldId}-hint`}
            placeholder={placeholder}
            value={code}
            onChange={(event) => setCode(formatBackupCode(kind, event.target.value))}
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
