/**
 * Revoke every trusted workstation in the practice (a stolen laptop, a breach): a reason and the account
 * manager's own password, then a confirm. "And sign everyone out" also ends every signed-in session, and so
 * the applications signed in through them, but the account manager's own, so they can go on here.
 */
import { type FormEvent, useState } from 'react';
import { ErrorAlert } from '../components/Messages';
import { ConfirmDialog } from './ConfirmDialog';
import { useEndsSession } from './console-session';
import { type RevokedEverywhere, useRevokeAllDevices } from './people-hooks';
import { ReasonField } from './ReasonField';
import { ENTER_YOUR_PASSWORD, YourPasswordField } from './YourPasswordField';

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** What was done, in words: the workstations, and the sessions when everyone was signed out. */
function doneText({ workstations, sessions }: RevokedEverywhere): string {
  const revoked = `Revoked ${plural(workstations, 'workstation', 'workstations')}`;
  if (sessions === undefined) return `${revoked}. Everyone gets a code at their next sign-in.`;
  return `${revoked} and ended ${plural(sessions, 'signed-in session', 'signed-in sessions')}; you are still signed in here. Everyone signs in again, with a code.`;
}

export function PracticeWorkstations() {
  const revoke = useRevokeAllDevices();
  useEndsSession(revoke.error);
  const [reason, setReason] = useState('');
  const [currentPassword, setCurrentPassword] = useState('');
  const [signEveryoneOut, setSignEveryoneOut] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [done, setDone] = useState<string>();

  function ask(event: FormEvent) {
    event.preventDefault();
    setDone(undefined);
    if (reason.trim().length < 3) {
      setProblem('Give a reason for revoking every workstation (at least 3 characters).');
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
    revoke.mutate(
      { reason: reason.trim(), currentPassword, signEveryoneOut },
      {
        onSuccess: (result) => {
          setDone(doneText(result));
          setReason('');
          setSignEveryoneOut(false);
        },
        onSettled: () => setConfirming(false),
      },
    );
  }
  return (
    <section className="console-section" aria-labelledby="practice-workstations">
      <h2 id="practice-workstations">Every trusted workstation</h2>
      <form className="stack" onSubmit={ask} noValidate>
        <p className="note">
          Every remembered workstation in the practice is forgotten: everyone gets a code at their next
          sign-in.
        </p>
        <ReasonField
          id="revoke-all-reason"
          label="Reason for revoking every workstation"
          value={reason}
          onChange={setReason}
        />
        <label className="choice">
          <input
            type="checkbox"
            aria-describedby="revoke-all-sign-out-note"
            checked={signEveryoneOut}
            onChange={(event) => setSignEveryoneOut(event.target.checked)}
          />
          and sign everyone out
        </label>
        <p className="note" id="revoke-all-sign-out-note">
          Ends every signed-in session in the practice, and the applications signed in with WRSAuth, but
          yours.
        </p>
        <YourPasswordField
          id="revoke-all-current-password"
          value={currentPassword}
          onChange={setCurrentPassword}
        />
        <ErrorAlert>{problem ?? revoke.error?.message}</ErrorAlert>
        {done && (
          <p className="status" role="status">
            {done}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="danger">
            Revoke every workstation…
          </button>
        </div>
      </form>
      {confirming && (
        <ConfirmDialog
          title={
            signEveryoneOut
              ? 'Revoke every trusted workstation and sign everyone out?'
              : 'Revoke every trusted workstation?'
          }
          confirmLabel={signEveryoneOut ? 'Revoke and sign everyone out' : 'Revoke every workstation'}
          busy={revoke.isPending}
          onConfirm={confirm}
          onCancel={() => setConfirming(false)}
        >
          <p>Every user in the practice will need a code at their next sign-in. This cannot be undone.</p>
          {signEveryoneOut && (
            <p>
              Everyone signed in now, at every workstation and in every application, is signed out at once.
              You stay signed in here.
            </p>
          )}
        </ConfirmDialog>
      )}
    </section>
  );
}
