/**
 * Applications: the relying parties that sign their users in with "Login with WRSAuth". The list (name,
 * type, redirect URIs, back-channel logout URI, status, created), registering a new one with its secret
 * shown once, and for each one disabling it or rotating its secret, both confirmed and password-checked.
 */
import { type SyntheticEvent, useEffect, useRef, useState } from 'react';
import type { Application, ApplicationCredentials } from '../../../shared/api-admin-applications';
import { useFocusOnMount } from '../components/focus';
import { ErrorAlert } from '../components/Messages';
import { useApplications, useDisableApplication, useRotateApplicationSecret } from './application-hooks';
import { ConfirmDialog } from './ConfirmDialog';
import { useEndsSession } from './console-session';
import { RegisterApplication } from './RegisterApplication';
import { SecretShownOnce } from './SecretShownOnce';
import { localTime } from './words';
import { ENTER_YOUR_PASSWORD, YourPasswordField } from './YourPasswordField';

const TYPE_WORDS: Record<Application['type'], string> = {
  confidential: 'Confidential',
  public: 'Public (no secret)',
};

export function ApplicationsPanel() {
  const applications = useApplications();
  useEndsSession(applications.error);
  const [managing, setManaging] = useState<string>();
  const [issued, setIssued] = useState<{ name: string; credentials: ApplicationCredentials }>();
  // The "Manage" button that opened the actions, so closing them gives the keyboard its place back.
  const opener = useRef<HTMLElement | null>(null);
  const list = applications.data?.applications ?? [];
  const managed = list.find((application) => application.clientId === managing);

  function manage(clientId: string) {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setManaging(clientId);
  }
  function closeActions() {
    setManaging(undefined);
    opener.current?.focus();
  }

  return (
    <>
      {applications.isPending ? (
        <p role="status">Loading applications…</p>
      ) : applications.isError ? (
        <ErrorAlert>{applications.error.message}</ErrorAlert>
      ) : list.length === 0 ? (
        <p className="status" role="status">
          No applications yet. Register the practice application below so its users can “Login with WRSAuth”.
        </p>
      ) : (
        <ApplicationTable applications={list} onManage={manage} />
      )}
      {managed && <ApplicationActions key={managed.clientId} application={managed} onClose={closeActions} />}
      {issued ? (
        <SecretShownOnce
          title={`${issued.name} is registered`}
          credentials={issued.credentials}
          onDone={() => setIssued(undefined)}
        />
      ) : (
        <RegisterApplication onRegistered={(name, credentials) => setIssued({ name, credentials })} />
      )}
    </>
  );
}

function ApplicationTable({
  applications,
  onManage,
}: {
  applications: Application[];
  onManage(clientId: string): void;
}) {
  return (
    <table className="console-table">
      <caption>Applications ({applications.length})</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Type</th>
          <th scope="col">Redirect URIs</th>
          <th scope="col">Back-channel logout URI</th>
          <th scope="col">Status</th>
          <th scope="col">Created</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {applications.map((application) => (
          <tr key={application.clientId}>
            <th scope="row">{application.name}</th>
            <td>{TYPE_WORDS[application.type]}</td>
            <td>
              <ul className="uri-list">
                {application.redirectUris.map((uri) => (
                  <li key={uri}>
                    <code>{uri}</code>
                  </li>
                ))}
              </ul>
            </td>
            <td>
              {application.backchannelLogoutUri ? <code>{application.backchannelLogoutUri}</code> : 'None'}
            </td>
            <td>{application.disabledAt ? 'Disabled' : 'Active'}</td>
            <td>{localTime(application.createdAt)}</td>
            <td>
              <button
                type="button"
                aria-label={`Manage ${application.name}`}
                onClick={() => onManage(application.clientId)}
              >
                Manage
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type Action = 'disable' | 'rotate';

/** Disable and Rotate secret for one application: the password first, then "Are you sure?". */
function ApplicationActions({ application, onClose }: { application: Application; onClose(): void }) {
  const disable = useDisableApplication();
  const rotate = useRotateApplicationSecret();
  useEndsSession(disable.error, rotate.error);
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [currentPassword, setCurrentPassword] = useState('');
  const [problem, setProblem] = useState<string>();
  const [confirming, setConfirming] = useState<Action>();
  const [done, setDone] = useState<string>();
  const [rotated, setRotated] = useState<ApplicationCredentials>();
  const failure = disable.error ?? rotate.error;
  const active = application.disabledAt === null;
  const confidential = application.type === 'confidential';
  // Once disabled, its Disable button is gone: the keyboard goes back to the section's heading.
  useEffect(() => {
    if (!active) heading.current?.focus();
  }, [active, heading]);

  if (rotated) {
    return (
      <SecretShownOnce
        title={`New secret for ${application.name}`}
        credentials={rotated}
        onDone={() => {
          setRotated(undefined);
          onClose();
        }}
      />
    );
  }

  function ask(action: Action) {
    return (event: SyntheticEvent) => {
      event.preventDefault();
      setDone(undefined);
      disable.reset();
      rotate.reset();
      setProblem(currentPassword ? undefined : ENTER_YOUR_PASSWORD);
      if (currentPassword) setConfirming(action);
    };
  }
  function confirm() {
    const variables = { clientId: application.clientId, currentPassword };
    setCurrentPassword('');
    if (confirming === 'disable') {
      disable.mutate(variables, {
        onSuccess: () =>
          setDone(`${application.name} is disabled: its sign-in requests are refused from now on.`),
        onSettled: () => setConfirming(undefined),
      });
    } else {
      rotate.mutate(variables, { onSuccess: setRotated, onSettled: () => setConfirming(undefined) });
    }
  }

  return (
    <section className="console-section" aria-labelledby="application-actions">
      <h2 id="application-actions" ref={heading} tabIndex={-1}>
        Manage {application.name}
      </h2>
      <p className="note">
        Client ID <code>{application.clientId}</code>
        {application.postLogoutRedirectUris.length > 0 &&
          `; post-logout redirect URI ${application.postLogoutRedirectUris.join(', ')}`}
      </p>
      {done && (
        <p className="status" role="status">
          {done}
        </p>
      )}
      {active || confidential ? (
        <form className="stack console-form" onSubmit={ask(confidential ? 'rotate' : 'disable')} noValidate>
          <YourPasswordField
            id="application-current-password"
            value={currentPassword}
            onChange={setCurrentPassword}
          />
          <ErrorAlert>{problem ?? failure?.message}</ErrorAlert>
          <div className="actions">
            {confidential && (
              <button type="button" onClick={ask('rotate')}>
                Rotate secret…
              </button>
            )}
            {active && (
              <button type="button" className="danger" onClick={ask('disable')}>
                Disable…
              </button>
            )}
          </div>
        </form>
      ) : (
        <p>This application is disabled and has no secret: there is nothing more to change.</p>
      )}
      <div className="actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {confirming && (
        <ConfirmDialog
          title={
            confirming === 'disable'
              ? `Disable ${application.name}?`
              : `Rotate the secret of ${application.name}?`
          }
          confirmLabel={confirming === 'disable' ? 'Disable' : 'Rotate secret'}
          busy={disable.isPending || rotate.isPending}
          onConfirm={confirm}
          onCancel={() => setConfirming(undefined)}
        >
          <p>
            {confirming === 'disable'
              ? 'Its users can no longer sign in to it with WRSAuth. This cannot be undone: register it again to bring it back.'
              : 'The current secret stops working at once. The new one is shown once: put it in the application’s settings straight away.'}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
