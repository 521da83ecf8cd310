/**
 * A cell phone or email set on a user's behalf: either a code goes to the new contact and the user reads it
 * out, or the account manager sets it at once, marked "set by admin" (the user is notified). With a reason.
 */
import { type FormEvent, useRef, useState } from 'react';
import type { AdminUser } from '../../../shared/api-admin-users';
import type { ContactChannel, ContactCodeSent } from '../../../shared/api-contacts';
import { CODE_LENGTH, CodeField } from '../components/CodeField';
import { ErrorAlert } from '../components/Messages';
import { useEndsSession } from './console-session';
import { useResendContactCode, useSetContact, useVerifyContact } from './people-hooks';
import { ReasonField } from './ReasonField';

const CHANNEL_WORDS: Record<ContactChannel, string> = { sms: 'Cell phone', email: 'Email' };

export function ContactOnBehalf({ user }: { user: AdminUser }) {
  const set = useSetContact(user.id);
  const [channel, setChannel] = useState<ContactChannel>('sms');
  const [value, setValue] = useState('');
  const [method, setMethod] = useState<'code' | 'set_by_admin'>('code');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string>();
  const [pending, setPending] = useState<ContactCodeSent>();
  const [done, setDone] = useState<string>();
  useEndsSession(set.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (set.isPending) return;
    setDone(undefined);
    const missing = !value.trim()
      ? `Enter the ${channel === 'sms' ? 'cell phone number' : 'email address'}.`
      : reason.trim().length < 3
        ? 'Give a reason for this change (at least 3 characters).'
        : undefined;
    setProblem(missing);
    if (missing) return;
    set.mutate(
      { channel, value: value.trim(), method, reason: reason.trim() },
      {
        onSuccess: (result) => {
          if (result.status === 'code_sent') {
            setPending(result);
            return;
          }
          setDone(applied(result.channel, result.masked, result.warnings, result.setBy === 'set_by_admin'));
          setValue('');
          setReason('');
        },
      },
    );
  }

  return (
    <section className="console-section" aria-labelledby="contact-on-behalf">
      <h3 id="contact-on-behalf">Set a contact for {user.username}</h3>
      {done && (
        <p className="status" role="status">
          {done}
        </p>
      )}
      {pending ? (
        <ContactCode
          user={user}
          sent={pending}
          onApplied={(text) => {
            setPending(undefined);
            setDone(text);
            setValue('');
            setReason('');
          }}
          onCancel={() => setPending(undefined)}
        />
      ) : (
        <form className="stack console-form" onSubmit={submit} noValidate aria-busy={set.isPending}>
          <div className="field">
            <label htmlFor="contact-channel">Contact</label>
            <select
              id="contact-channel"
              value={channel}
              onChange={(event) => setChannel(event.target.value === 'email' ? 'email' : 'sms')}
            >
              <option value="sms">{CHANNEL_WORDS.sms}</option>
              <option value="email">{CHANNEL_WORDS.email}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="contact-value">{channel === 'sms' ? 'Cell phone number' : 'Email address'}</label>
            <input
              id="contact-value"
              type={channel === 'sms' ? 'tel' : 'email'}
              autoComplete="off"
              value={value}
              onChange={(event) => setValue(event.target.value)}
            />
          </div>
          <fieldset>
            <legend>How to confirm it</legend>
            <label className="choice">
              <input
                type="radio"
                name="contact-method"
                checked={method === 'code'}
                onChange={() => setMethod('code')}
              />
              Send a code there for the user to read out
            </label>
            <label className="choice">
              <input
                type="radio"
                name="contact-method"
                checked={method === 'set_by_admin'}
                onChange={() => setMethod('set_by_admin')}
              />
              Set it now, marked “set by admin” (the user is notified)
            </label>
          </fieldset>
          <ReasonField
            id="contact-reason"
            label="Reason for this contact change"
            value={reason}
            onChange={setReason}
          />
          <ErrorAlert>{problem ?? set.error?.message}</ErrorAlert>
          <div className="actions">
            <button type="submit" className="primary">
              {method === 'code' ? 'Send code' : 'Set contact'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function applied(channel: ContactChannel, masked: string, warnings: string[], byAdmin: boolean): string {
  const how = byAdmin ? ' (set by admin; the user was notified)' : '';
  return [`${CHANNEL_WORDS[channel]} ${masked} is on file${how}.`, ...warnings].join(' ');
}

interface ContactCodeProps {
  user: AdminUser;
  sent: ContactCodeSent;
  onApplied(text: string): void;
  onCancel(): void;
}

/** The code the user reads out from their new phone or mailbox. */
function ContactCode({ user, sent, onApplied, onCancel }: ContactCodeProps) {
  const verify = useVerifyContact(user.id);
  const resend = useResendContactCode(user.id);
  useEndsSession(verify.error, resend.error);
  const [code, setCode] = useState('');
  const field = useRef<HTMLInputElement>(null);
  function submit(event: FormEvent) {
    event.preventDefault();
    if (verify.isPending || code.length !== CODE_LENGTH) return;
    verify.mutate(
      { changeId: sent.changeId, code },
      {
        onSuccess: (result) => onApplied(applied(result.channel, result.masked, result.warnings, false)),
        onError: () => {
          setCode('');
          field.current?.focus();
        },
      },
    );
  }
  return (
    <form className="stack console-form" onSubmit={submit} noValidate aria-busy={verify.isPending}>
      <p role="status">
        A code went to <span className="masked">{sent.masked}</span>. Ask {user.username} to read it out.
        {sent.warnings.length ? ` ${sent.warnings.join(' ')}` : ''}
      </p>
      <CodeField
        id="contact-code"
        label="Code the user reads out"
        inputRef={field}
        value={code}
        onDigits={setCode}
      />
      <ErrorAlert>{verify.error?.message ?? resend.error?.message}</ErrorAlert>
      <div className="actions">
        <button type="submit" className="primary">
          Verify code
        </button>
        <button type="button" onClick={() => resend.mutate(sent.changeId)} aria-busy={resend.isPending}>
          Send another code
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
