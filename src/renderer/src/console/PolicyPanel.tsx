/**
 * The practice's 2FA policy: mode, enforce-after date, code lifetime, remember-days, idle lock, the factors
 * offered at sign-in, how a forgotten password may be reset and the time zone users' start and end dates are
 * read in, saved with a reason for the audit trail.
 */
import { type FormEvent, useMemo, useState } from 'react';
import { timeZoneChoices } from '../../../shared/account-dates';
import { type Factor, PolicyUpdate, type PolicyView, type SelfServiceReset } from '../../../shared/api-admin';
import { ErrorAlert } from '../components/Messages';
import { usePolicy, useUpdatePolicy } from './console-hooks';
import { useEndsSession } from './console-session';
import { ReasonField } from './ReasonField';
import { calendarDate, FACTOR_WORDS, MODE_WORDS, type PolicyMode, SELF_SERVICE_RESET_WORDS } from './words';
import { ENTER_YOUR_PASSWORD, YourPasswordField } from './YourPasswordField';

const MODES: PolicyMode[] = ['off', 'optional', 'required'];
const FACTORS: Factor[] = ['sms', 'email', 'totp'];
const SELF_SERVICE_RESETS: SelfServiceReset[] = ['two_factors', 'one_factor', 'off'];

export function PolicyPanel() {
  const policy = usePolicy();
  const [saved, setSaved] = useState(false);
  useEndsSession(policy.error);

  if (policy.isPending) return <p role="status">Loading the practice policy…</p>;
  if (policy.isError) return <ErrorAlert>{policy.error.message}</ErrorAlert>;
  return (
    <>
      <InForce policy={policy.data} />
      {saved && (
        <p className="status" role="status">
          Policy saved. The change is in the audit log with your reason.
        </p>
      )}
      {/* A fresh form after each save: the saved values, and an empty reason for the next change. */}
      <PolicyForm key={policy.data.updatedAt} policy={policy.data} onSaved={setSaved} />
    </>
  );
}

function InForce({ policy }: { policy: PolicyView }) {
  const future = policy.mode === 'optional' && policy.enforceAfter && policy.effectiveMode === 'optional';
  return (
    <p className="in-force">
      In force today: <strong>{MODE_WORDS[policy.effectiveMode]}</strong>
      {future && policy.enforceAfter ? ` (required from ${calendarDate(policy.enforceAfter)})` : ''}
    </p>
  );
}

/** Whole numbers only, as typed; NaN for anything else, which the bounds below then refuse. */
const wholeNumber = (text: string) => (/^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN);

interface FormValues {
  mode: PolicyMode;
  enforceAfter: string;
  codeTtlMinutes: string;
  rememberDays: string;
  idleLockMinutes: string;
  allowedFactors: Factor[];
  selfServiceReset: SelfServiceReset;
  timeZone: string;
  reason: string;
  /** The account manager's own password, asked again for every change. */
  currentPassword: string;
}

/** The first thing wrong with the form, in words, or the update to send. */
function checkForm(values: FormValues, original: PolicyView): string | PolicyUpdate {
  const minutes = values.codeTtlMinutes.trim();
  // A lifetime the CLI set in seconds (say 150) stays as it is unless someone types a new one.
  const codeTtlSeconds =
    minutes === String(original.codeTtlSeconds / 60) ? original.codeTtlSeconds : wholeNumber(minutes) * 60;
  if (!(codeTtlSeconds >= 120 && codeTtlSeconds <= 600)) {
    return 'Code lifetime must be a whole number of minutes from 2 to 10.';
  }
  const rememberDays = wholeNumber(values.rememberDays);
  if (!(rememberDays >= 0 && rememberDays <= 90)) return 'Remember workstations must be 0 to 90 days.';
  const idleLockMinutes = wholeNumber(values.idleLockMinutes);
  if (!(idleLockMinutes >= 1 && idleLockMinutes <= 60)) return 'Idle lock must be 1 to 60 minutes.';
  if (values.allowedFactors.length === 0) return 'Allow at least one second factor.';
  if (values.reason.trim().length < 3) return 'Give a reason for this change (at least 3 characters).';
  if (!values.currentPassword) return ENTER_YOUR_PASSWORD;
  const update = PolicyUpdate.safeParse({
    mode: values.mode,
    enforceAfter: values.enforceAfter || null,
    codeTtlSeconds,
    rememberDays,
    idleLockMinutes,
    allowedFactors: FACTORS.filter((factor) => values.allowedFactors.includes(factor)),
    selfServiceReset: values.selfServiceReset,
    timeZone: values.timeZone,
    reason: values.reason.trim(),
    currentPassword: values.currentPassword,
  });
  if (!update.success && update.error.issues.some((issue) => issue.path[0] === 'timeZone')) {
    return 'Choose the practice’s time zone from the list.';
  }
  return update.success ? update.data : 'Check the enforce-after date and the reason.';
}

