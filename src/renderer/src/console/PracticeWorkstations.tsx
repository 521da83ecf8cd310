/**
 * Revoke every trusted workstation in the practice (a stolen laptop, a breach): a reason and the account
 * manager's own password, then a confirm.
 */
import { type FormEvent, useState } from 'react';
import { ErrorAlert } from '../components/Messages';
import { ConfirmDialog } from './ConfirmDialog';
import { useEndsSession } from './console-session';
import { useRevokeAllDevices } from './people-hooks';
import { ReasonField } from './ReasonField';
import { ENTER_YOUR_PASSWORD, YourPasswordField } from './YourPasswordField';

export function PracticeWorkstations() {
  const revoke = useRevokeAllDevices();
  useEndsSession(revoke.error);
  const [reason, setReason] = useState('');
  const [currentPassword, setCurrentPassword] = useState('');
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
      { reason: reason.trim(), currentPassword },
      {
        onSuccess: ({ revoked }) => {
          setDone(
            `Revoked ${revoked} ${revoked === 1 ? 'workstation' : 'workstations'}. Everyone gets a code at their next sign-in.`,
          );
          setReason('');
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
          title="Revoke every trusted workstation?"
          confirmLabel="Revoke every workstation"
          busy={revoke.isPending}
          onConfirm={confirm}
          onCancel={() => setConfirming(false)}
        >
          <p>Every user in the practice will need a code at their next sign-in. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
