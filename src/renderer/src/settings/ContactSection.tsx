/**
 * My cell phone or my email: shown (a phone in national format), then change → current password → a code
 * sent to the NEW contact → that code → done. Until the code is entered, the old contact stays in use.
 */
import { type FormEvent, useState } from 'react';
import type { ContactChannel, ContactCodeSent, ContactSetBy, Profile } from '../../../shared/api';
import { ErrorCode } from '../../../shared/error-code';
import { CODE_LENGTH, CodeField } from '../components/CodeField';
import { Countdown } from '../components/Countdown';
import { useFocusOnMount } from '../components/focus';
import { ErrorAlert } from '../components/Messages';
import { PasswordField } from '../components/PasswordField';
import { useSecondsUntil } from '../components/time';
import { CurrentPasswordStep } from './CurrentPasswordStep';
import {
  useRemoveContact,
  useResendContactCode,
  useStartContactChange,
  useVerifyContactChange,
} from './settings-hooks';

const WORDS: Record<ContactChannel, { title: string; noun: string; label: string }> = {
  sms: { title: 'Cell phone', noun: 'cell phone', label: 'New cell phone number' },
  email: { title: 'Email', noun: 'email address', label: 'New email address' },
};

const SET_BY_WORDS: Record<ContactSetBy, string> = {
  user_code: 'Verified by you with a code',
  admin_code: 'Verified with your account manager',
  set_by_admin: 'Set by your account manager',
  on_file: 'On file since your account was created',
};

/** The change is over for good on these; the user starts again. */
const ENDS_CHANGE = new Set<string>([ErrorCode.challengeExpired, ErrorCode.tooManyAttempts]);

type Step =
  | { step: 'view'; done?: string }
  | { step: 'enter' }
  | { step: 'code'; sent: ContactCodeSent; resendAt: number }
  | { step: 'remove' };

export function ContactSection({
  token,
  channel,
  profile,
}: {
  token: string;
  channel: ContactChannel;
  profile: Profile;
}) {
  const [state, setState] = useState<Step>({ step: 'view' });
  const [failure, setFailure] = useState<string>();
  const words = WORDS[channel];
  const current = channel === 'sms' ? profile.phoneNational : profile.email;
  const setBy = channel === 'sms' ? profile.phoneSetBy : profile.emailSetBy;
  const go = (next: Step) => {
    setFailure(undefined);
    setState(next);
  };
  const headingId = `settings-contact-${channel}`;

  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{words.title}</h2>
      {state.step === 'view' && (
        <>
          <p>
            {current ? (
              <>
                <span className="contact">{current}</span>
                {setBy && <span className="hint"> · {SET_BY_WORDS[setBy]}</span>}
              </>
            ) : (
              `No ${words.noun} on file.`
            )}
          </p>
          {state.done && (
            <p className="status" role="status">
              {state.done}
            </p>
          )}
          <div className="actions">
            <button type="button" onClick={() => go({ step: 'enter' })}>
              {current ? `Change ${words.noun}` : `Add ${words.noun}`}
            </button>
            {current && (
              <button type="button" className="link" onClick={() => go({ step: 'remove' })}>
                Remove {words.noun}
              </button>
            )}
          </div>
        </>
      )}
      {state.step === 'enter' && (
        <EnterStep
          token={token}
          channel={channel}
          failure={failure}
          onFailure={setFailure}
          onSent={(sent) => go({ step: 'code', sent, resendAt: Date.now() + sent.resendAfter * 1000 })}
          onCancel={() => go({ step: 'view' })}
        />
      )}
      {state.step === 'code' && (
        <CodeStep
          token={token}
          channel={channel}
          sent={state.sent}
          resendAt={state.resendAt}
          failure={failure}
          onFailure={(apiFailure) => {
            if (ENDS_CHANGE.has(apiFailure.error)) {
              go({ step: 'view' });
              setFailure(`${apiFailure.message} Your ${words.noun} was not changed.`);
            } else setFailure(apiFailure.message);
          }}
          onResent={(sent) => go({ step: 'code', sent, resendAt: Date.now() + sent.resendAfter * 1000 })}
          onDone={(masked) => go({ step: 'view', done: `Your ${words.noun} is now ${masked}.` })}
          onCancel={() => go({ step: 'view' })}
        />
      )}
      {state.step === 'remove' && (
        <RemoveStep
          token={token}
          channel={channel}
          failure={failure}
          onFailure={setFailure}
          onDone={() => go({ step: 'view', done: `Your ${words.noun} was removed.` })}
          onCancel={() => go({ step: 'view' })}
        />
      )}
      {state.step === 'view' && <ErrorAlert>{failure}</ErrorAlert>}
    </section>
  );
}

interface StepProps {
  token: string;
  channel: ContactChannel;
  failure: string | undefined;
  onCancel(): void;
}

