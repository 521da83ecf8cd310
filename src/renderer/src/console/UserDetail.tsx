/** One user: what is on file, edits, unlock, reset 2FA, contacts on their behalf and their workstations. */
import { type FormEvent, useState } from 'react';
import type { AdminUser } from '../../../shared/api-admin-users';
import { useFocusOnMount } from '../components/focus';
import { ErrorAlert } from '../components/Messages';
import { meetsPasswordRule } from '../components/password-rule';
import { ConfirmDialog } from './ConfirmDialog';
import { ContactOnBehalf } from './ContactOnBehalf';
import { useEndsSession } from './console-session';
import { useResetTwoFactor, useSetTemporaryPassword, useUnlockUser } from './people-hooks';
import { ReasonField } from './ReasonField';
import { UserDevices } from './UserDevices';
import { EditUserForm, TemporaryPasswordField } from './UserForms';
import { factorsOf, fullName, userStatus } from './user-words';
import { calendarDate, localTime } from './words';
import { ENTER_YOUR_PASSWORD, YourPasswordField } from './YourPasswordField';

interface UserDetailProps {
  user: AdminUser;
  onBack(): void;
  onRecover(): void;
}

export function UserDetail({ user, onBack, onRecover }: UserDetailProps) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const locked = userStatus(user) === 'Locked';
  return (
    <div className="user-detail">
      <button type="button" className="link" onClick={onBack}>
        Back to users
      </button>
      <h2 ref={heading} tabIndex={-1}>
        {fullName(user) || user.username} ({user.username})
      </h2>
      <dl className="who">
        <dt>Status</dt>
        <dd>
          {userStatus(user)}
          {locked && user.lockedUntil ? ` until ${localTime(user.lockedUntil)}` : ''}
        </dd>
        <dt>Second factors</dt>
        <dd>{factorsOf(user)}</dd>
        <dt>Cell phone</dt>
        <dd>{user.contacts.phone ?? 'None'}</dd>
        <dt>Email</dt>
        <dd>{user.contacts.email ?? 'None'}</dd>
        <dt>Bypass code</dt>
        <dd>{user.bypassCodeActive ? 'A one-time code is live' : 'None'}</dd>
        <dt>Resource type</dt>
        <dd>{user.resourceType ?? 'None'}</dd>
        <dt>Start date</dt>
        <dd>{user.startDate ? calendarDate(user.startDate) : 'None'}</dd>
        <dt>End date</dt>
        <dd>{user.endDate ? `${calendarDate(user.endDate)} (the last day they may sign in)` : 'None'}</dd>
        <dt>Password</dt>
        <dd>
          {user.temporaryPasswordUntil
            ? `Temporary, until ${localTime(user.temporaryPasswordUntil)}: they choose their own at sign-in`
            : 'Their own'}
        </dd>
      </dl>
      <div className="actions">
        {locked && <UnlockButton user={user} />}
        <button type="button" onClick={onRecover}>
          Guided recovery…
        </button>
      </div>
      <section className="console-section" aria-labelledby="edit-user">
        <h3 id="edit-user">Details</h3>
        <EditUserForm key={user.id} user={user} />
      </section>
      <ContactOnBehalf user={user} />
      <ResetTwoFactor user={user} />
      <TemporaryPassword user={user} />
      <UserDevices user={user} />
    </div>
  );
}

function UnlockButton({ user }: { user: AdminUser }) {
  const unlock = useUnlockUser(user.id);
  useEndsSession(unlock.error);
  return (
    <>
      <button type="button" onClick={() => unlock.mutate()} aria-busy={unlock.isPending}>
        Unlock
      </button>
      <ErrorAlert>{unlock.error?.message}</ErrorAlert>
    </>
  );
}

