/**
 * My authenticator app (set up by QR code and a confirming code, removed; both after the current password)
 * and my recovery codes (how many are left; new ones made after the current password and shown once).
 */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { RecoveryCodes, TotpEnrollment } from '../../../shared/api';
import { CODE_LENGTH, CodeField } from '../components/CodeField';
import { when } from '../components/DeviceTable';
import { useFocusOnMount } from '../components/focus';
import { ErrorAlert } from '../components/Messages';
import { CurrentPasswordStep } from './CurrentPasswordStep';
import {
  useConfirmTotp,
  useEnrollTotp,
  useGenerateRecoveryCodes,
  useRecoveryCodeStatus,
  useRemoveTotp,
  useTotpStatus,
} from './settings-hooks';

type TotpStep =
  | { step: 'view'; done?: string }
  | { step: 'password'; purpose: 'enroll' | 'remove' }
  | { step: 'scan'; enrollment: TotpEnrollment };

export function AuthenticatorSection({ token }: { token: string }) {
  const status = useTotpStatus(token);
  const [state, setState] = useState<TotpStep>({ step: 'view' });
  const [failure, setFailure] = useState<string>();
  const go = (next: TotpStep) => {
    setFailure(undefined);
    setState(next);
  };
  const confirmed = status.data?.status === 'confirmed';

  return (
    <section aria-labelledby="settings-totp">
      <h2 id="settings-totp">Authenticator app</h2>
      {state.step === 'view' && (
        <>
          <p>
            {confirmed
              ? `Set up${status.data?.confirmedAt ? ` on ${when(status.data.confirmedAt)}` : ''}. It is offered as "Authenticator app" when you sign in.`
              : 'Not set up. An authenticator app on your phone makes codes without a text or an email.'}
          </p>
          {state.done && (
            <p className="status" role="status">
              {state.done}
            </p>
          )}
          {status.data && (
            <div className="actions">
              <button
                type="button"
                onClick={() => go({ step: 'password', purpose: confirmed ? 'remove' : 'enroll' })}
              >
                {confirmed ? 'Remove authenticator app' : 'Set up authenticator app'}
              </button>
            </div>
          )}
        </>
      )}
      {state.step === 'password' && (
        <TotpPasswordStep
          token={token}
          purpose={state.purpose}
          failure={failure}
          onFailure={setFailure}
          onEnrolled={(enrollment) => go({ step: 'scan', enrollment })}
          onRemoved={() => go({ step: 'view', done: 'The authenticator app was removed.' })}
          onCancel={() => go({ step: 'view' })}
        />
      )}
      {state.step === 'scan' && (
        <TotpScanStep
          token={token}
          enrollment={state.enrollment}
          failure={failure}
          onFailure={setFailure}
          onConfirmed={() => go({ step: 'view', done: 'Your authenticator app is set up.' })}
        />
      )}
    </section>
  );
}

function TotpPasswordStep({
  token,
  purpose,
  failure,
  onFailure,
  onEnrolled,
  onRemoved,
  onCancel,
}: {
  token: string;
  purpose: 'enroll' | 'remove';
  failure: string | undefined;
  onFailure(message: string): void;
  onEnrolled(enrollment: TotpEnrollment): void;
  onRemoved(): void;
  onCancel(): void;
}) {
  const enroll = useEnrollTotp(token);
  const remove = useRemoveTotp(token);
  return (
    <CurrentPasswordStep
      id="settings-totp-password"
      submitLabel={purpose === 'enroll' ? 'Continue' : 'Remove authenticator app'}
      busy={enroll.isPending || remove.isPending}
      failure={failure}
      onFailure={onFailure}
      onSubmit={(password) => {
        const onError = (apiFailure: Error) => onFailure(apiFailure.message);
        if (purpose === 'enroll') enroll.mutate(password, { onSuccess: onEnrolled, onError });
        else remove.mutate(password, { onSuccess: onRemoved, onError });
      }}
      onCancel={onCancel}
    />
  );
}

