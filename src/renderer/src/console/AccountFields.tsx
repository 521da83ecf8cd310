/**
 * The seed's Resource Setup fields on a user: resource type, start date and end date. The dates are read in
 * the practice's time zone (Policy tab); the end date is the last day the user may sign in.
 */
import { accountDatesProblem, isCalendarDate } from '../../../shared/account-dates';

export interface AccountValues {
  resourceType: string;
  /** YYYY-MM-DD, or '' for none. */
  startDate: string;
  endDate: string;
}

/** What is wrong, tied to the field it is about, or undefined. */
export interface AccountProblem {
  field: 'startDate' | 'endDate';
  message: string;
}

export const RESOURCE_TYPE_SUGGESTIONS = ['Healthcare Provider', 'Non-Healthcare Provider'];

export const accountValuesOf = (user?: {
  resourceType: string | null;
  startDate: string | null;
  endDate: string | null;
}): AccountValues => ({
  resourceType: user?.resourceType ?? '',
  startDate: user?.startDate ?? '',
  endDate: user?.endDate ?? '',
});

/** An impossible date (a browser without a date picker lets one be typed) or an end before the start. */
export function accountProblem(values: AccountValues): AccountProblem | undefined {
  if (values.startDate && !isCalendarDate(values.startDate)) {
    return { field: 'startDate', message: 'Enter the start date as a real date (YYYY-MM-DD).' };
  }
  if (values.endDate && !isCalendarDate(values.endDate)) {
    return { field: 'endDate', message: 'Enter the end date as a real date (YYYY-MM-DD).' };
  }
  const problem = accountDatesProblem({
    startDate: values.startDate || null,
    endDate: values.endDate || null,
  });
  return problem ? { field: 'endDate', message: problem } : undefined;
}

/** The fields as the API takes them: blank is null. */
export const accountPayload = (values: AccountValues) => ({
  resourceType: values.resourceType.trim() || null,
  startDate: values.startDate || null,
  endDate: values.endDate || null,
});

export function AccountFields({
  prefix,
  values,
  problem,
  onChange,
}: {
  prefix: string;
  values: AccountValues;
  problem: AccountProblem | undefined;
  onChange(values: AccountValues): void;
}) {
  const set = (key: keyof AccountValues) => (value: string) => onChange({ ...values, [key]: value });
  return (
    <fieldset>
      <legend>Resource setup</legend>
      <div className="field">
        <label htmlFor={`${prefix}-resource-type`}>Resource type</label>
        <input
          id={`${prefix}-resource-type`}
          list={`${prefix}-resource-types`}
          maxLength={100}
          autoComplete="off"
          value={values.resourceType}
          onChange={(event) => set('resourceType')(event.target.value)}
        />
        <datalist id={`${prefix}-resource-types`}>
          {RESOURCE_TYPE_SUGGESTIONS.map((type) => (
            <option key={type} value={type} />
          ))}
        </datalist>
      </div>
      <DateField
        id={`${prefix}-start-date`}
        label="Start date"
        note="No sign-in before this day, in the practice’s time zone. Leave empty for none."
        value={values.startDate}
        error={problem?.field === 'startDate' ? problem.message : undefined}
        onChange={set('startDate')}
      />
      <DateField
        id={`${prefix}-end-date`}
        label="End date"
        note="The last day they may sign in. The day after, their sessions, trusted workstations, bypass and recovery codes end; a date already past ends them at once. Leave empty for none."
        value={values.endDate}
        error={problem?.field === 'endDate' ? problem.message : undefined}
        onChange={set('endDate')}
      />
    </fieldset>
  );
}

function DateField({
  id,
  label,
  note,
  value,
  error,
  onChange,
}: {
  id: string;
  label: string;
  note: string;
  value: string;
  error: string | undefined;
  onChange(value: string): void;
}) {
  const described = error ? `${id}-error ${id}-note` : `${id}-note`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="date"
        aria-describedby={described}
        aria-invalid={error ? true : undefined}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
      {error && (
        <p id={`${id}-error`} className="alert" role="alert">
          {error}
        </p>
      )}
      <p id={`${id}-note`} className="note">
        {note}
      </p>
    </div>
  );
}