/** `onSaved(false)` as a new save starts, so an earlier "saved" does not stand beside a new refusal. */
function PolicyForm({ policy, onSaved }: { policy: PolicyView; onSaved(saved: boolean): void }) {
  const save = useUpdatePolicy();
  useEndsSession(save.error);
  const [values, setValues] = useState<FormValues>({
    mode: policy.mode,
    enforceAfter: policy.enforceAfter ?? '',
    codeTtlMinutes: String(policy.codeTtlSeconds / 60),
    rememberDays: String(policy.rememberDays),
    idleLockMinutes: String(policy.idleLockMinutes),
    allowedFactors: policy.allowedFactors,
    selfServiceReset: policy.selfServiceReset,
    timeZone: policy.timeZone,
    reason: '',
    currentPassword: '',
  });
  const zones = useMemo(() => timeZoneChoices(policy.timeZone), [policy.timeZone]);
  const [problem, setProblem] = useState<string>();
  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) =>
    setValues((current) => ({ ...current, [key]: value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    if (save.isPending) return;
    const checked = checkForm(values, policy);
    if (typeof checked === 'string') {
      setProblem(checked);
      return;
    }
    setProblem(undefined);
    onSaved(false);
    // The password is not kept once sent, right or wrong.
    set('currentPassword', '');
    save.mutate(checked, { onSuccess: () => onSaved(true) });
  }

  const toggleFactor = (factor: Factor, on: boolean) =>
    set(
      'allowedFactors',
      on ? [...values.allowedFactors, factor] : values.allowedFactors.filter((f) => f !== factor),
    );

  return (
    <form className="stack console-form" onSubmit={submit} noValidate aria-busy={save.isPending}>
      <fieldset>
        <legend>Two-step verification at sign-in</legend>
        {MODES.map((mode) => (
          <label key={mode} className="choice">
            <input
              type="radio"
              name="mode"
              value={mode}
              checked={values.mode === mode}
              onChange={() => set('mode', mode)}
            />
            {MODE_WORDS[mode]}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="policy-enforce-after">Required from (enforce-after date)</label>
        <input
          id="policy-enforce-after"
          type="date"
          aria-describedby="policy-enforce-after-note"
          value={values.enforceAfter}
          onChange={(event) => set('enforceAfter', event.target.value)}
        />
        <p id="policy-enforce-after-note" className="note">
          With Optional, 2FA becomes required on this date (UTC). Leave empty for no date.
        </p>
      </div>
      <NumberField
        id="policy-code-ttl"
        label="Code lifetime (minutes)"
        note="2 to 10 minutes (NIST)."
        min={2}
        max={10}
        value={values.codeTtlMinutes}
        onChange={(value) => set('codeTtlMinutes', value)}
      />
      <NumberField
        id="policy-remember-days"
        label="Remember workstations (days)"
        note="0 turns “Remember this workstation” off."
        min={0}
        max={90}
        value={values.rememberDays}
        onChange={(value) => set('rememberDays', value)}
      />
      <NumberField
        id="policy-idle-lock"
        label="Idle lock (minutes)"
        note="The screen locks after this long without use."
        min={1}
        max={60}
        value={values.idleLockMinutes}
        onChange={(value) => set('idleLockMinutes', value)}
      />
      <fieldset>
        <legend>Allowed second factors</legend>
        {FACTORS.map((factor) => (
          <label key={factor} className="choice">
            <input
              type="checkbox"
              checked={values.allowedFactors.includes(factor)}
              onChange={(event) => toggleFactor(factor, event.target.checked)}
            />
            {FACTOR_WORDS[factor]}
          </label>
        ))}
      </fieldset>
      <fieldset aria-describedby="policy-self-service-reset-note">
        <legend>Forgot your password? (self-service reset)</legend>
        <p id="policy-self-service-reset-note" className="note">
          A user with two or more factors always proves two of them. This decides what a user with only one
          may do.
        </p>
        {SELF_SERVICE_RESETS.map((value) => (
          <label key={value} className="choice">
            <input
              type="radio"
              name="self-service-reset"
              value={value}
              checked={values.selfServiceReset === value}
              onChange={() => set('selfServiceReset', value)}
            />
            {SELF_SERVICE_RESET_WORDS[value]}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="policy-time-zone">Practice time zone</label>
        <select
          id="policy-time-zone"
          aria-describedby="policy-time-zone-note"
          value={values.timeZone}
          onChange={(event) => set('timeZone', event.target.value)}
        >
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone.replaceAll('_', ' ')}
            </option>
          ))}
        </select>
        <p id="policy-time-zone-note" className="note">
          Users’ start and end dates are read in this time zone: an end date ends at midnight here.
        </p>
      </div>
      <ReasonField
        id="policy-reason"
        label="Reason for this change"
        value={values.reason}
        onChange={(value) => set('reason', value)}
        required
      />
      <YourPasswordField
        id="policy-current-password"
        value={values.currentPassword}
        onChange={(value) => set('currentPassword', value)}
      />
      <ErrorAlert>{problem ?? save.error?.message}</ErrorAlert>
      <div className="actions">
        <button type="submit" className="primary">
          Save policy
        </button>
      </div>
    </form>
  );
}

interface NumberFieldProps {
  id: string;
  label: string;
  note: string;
  min: number;
  max: number;
  value: string;
  onChange(value: string): void;
}

function NumberField({ id, label, note, min, max, value, onChange }: NumberFieldProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        step={1}
        aria-describedby={`${id}-note`}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
      <p id={`${id}-note`} className="note">
        {note}
      </p>
    </div>
  );
}