function TotpScanStep({
  token,
  enrollment,
  failure,
  onFailure,
  onConfirmed,
}: {
  token: string;
  enrollment: TotpEnrollment;
  failure: string | undefined;
  onFailure(message: string): void;
  onConfirmed(): void;
}) {
  const confirm = useConfirmTotp(token);
  const field = useFocusOnMount<HTMLInputElement>();
  const [code, setCode] = useState('');
  function submit(event: FormEvent) {
    event.preventDefault();
    if (confirm.isPending) return;
    if (code.length !== CODE_LENGTH) return onFailure('Enter the 6 digits your app shows.');
    confirm.mutate(code, {
      onSuccess: onConfirmed,
      onError: (apiFailure) => {
        setCode('');
        onFailure(apiFailure.message);
        field.current?.focus();
      },
    });
  }
  return (
    <form onSubmit={submit} noValidate>
      <p>
        Scan this QR code with your authenticator app, or type the key into it. Then enter the code it shows.
      </p>
      <img src={enrollment.qrCodeDataUrl} alt="QR code for your authenticator app" width={200} height={200} />
      <p>
        Key: <code className="secret">{enrollment.secret}</code>
      </p>
      <CodeField
        id="settings-totp-code"
        label="Code from the app"
        inputRef={field}
        value={code}
        onDigits={setCode}
      />
      <ErrorAlert>{failure}</ErrorAlert>
      <div className="actions">
        <button type="submit" className="primary" aria-busy={confirm.isPending}>
          Confirm
        </button>
      </div>
    </form>
  );
}

type RecoveryStep =
  | { step: 'view'; back?: boolean }
  | { step: 'password' }
  | { step: 'shown'; codes: RecoveryCodes };

export function RecoveryCodesSection({ token }: { token: string }) {
  const status = useRecoveryCodeStatus(token);
  const [state, setState] = useState<RecoveryStep>({ step: 'view' });
  const make = useRef<HTMLButtonElement>(null);
  const remaining = status.data?.remaining ?? 0;
  const back = () => setState({ step: 'view', back: true });
  // Back from the password or the codes, the keyboard carries on where it left: at the button.
  useEffect(() => {
    if (state.step === 'view' && state.back) make.current?.focus();
  }, [state]);

  return (
    <section aria-labelledby="settings-recovery">
      <h2 id="settings-recovery">Recovery codes</h2>
      {status.data && (
        <p>
          {status.data.generatedAt
            ? `${remaining} of 10 unused, made ${when(status.data.generatedAt)}.`
            : 'None yet. Recovery codes let you sign in when your phone is not at hand.'}
        </p>
      )}
      {state.step === 'view' && (
        <>
          <div className="actions">
            <button type="button" ref={make} onClick={() => setState({ step: 'password' })}>
              {status.data?.generatedAt ? 'Make new codes' : 'Make recovery codes'}
            </button>
          </div>
          {status.data?.generatedAt && <p className="hint">New codes replace the old ones.</p>}
        </>
      )}
      {state.step === 'password' && (
        <RecoveryPasswordStep
          token={token}
          onMade={(codes) => setState({ step: 'shown', codes })}
          onCancel={back}
        />
      )}
      {state.step === 'shown' && <RecoveryCodesShown codes={state.codes.codes} onSaved={back} />}
    </section>
  );
}

/** The current password before new codes: someone at an unlocked workstation must not be able to make them. */
function RecoveryPasswordStep({
  token,
  onMade,
  onCancel,
}: {
  token: string;
  onMade(codes: RecoveryCodes): void;
  onCancel(): void;
}) {
  const generate = useGenerateRecoveryCodes(token);
  const [failure, setFailure] = useState<string>();
  return (
    <CurrentPasswordStep
      id="settings-recovery-password"
      intro={
        <p>Enter your current password to make new recovery codes. Any codes you have now stop working.</p>
      }
      submitLabel="Make codes"
      busy={generate.isPending}
      failure={failure}
      onFailure={setFailure}
      onSubmit={(password, again) =>
        generate.mutate(password, {
          onSuccess: onMade,
          onError: (apiFailure) => {
            again();
            setFailure(apiFailure.message);
          },
        })
      }
      onCancel={onCancel}
    />
  );
}

function RecoveryCodesShown({ codes, onSaved }: { codes: string[]; onSaved(): void }) {
  const list = useFocusOnMount<HTMLOListElement>();
  const [copied, setCopied] = useState<string>();
  async function copy() {
    try {
      await navigator.clipboard.writeText(codes.join('\n'));
      setCopied('The codes were copied.');
    } catch {
      setCopied('Copying is not available here: write the codes down or print this page.');
    }
  }
  return (
    <div>
      <p className="banner" role="alert">
        Save these codes now: they are shown only this once. Each works one time. Copy them, or print this
        page and keep it somewhere safe.
      </p>
      <ol className="recovery-codes" aria-label="Your new recovery codes" ref={list} tabIndex={-1}>
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      {copied && <p role="status">{copied}</p>}
      <div className="actions">
        <button type="button" onClick={copy}>
          Copy codes
        </button>
        <button type="button" onClick={() => window.print()}>
          Print
        </button>
        <button type="button" className="primary" onClick={onSaved}>
          I have saved them
        </button>
      </div>
    </div>
  );
}