/** Reset 2FA: locks cleared, trusted workstations revoked, the authenticator app removed, the user told. */
function ResetTwoFactor({ user }: { user: AdminUser }) {
  const reset = useResetTwoFactor(user.id);
  useEndsSession(reset.error);
  const [reason, setReason] = useState('');
  const [currentPassword, setCurrentPassword] = useState('');
  const [problem, setProblem] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<string>();

  function ask(event: FormEvent) {
    event.preventDefault();
    setDone(undefined);
    if (reason.trim().length < 3) {
      setProblem('Give a reason for resetting 2FA (at least 3 characters).');
      return;
    }
    if (!currentPassword) {
      setProblem(ENTER_YOUR_PASSWORD);
      return;
    }
    setProblem(undefined);
    setConfirming(true);
  }
  function confirm() {
    setCurrentPassword('');
    reset.mutate(
      { reason: reason.trim(), currentPassword },
      {
        onSuccess: ({ revokedDevices, removedAuthenticator }) => {
          setDone(
            `2FA reset for ${user.username}: ${revokedDevices} ${revokedDevices === 1 ? 'workstation' : 'workstations'} revoked` +
              `${removedAuthenticator ? ', authenticator app removed' : ''}, signed out everywhere, recovery codes voided.` +
              ' Their contacts were told.',
          );
          setReason('');
        },
        onSettled: () => setConfirming(false),
      },
    );
  }
  return (
    <section className="console-section" aria-labelledby="reset-2fa">
      <h3 id="reset-2fa">Reset 2FA</h3>
      <form className="stack console-form" onSubmit={ask} noValidate>
        <p className="note">
          Clears locks, signs them out everywhere, revokes trusted workstations, removes the authenticator app
          and voids their recovery codes.
        </p>
        <ReasonField
          id="reset-2fa-reason"
          label="Reason for resetting 2FA"
          value={reason}
          onChange={setReason}
        />
        <YourPasswordField
          id="reset-2fa-current-password"
          value={currentPassword}
          onChange={setCurrentPassword}
        />
        <ErrorAlert>{problem ?? reset.error?.message}</ErrorAlert>
        {done && (
          <p className="status" role="status">
            {done}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="danger">
            Reset 2FA…
          </button>
        </div>
      </form>
      {confirming && (
        <ConfirmDialog
          title={`Reset 2FA for ${user.username}?`}
          confirmLabel="Reset 2FA"
          busy={reset.isPending}
          onConfirm={confirm}
          onCancel={() => setConfirming(false)}
        >
          <p>
            Their sessions end, their trusted workstations, authenticator app and recovery codes are removed,
            and a notice goes to their contacts.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/**
 * A new temporary password for a user who cannot sign in (they forgot theirs, or their first one expired):
 * good for a week and only to choose their own; their sessions and workstations end, and they are told.
 */
function TemporaryPassword({ user }: { user: AdminUser }) {
  const set = useSetTemporaryPassword(user.id);
  useEndsSession(set.error);
  const [password, setPassword] = useState('');
  const [reason, setReason] = useState('');
  const [currentPassword, setCurrentPassword] = useState('');
  const [problem, setProblem] = useState<string>();
  const [done, setDone] = useState<string>();

  function submit(event: FormEvent) {
    event.preventDefault();
    if (set.isPending) return;
    setDone(undefined);
    const missing = !meetsPasswordRule(password)
      ? 'The temporary password needs 8 or more characters with both letters and digits.'
      : reason.trim().length < 3
        ? 'Give a reason for the new password (at least 3 characters).'
        : currentPassword
          ? undefined
          : ENTER_YOUR_PASSWORD;
    setProblem(missing);
    if (missing) return;
    setCurrentPassword('');
    set.mutate(
      { password, reason: reason.trim(), currentPassword },
      {
        onSuccess: () => {
          setDone(
            `${user.username} has a new temporary password. Give it to them in person; their sessions and workstations were signed out, their recovery codes voided, and their contacts were told.`,
          );
          setPassword('');
          setReason('');
        },
      },
    );
  }
  return (
    <section className="console-section" aria-labelledby="temporary-password">
      <h3 id="temporary-password">Temporary password</h3>
      <form className="stack console-form" onSubmit={submit} noValidate aria-busy={set.isPending}>
        <p className="note">
          For a user who cannot sign in: their sessions and workstations end, and they are told.
        </p>
        <TemporaryPasswordField
          id="temporary-password-value"
          label="New temporary password"
          value={password}
          onChange={setPassword}
        />
        <ReasonField
          id="temporary-password-reason"
          label="Reason for the new password"
          value={reason}
          onChange={setReason}
        />
        <YourPasswordField
          id="temporary-password-current-password"
          value={currentPassword}
          onChange={setCurrentPassword}
        />
        <ErrorAlert>{problem ?? set.error?.message}</ErrorAlert>
        {done && (
          <p className="status" role="status">
            {done}
          </p>
        )}
        <div className="actions">
          <button type="submit">Set temporary password</button>
        </div>
      </form>
    </section>
  );
}
