/** A new user, and the changes to an existing one: names, role, locations, resource setup, active. */
import { type FormEvent, useState } from 'react';
import type { AdminUser, AdminUserUpdate } from '../../../shared/api-admin-users';
import { useFocusOnMount } from '../components/focus';
import { ErrorAlert } from '../components/Messages';
import { meetsPasswordRule } from '../components/password-rule';
import {
  AccountFields,
  type AccountProblem,
  accountPayload,
  accountProblem,
  accountValuesOf,
} from './AccountFields';
import { useEndsSession } from './console-session';
import { useCreateUser, useLocations, useUpdateUser } from './people-hooks';

type Role = AdminUser['role'];

/** Moves focus to the date field a problem is about, so a keyboard or screen-reader user lands on it. */
function focusField(prefix: string, problem: AccountProblem): void {
  const id = `${prefix}-${problem.field === 'startDate' ? 'start-date' : 'end-date'}`;
  document.getElementById(id)?.focus();
}

/** The seed's rule, checked here too so the account manager hears it before the server answers. */
function passwordProblem(password: string): string | undefined {
  if (!meetsPasswordRule(password)) {
    return 'The temporary password needs 8 or more characters with both letters and digits.';
  }
  return undefined;
}

/** A temporary password an account manager types for a user, with what the user can do with it. */
export function TemporaryPasswordField({
  id,
  label,
  value,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="password"
        autoComplete="new-password"
        aria-describedby={`${id}-rule`}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
      <p id={`${id}-rule`} className="note">
        8 or more characters with letters and digits. Give it to the user in person: it works for a week, and
        only to choose their own password at their first sign-in.
      </p>
    </div>
  );
}

function LocationChoices({ chosen, onChange }: { chosen: string[]; onChange(ids: string[]): void }) {
  const locations = useLocations();
  useEndsSession(locations.error);
  if (locations.isPending) return <p role="status">Loading locations…</p>;
  if (locations.isError) return <ErrorAlert>{locations.error.message}</ErrorAlert>;
  return (
    <fieldset>
      <legend>Locations</legend>
      {locations.data.locations.length === 0 && (
        <p className="note">No locations yet: add one under Locations.</p>
      )}
      {locations.data.locations.map((location) => (
        <label key={location.id} className="choice">
          <input
            type="checkbox"
            checked={chosen.includes(location.id)}
            onChange={(event) =>
              onChange(
                event.target.checked ? [...chosen, location.id] : chosen.filter((id) => id !== location.id),
              )
            }
          />
          {location.name}
        </label>
      ))}
    </fieldset>
  );
}

