/**
 * Typing a proof: the code that was sent (first or second), the authenticator app's code (second only), or
 * one of the user's recovery codes (second only). The server's answer goes to the flow as it is; a failure
 * clears the field and puts the focus back in it.
 */
import { type FormEvent, useState } from 'react';
import type { DeliveryTarget, PasswordResetVerifyResult } from '../../../../shared/api';
import { looksLikeRecoveryCode, RECOVERY_CODE_LENGTH } from '../../../../shared/recovery-code';
import type { ApiFailure } from '../../api/api-failure';
import { useVerifyResetCode } from '../../api/password-reset-hooks';
import { CodeField } from '../../components/CodeField';
import { useFocusOnMount } from '../../components/focus';
import { ErrorAlert } from '../../components/Messages';
import { Screen } from '../../components/Screen';
import { formatBackupCode, RECOVERY_CODE_HINT, RECOVERY_CODE_TOO_SHORT } from '../BackupCodeScreen';
import { ASK_ACCOUNT_MANAGER, CancelButton, type StepProps } from './step';

interface ProofProps extends StepProps {
  resetId: string;
  onVerified(result: PasswordResetVerifyResult): void;
}

/** The words of a code step: the first code, a second sent code, or the app's code. */
function codeWords(target: DeliveryTarget, second: boolean) {
  if (target.channel === 'totp') {
    return {
      title: 'Enter your authenticator code',
      label: 'Authenticator code',
      hint: 'Enter the 6-digit code your authenticator app shows now.',
      another: 'Choose another factor',
    };
  }
  const sent = (
    <>
      We sent a 6-digit code to <span className="masked">{target.masked}</span>.
    </>
  );
  return {
    title: second ? 'Enter your second code' : 'Enter your reset code',
    label: 'Reset code',
    // Said to everyone alike: a decoy's code never arrives, and neither does one where the practice allows
    // no self-service reset.
    hint: second ? (
      sent
    ) : (
      <>
        {sent} If none arrives, the User ID may be mistyped or have no cell phone or email on file, or your
        practice may not allow resetting a password here. {ASK_ACCOUNT_MANAGER}
      </>
    ),
    another: 'Request another code',
  };
}

export function CodeStep({
  resetId,
  target,
  second,
  failure,
  onVerified,
  onAnotherCode,
  onFailure,
  onCancel,
}: ProofProps & { target: DeliveryTarget; second: boolean; onAnotherCode(): void }) {
  const verify = useVerifyResetCode();
  const [code, setCode] = useState('');
  const field = useFocusOnMount<HTMLInputElement>();
  const words = codeWords(target, second);
  function submit(event: FormEvent) {
    event.preventDefault();
    if (verify.isPending) return;
    verify.mutate(
      { resetId, code, ...(target.channel === 'totp' && { targetId: target.id }) },
      {
        onSuccess: onVerified,
        onError: (apiFailure: ApiFailure) => {
          setCode('');
          field.current?.focus();
          onFailure(apiFailure);
        },
      },
    );
  }
  return (
    <Screen title={words.title}>
      <p id="reset-code-hint">{words.hint}</p>
      <form className="stack" onSubmit={submit} noValidate aria-busy={verify.isPending}>
        <CodeField id="reset-code" label={words.label} inputRef={field} value={code} onDigits={setCode} />
        <ErrorAlert>{failure}</ErrorAlert>
        <button type="submit" className="primary">
          Verify Code
        </button>
      </form>
      <div className="actions">
        <button type="button" onClick={onAnotherCode}>
          {words.another}
        </button>
        <CancelButton onCancel={onCancel} />
      </div>
    </Screen>
  );
}

/** One of the user's recovery codes as the second proof; it is used up, and the user's contacts are told. */
export function RecoveryCodeStep({
  resetId,
  failure,
  onVerified,
  onBack,
  onFailure,
  onCancel,
}: ProofProps & { onBack(): void }) {
  const verify = useVerifyResetCode();
  const [code, setCode] = useState('');
  const [tooShort, setTooShort] = useState(false);
  const field = useFocusOnMount<HTMLInputElement>();
  function submit(event: FormEvent) {
    event.preventDefault();
    if (verify.isPending) return;
    const wellFormed = looksLikeRecoveryCode(code);
    setTooShort(!wellFormed);
    if (!wellFormed) {
      field.current?.focus();
      return;
    }
    verify.mutate(
      { resetId, code },
      {
        onSuccess: onVerified,
        onError: (apiFailure: ApiFailure) => {
          setCode('');
          field.current?.focus();
          onFailure(apiFailure);
        },
      },
    );
  }
  return (
    <Screen title="Enter a recovery code">
      <p id="reset-recovery-hint">{RECOVERY_CODE_HINT}</p>
      <form className="stack" onSubmit={submit} noValidate aria-busy={verify.isPending}>
        <div className="field">
          <label htmlFor="reset-recovery-code">Recovery code</label>
          <input
            id="reset-recovery-code"
            ref={field}
            className="code"
            name="reset-recovery-code"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            aria-describedby="reset-recovery-hint"
            placeholder={formatBackupCode('recovery', 'X'.repeat(RECOVERY_CODE_LENGTH))}
            value={code}
            onChange={(event) => setCode(formatBackupCode('recovery', event.target.value))}
          />
        </div>
        <ErrorAlert>{tooShort ? RECOVERY_CODE_TOO_SHORT : failure}</ErrorAlert>
        <button type="submit" className="primary">
          Verify Code
        </button>
      </form>
      <div className="actions">
        <button type="button" onClick={onBack}>
          Choose another factor
        </button>
        <CancelButton onCancel={onCancel} />
      </div>
    </Screen>
  );
}