function EnterStep({
  token,
  channel,
  failure,
  onFailure,
  onSent,
  onCancel,
}: StepProps & { onFailure(message: string): void; onSent(sent: ContactCodeSent): void }) {
  const start = useStartContactChange(token);
  const field = useFocusOnMount<HTMLInputElement>();
  const [value, setValue] = useState('');
  const [password, setPassword] = useState('');
  const words = WORDS[channel];
  function submit(event: FormEvent) {
    event.preventDefault();
    if (start.isPending) return;
    if (!value.trim()) return onFailure(`Enter the ${words.noun}.`);
    if (!password) return onFailure('Enter your current password.');
    start.mutate(
      { channel, value: value.trim(), currentPassword: password },
      { onSuccess: onSent, onError: (apiFailure) => onFailure(apiFailure.message) },
    );
  }
  return (
    <form onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={`settings-${channel}-value`}>{words.label}</label>
        <input
          id={`settings-${channel}-value`}
          ref={field}
          type={channel === 'sms' ? 'tel' : 'email'}
          autoComplete={channel === 'sms' ? 'tel-national' : 'email'}
          value={value}
          onChange={(event) => setValue(event.target.value)}
        />
      </div>
      <PasswordField
        id={`settings-${channel}-password`}
        label="Current password"
        value={password}
        onChange={setPassword}
      />
      <ErrorAlert>{failure}</ErrorAlert>
      <div className="actions">
        <button type="submit" className="primary" aria-busy={start.isPending}>
          Send Code
        </button>
        <button type="button" className="link" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function CodeStep({
  token,
  channel,
  sent,
  resendAt,
  failure,
  onFailure,
  onResent,
  onDone,
  onCancel,
}: StepProps & {
  sent: ContactCodeSent;
  resendAt: number;
  onFailure(apiFailure: { error: string; message: string }): void;
  onResent(sent: ContactCodeSent): void;
  onDone(masked: string): void;
}) {
  const verify = useVerifyContactChange(token);
  const resend = useResendContactCode(token);
  const field = useFocusOnMount<HTMLInputElement>();
  const [code, setCode] = useState('');
  const words = WORDS[channel];
  function submit(event: FormEvent) {
    event.preventDefault();
    if (verify.isPending) return;
    if (code.length !== CODE_LENGTH) {
      onFailure({ error: 'bad_request', message: 'Enter the 6 digits of the code we sent.' });
      field.current?.focus();
      return;
    }
    verify.mutate(
      { changeId: sent.changeId, code },
      {
        onSuccess: (applied) => onDone(applied.masked),
        onError: (apiFailure) => {
          setCode('');
          onFailure(apiFailure);
          field.current?.focus();
        },
      },
    );
  }
  return (
    <form onSubmit={submit} noValidate>
      <p className="status" role="status">
        We sent a code to {sent.masked}. Your {words.noun} changes once you enter it.
      </p>
      {sent.warnings.map((warning) => (
        <p key={warning} className="banner" role="note">
          {warning}
        </p>
      ))}
      <CodeField
        id={`settings-${channel}-code`}
        label="Confirmation code"
        inputRef={field}
        value={code}
        onDigits={setCode}
      />
      <ErrorAlert>{failure}</ErrorAlert>
      <Countdown until={resendAt}>{(left) => `You can request another code in ${left}.`}</Countdown>
      <div className="actions">
        <button type="submit" className="primary" aria-busy={verify.isPending}>
          Verify Code
        </button>
        <ResendButton
          resendAt={resendAt}
          busy={resend.isPending}
          onResend={() => resend.mutate(sent.changeId, { onSuccess: onResent, onError: onFailure })}
        />
        <button type="button" className="link" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Waits out the server's cooldown, so the button is never one that can only fail. */
function ResendButton({ resendAt, busy, onResend }: { resendAt: number; busy: boolean; onResend(): void }) {
  const wait = useSecondsUntil(resendAt);
  return (
    <button type="button" onClick={onResend} disabled={wait > 0} aria-busy={busy}>
      Send a new code
    </button>
  );
}

function RemoveStep({
  token,
  channel,
  failure,
  onFailure,
  onDone,
  onCancel,
}: StepProps & { onFailure(message: string): void; onDone(): void }) {
  const remove = useRemoveContact(token);
  const words = WORDS[channel];
  return (
    <CurrentPasswordStep
      id={`settings-${channel}-remove-password`}
      intro={<p>Codes will no longer go to this {words.noun}.</p>}
      submitLabel={`Remove ${words.noun}`}
      busy={remove.isPending}
      failure={failure}
      onFailure={onFailure}
      onSubmit={(password) =>
        remove.mutate(
          { channel, currentPassword: password },
          { onSuccess: onDone, onError: (apiFailure) => onFailure(apiFailure.message) },
        )
      }
      onCancel={onCancel}
    />
  );
}
