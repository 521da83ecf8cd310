/**
 * Guided recovery for a locked-out user: choose the user, walk through the practice's identity checklist
 * (every item required), give the reason, then read out the one-time bypass code shown here once, with its
 * expiry counting down and who was notified. The checklist itself is edited below (ChecklistEditor).
 */
import { type FormEvent, useState } from 'react';
import {
  type AdminUser,
  type BypassIssued,
  RECOVERY_REASON_MIN,
  type RecoveryChecklistItem,
} from '../../../shared/api-admin-users';
import { Countdown } from '../components/Countdown';
import { useFocusOnMount } from '../components/focus';
import { ErrorAlert } from '../components/Messages';
import { ChecklistEditor } from './ChecklistEditor';
import { useEndsSession } from './console-session';
import { useIssueBypass, useRecoveryChecklist, useUsers } from './people-hooks';
import { ReasonField } from './ReasonField';
import { ShowMoreUsers } from './ShowMoreUsers';
import { fullName } from './user-words';
import { ENTER_YOUR_PASSWORD, YourPasswordField } from './YourPasswordField';

export function RecoveryPanel({ initialUser }: { initialUser: AdminUser | undefined }) {
  const [user, setUser] = useState(initialUser);
  return (
    <>
      {user ? (
        <RecoveryCheck key={user.id} user={user} onChooseAnother={() => setUser(undefined)} />
      ) : (
        <ChooseUser onChoose={setUser} />
      )}
      <ChecklistEditor />
    </>
  );
}

function ChooseUser({ onChoose }: { onChoose(user: AdminUser): void }) {
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const users = useUsers(search);
  useEndsSession(users.error);
  return (
    <section className="console-section" aria-labelledby="recovery-who">
      <h2 id="recovery-who">Who is locked out?</h2>
      <form
        className="search"
        aria-label="Find a locked-out user"
        onSubmit={(event) => {
          event.preventDefault();
          setSearch(typed);
        }}
      >
        <div className="field">
          <label htmlFor="recovery-search">Find the user</label>
          <input
            id="recovery-search"
            type="search"
            autoCapitalize="none"
            spellCheck={false}
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
          />
        </div>
        <button type="submit">Search</button>
      </form>
      {users.isPending ? (
        <p role="status">Loading users…</p>
      ) : users.isError ? (
        <ErrorAlert>{users.error.message}</ErrorAlert>
      ) : users.data.pages[0]?.users.length === 0 ? (
        <p className="status" role="status">
          No users match.
        </p>
      ) : (
        <>
          <ul className="pick-list">
            {users.data.pages
              .flatMap((page) => page.users)
              .filter((candidate) => candidate.active)
              .map((candidate) => (
                <li key={candidate.id}>
                  <button type="button" onClick={() => onChoose(candidate)}>
                    {fullName(candidate) || candidate.username} ({candidate.username})
                  </button>
                </li>
              ))}
          </ul>
          <ShowMoreUsers list={users} />
        </>
      )}
    </section>
  );
}

function RecoveryCheck({ user, onChooseAnother }: { user: AdminUser; onChooseAnother(): void }) {
  const checklist = useRecoveryChecklist();
  const issue = useIssueBypass(user.id);
  useEndsSession(checklist.error, issue.error);
  const [checked, setChecked] = useState<string[]>([]);
  const [reason, setReason] = useState('');
  const [currentPassword, setCurrentPassword] = useState('');
  const [problem, setProblem] = useState<string>();
  const [issued, setIssued] = useState<BypassIssued>();
  const heading = useFocusOnMount<HTMLHeadingElement>();

  if (issued) return <BypassCode user={user} issued={issued} onDone={onChooseAnother} />;

  const items: RecoveryChecklistItem[] = checklist.data?.items ?? [];
  function submit(event: FormEvent) {
    event.preventDefault();
    if (issue.isPending) return;
    const missing = items.some((item) => !checked.includes(item.id))
      ? 'Confirm every item of the identity check before issuing a code.'
      : reason.trim().length < RECOVERY_REASON_MIN
        ? `Give the reason for this recovery (at least ${RECOVERY_REASON_MIN} characters).`
        : currentPassword
          ? undefined
          : ENTER_YOUR_PASSWORD;
    setProblem(missing);
    if (missing) return;
    setCurrentPassword('');
    issue.mutate(
      {
        checked: items.map((item) => item.id),
        reason: reason.trim(),
        action: 'bypass_code',
        currentPassword,
      },
      { onSuccess: setIssued },
    );
  }
  return (
    <section className="console-section" aria-labelledby="recovery-check">
      <h2 id="recovery-check" ref={heading} tabIndex={-1}>
        Recover {fullName(user) || user.username} ({user.username})
      </h2>
      <button type="button" className="link" onClick={onChooseAnother}>
        Choose another user
      </button>
      {checklist.isPending ? (
        <p role="status">Loading the identity checklist…</p>
      ) : checklist.isError ? (
        <ErrorAlert>{checklist.error.message}</ErrorAlert>
      ) : (
        <form className="stack console-form" onSubmit={submit} noValidate aria-busy={issue.isPending}>
          <fieldset>
            <legend>Identity check: confirm every item</legend>
            {items.map((item) => (
              <label key={item.id} className="choice">
                <input
                  type="checkbox"
                  required
                  checked={checked.includes(item.id)}
                  onChange={(event) =>
                    setChecked((now) =>
                      event.target.checked ? [...now, item.id] : now.filter((id) => id !== item.id),
                    )
                  }
                />
                {item.text}
              </label>
            ))}
          </fieldset>
          <ReasonField
            id="recovery-reason"
            label="Reason for this recovery"
            value={reason}
            onChange={setReason}
          />
          <YourPasswordField
            id="recovery-current-password"
            value={currentPassword}
            onChange={setCurrentPassword}
          />
          <ErrorAlert>{problem ?? issue.error?.message}</ErrorAlert>
          <div className="actions">
            <button type="submit" className="primary">
              Issue one-time bypass code
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

/** The code, once: big, grouped, counting down to its expiry, and who was told. */
function BypassCode({ user, issued, onDone }: { user: AdminUser; issued: BypassIssued; onDone(): void }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const { user: contacts, admins } = issued.notified;
  return (
    <section className="console-section bypass" aria-labelledby="bypass-title">
      <h2 id="bypass-title" ref={heading} tabIndex={-1}>
        One-time bypass code for {user.username}
      </h2>
      <p>
        Read it to {fullName(user) || user.username}. At sign-in they choose “Use a code from your account
        manager” and type it. It works once.
      </p>
      <p className="bypass-code">
        <span className="visually-hidden">Bypass code: </span>
        <output>{issued.bypassCode}</output>
      </p>
      <Countdown
        until={Date.parse(issued.expiresAt)}
        done="This code has expired. Issue a new one if needed."
      >
        {(remaining) => `Valid for ${remaining}.`}
      </Countdown>
      <h3>Who was notified</h3>
      <ul>
        <li>
          {contacts.length
            ? `${user.username}: ${contacts.map((c) => `${c.channel === 'sms' ? 'text message to' : 'email to'} ${c.masked}`).join(', ')}`
            : `${user.username}: no contact on file to notify`}
        </li>
        <li>
          {admins.length
            ? `Other account managers: ${admins.map((admin) => admin.username).join(', ')}`
            : 'No other account manager to notify'}
        </li>
      </ul>
      <div className="actions">
        <button type="button" className="primary" onClick={onDone}>
          Done
        </button>
      </div>
    </section>
  );
}