function NameFields({
  prefix,
  firstName,
  lastName,
  onFirst,
  onLast,
}: {
  prefix: string;
  firstName: string;
  lastName: string;
  onFirst(value: string): void;
  onLast(value: string): void;
}) {
  return (
    <>
      <div className="field">
        <label htmlFor={`${prefix}-first`}>First name</label>
        <input id={`${prefix}-first`} value={firstName} onChange={(event) => onFirst(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${prefix}-last`}>Last name</label>
        <input id={`${prefix}-last`} value={lastName} onChange={(event) => onLast(event.target.value)} />
      </div>
    </>
  );
}

function RoleField({ id, role, onChange }: { id: string; role: Role; onChange(role: Role): void }) {
  return (
    <div className="field">
      <label htmlFor={id}>Role</label>
      <select
        id={id}
        value={role}
        onChange={(event) => onChange(event.target.value === 'admin' ? 'admin' : 'staff')}
      >
        <option value="staff">Staff</option>
        <option value="admin">Account manager</option>
      </select>
    </div>
  );
}

export function CreateUserForm({
  onCreated,
  onCancel,
}: {
  onCreated(user: AdminUser): void;
  onCancel(): void;
}) {
  const create = useCreateUser();
  useEndsSession(create.error);
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [role, setRole] = useState<Role>('staff');
  const [locationIds, setLocationIds] = useState<string[]>([]);
  const [account, setAccount] = useState(accountValuesOf());
  const [problem, setProblem] = useState<string>();
  const [datesProblem, setDatesProblem] = useState<AccountProblem>();

  function submit(event: FormEvent) {
    event.preventDefault();
    if (create.isPending) return;
    const dates = accountProblem(account);
    setDatesProblem(dates);
    if (dates) {
      setProblem(undefined);
      focusField('new-user', dates);
      return;
    }
    const missing = !username.trim()
      ? 'Enter a User ID.'
      : (passwordProblem(password) ??
        (locationIds.length === 0 ? 'Choose at least one location.' : undefined));
    setProblem(missing);
    if (missing) return;
    const { resourceType, startDate, endDate } = accountPayload(account);
    create.mutate(
      {
        username: username.trim(),
        password,
        firstName: firstName.trim(),
        lastName: lastName.trim(),
        role,
        locationIds,
        // Only what was filled in, so a server older than these fields takes the rest as before.
        ...(resourceType !== null && { resourceType }),
        ...(startDate !== null && { startDate }),
        ...(endDate !== null && { endDate }),
      },
      { onSuccess: onCreated },
    );
  }
  return (
    <form className="stack console-form" onSubmit={submit} noValidate aria-busy={create.isPending}>
      <h2 ref={heading} tabIndex={-1}>
        New user
      </h2>
      <div className="field">
        <label htmlFor="new-user-id">User ID</label>
        <input
          id="new-user-id"
          autoCapitalize="none"
          autoComplete="off"
          spellCheck={false}
          value={username}
          onChange={(event) => setUsername(event.target.value)}
        />
      </div>
      <TemporaryPasswordField
        id="new-user-password"
        label="Temporary password"
        value={password}
        onChange={setPassword}
      />
      <NameFields
        prefix="new-user"
        firstName={firstName}
        lastName={lastName}
        onFirst={setFirstName}
        onLast={setLastName}
      />
      <RoleField id="new-user-role" role={role} onChange={setRole} />
      <LocationChoices chosen={locationIds} onChange={setLocationIds} />
      <AccountFields prefix="new-user" values={account} problem={datesProblem} onChange={setAccount} />
      <ErrorAlert>{problem ?? create.error?.message}</ErrorAlert>
      <div className="actions">
        <button type="submit" className="primary">
          Create user
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function EditUserForm({ user }: { user: AdminUser }) {
  const update = useUpdateUser(user.id);
  useEndsSession(update.error);
  const [firstName, setFirstName] = useState(user.firstName);
  const [lastName, setLastName] = useState(user.lastName);
  const [role, setRole] = useState<Role>(user.role);
  const [active, setActive] = useState(user.active);
  const [locationIds, setLocationIds] = useState(user.locations.map((location) => location.id));
  const [account, setAccount] = useState(accountValuesOf(user));
  const [problem, setProblem] = useState<string>();
  const [datesProblem, setDatesProblem] = useState<AccountProblem>();
  const [saved, setSaved] = useState(false);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (update.isPending) return;
    setSaved(false);
    const dates = accountProblem(account);
    setDatesProblem(dates);
    if (dates) {
      setProblem(undefined);
      focusField('edit-user', dates);
      return;
    }
    if (locationIds.length === 0) {
      setProblem('Choose at least one location.');
      return;
    }
    setProblem(undefined);
    const same = (a: string[], b: string[]) => a.length === b.length && a.every((id) => b.includes(id));
    const next = accountPayload(account);
    const change: AdminUserUpdate = {
      ...(next.resourceType !== user.resourceType ? { resourceType: next.resourceType } : {}),
      ...(next.startDate !== user.startDate ? { startDate: next.startDate } : {}),
      ...(next.endDate !== user.endDate ? { endDate: next.endDate } : {}),
      ...(firstName.trim() !== user.firstName ? { firstName: firstName.trim() } : {}),
      ...(lastName.trim() !== user.lastName ? { lastName: lastName.trim() } : {}),
      ...(role !== user.role ? { role } : {}),
      ...(active !== user.active ? { active } : {}),
      ...(same(
        locationIds,
        user.locations.map((location) => location.id),
      )
        ? {}
        : { locationIds }),
    };
    if (Object.keys(change).length === 0) {
      setProblem('Nothing has changed.');
      return;
    }
    update.mutate(change, { onSuccess: () => setSaved(true) });
  }
  return (
    <form className="stack console-form" onSubmit={submit} noValidate aria-busy={update.isPending}>
      <NameFields
        prefix="edit-user"
        firstName={firstName}
        lastName={lastName}
        onFirst={setFirstName}
        onLast={setLastName}
      />
      <RoleField id="edit-user-role" role={role} onChange={setRole} />
      <LocationChoices chosen={locationIds} onChange={setLocationIds} />
      <AccountFields prefix="edit-user" values={account} problem={datesProblem} onChange={setAccount} />
      <label className="choice">
        <input type="checkbox" checked={active} onChange={(event) => setActive(event.target.checked)} />
        Active (untick to deactivate: their sessions, workstations and recovery codes end and they cannot sign
        in)
      </label>
      <ErrorAlert>{problem ?? update.error?.message}</ErrorAlert>
      {saved && (
        <p className="status" role="status">
          Changes saved.
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary">
          Save changes
        </button>
      </div>
    </form>
  );
}
