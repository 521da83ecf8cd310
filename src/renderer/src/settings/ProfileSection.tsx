/**
 * My settings, General: names, date of birth and sex, with the User ID shown read-only, and the password
 * ("Leave password blank if you do not wish to change."). One Save for both.
 */
import { type FormEvent, useState } from 'react';
import type { Profile, Sex } from '../../../shared/api';
import { ErrorAlert } from '../components/Messages';
import { PasswordField } from '../components/PasswordField';
import { meetsPasswordRule, PASSWORD_RULE } from '../components/password-rule';
import { useChangePassword, useSaveProfile } from './settings-hooks';

const SEX_CHOICES: Array<{ value: Sex | ''; label: string }> = [
  { value: '', label: 'Not given' },
  { value: 'female', label: 'Female' },
  { value: 'male', label: 'Male' },
  { value: 'other', label: 'Other' },
  { value: 'undisclosed', label: 'Prefer not to say' },
];

export const PASSWORD_HINT = 'Leave password blank if you do not wish to change.';

export function ProfileSection({ token, profile }: { token: string; profile: Profile }) {
  const save = useSaveProfile(token);
  const changePassword = useChangePassword(token);
  const [form, setForm] = useState({
    namePrefix: profile.namePrefix ?? '',
    firstName: profile.firstName,
    middleName: profile.middleName ?? '',
    lastName: profile.lastName,
    nameSuffix: profile.nameSuffix ?? '',
    dateOfBirth: profile.dateOfBirth ?? '',
    sex: (profile.sex ?? '') as Sex | '',
  });
  const [newPassword, setNewPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [currentPassword, setCurrentPassword] = useState('');
  const [failure, setFailure] = useState<string>();
  const [saved, setSaved] = useState<string>();
  const busy = save.isPending || changePassword.isPending;

  const set = (key: keyof typeof form) => (value: string) => setForm((old) => ({ ...old, [key]: value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setSaved(undefined);
    setFailure(undefined);
    if (!form.firstName.trim() || !form.lastName.trim()) {
      setFailure('Enter your first and last name.');
      return;
    }
    if (newPassword || repeat) {
      if (!meetsPasswordRule(newPassword)) return setFailure(PASSWORD_RULE);
      if (newPassword !== repeat) return setFailure('The two new passwords are not the same.');
      if (!currentPassword) return setFailure('Enter your current password to change it.');
    }
    try {
      await save.mutateAsync({
        firstName: form.firstName,
        middleName: form.middleName || null,
        lastName: form.lastName,
        namePrefix: form.namePrefix || null,
        nameSuffix: form.nameSuffix || null,
        dateOfBirth: form.dateOfBirth || null,
        sex: form.sex || null,
      });
      if (newPassword) {
        await changePassword.mutateAsync({ currentPassword, newPassword });
        setNewPassword('');
        setRepeat('');
        setCurrentPassword('');
        setSaved('Your settings and your new password were saved. Your other sessions were signed out.');
      } else {
        setSaved('Your settings were saved.');
      }
    } catch (thrown) {
      setFailure((thrown as Error).message);
    }
  }

  return (
    <section aria-labelledby="settings-general">
      <h2 id="settings-general">General</h2>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="settings-username">User ID</label>
          <input id="settings-username" value={profile.username} readOnly aria-readonly="true" />
        </div>
        <AccountDates profile={profile} />
        <TextField id="settings-prefix" label="Prefix" value={form.namePrefix} onChange={set('namePrefix')} />
        <TextField
          id="settings-first"
          label="First name"
          value={form.firstName}
          onChange={set('firstName')}
          autoComplete="given-name"
        />
        <TextField
          id="settings-middle"
          label="Middle name"
          value={form.middleName}
          onChange={set('middleName')}
          autoComplete="additional-name"
        />
        <TextField
          id="settings-last"
          label="Last name"
          value={form.lastName}
          onChange={set('lastName')}
          autoComplete="family-name"
        />
        <TextField
          id="settings-suffix"
          label="Degree / suffix"
          value={form.nameSuffix}
          onChange={set('nameSuffix')}
        />
        <div className="field">
          <label htmlFor="settings-dob">Date of birth</label>
          <input
            id="settings-dob"
            type="date"
            value={form.dateOfBirth}
            onChange={(event) => set('dateOfBirth')(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="settings-sex">Sex</label>
          <select id="settings-sex" value={form.sex} onChange={(event) => set('sex')(event.target.value)}>
            {SEX_CHOICES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </div>
        <fieldset>
          <legend>Password</legend>
          <p className="hint" id="password-hint">
            {PASSWORD_HINT}
          </p>
          <PasswordField
            id="settings-new-password"
            label="New password"
            autoComplete="new-password"
            value={newPassword}
            onChange={setNewPassword}
          />
          <PasswordField
            id="settings-repeat-password"
            label="Type the new password again"
            autoComplete="new-password"
            value={repeat}
            onChange={setRepeat}
          />
          <PasswordField
            id="settings-current-password"
            label="Current password"
            value={currentPassword}
            onChange={setCurrentPassword}
          />
        </fieldset>
        <ErrorAlert>{failure}</ErrorAlert>
        {saved && (
          <p className="status" role="status">
            {saved}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" aria-busy={busy}>
            Save
          </button>
        </div>
      </form>
    </section>
  );
}

function TextField({
  id,
  label,
  value,
  onChange,
  autoComplete = 'off',
}: {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  autoComplete?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        value={value}
        autoComplete={autoComplete}
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}

/** Set by the account manager, shown read-only: the resource type and the account's dates. */
function AccountDates({ profile }: { profile: Profile }) {
  const fields = [
    { id: 'settings-resource-type', label: 'Resource type', value: profile.resourceType },
    { id: 'settings-start-date', label: 'Start date', value: profile.startDate },
    { id: 'settings-end-date', label: 'End date', value: profile.endDate },
  ];
  return (
    <>
      {fields.map((field) => (
        <div className="field" key={field.id}>
          <label htmlFor={field.id}>{field.label}</label>
          <input
            id={field.id}
            value={field.value ?? 'None'}
            readOnly
            aria-readonly="true"
            aria-describedby="settings-account-dates-note"
          />
        </div>
      ))}
      <p id="settings-account-dates-note" className="note">
        Your account manager sets these. You can sign in from the start date through the end date.
      </p>
    </>
  );
}
