/**
 * "Register an application": its name, one or more redirect URIs, a post-logout redirect URI and a
 * back-channel logout URI, confidential or public, and the account manager's password. The server checks
 * each URI (https, or http on this machine for development; no #fragment) and names the field it refuses.
 */
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { ApplicationCredentials } from '../../../shared/api-admin-applications';
import { ErrorAlert } from '../components/Messages';
import { useRegisterApplication } from './application-hooks';
import { useEndsSession } from './console-session';
import { ENTER_YOUR_PASSWORD, YourPasswordField } from './YourPasswordField';

interface RegisterApplicationProps {
  onRegistered(name: string, credentials: ApplicationCredentials): void;
}

/** Each redirect URI field keeps its own key, so removing one does not hand another's text to its input. */
interface RedirectField {
  key: number;
  value: string;
}

export function RegisterApplication({ onRegistered }: RegisterApplicationProps) {
  const register = useRegisterApplication();
  useEndsSession(register.error);
  const id = useId();
  const nextKey = useRef(1);
  const [name, setName] = useState('');
  const [redirects, setRedirects] = useState<RedirectField[]>([{ key: 0, value: '' }]);
  const [postLogout, setPostLogout] = useState('');
  const [backchannel, setBackchannel] = useState('');
  const [isPublic, setIsPublic] = useState(false);
  const [currentPassword, setCurrentPassword] = useState('');
  const [problem, setProblem] = useState<string>();
  // Where the keyboard goes after adding or removing a redirect URI field: the new field, or "Add another".
  // In an effect, once React has put the fields in the page.
  const focusNext = useRef<string>(undefined);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the fields change: that is when focus moves
  useEffect(() => {
    if (!focusNext.current) return;
    document.getElementById(focusNext.current)?.focus();
    focusNext.current = undefined;
  }, [redirects]);

  const redirectUris = redirects.map((field) => field.value.trim()).filter(Boolean);

  function addRedirect() {
    const key = nextKey.current++;
    focusNext.current = `${id}-redirect-${key}`;
    setRedirects((now) => [...now, { key, value: '' }]);
  }

  function removeRedirect(key: number) {
    focusNext.current = `${id}-add-redirect`;
    setRedirects((now) => now.filter((field) => field.key !== key));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (register.isPending) return;
    const missing = !name.trim()
      ? 'Enter the application’s name.'
      : redirectUris.length === 0
        ? 'Enter at least one redirect URI: where WRSAuth sends the user back after sign-in.'
        : currentPassword
          ? undefined
          : ENTER_YOUR_PASSWORD;
    setProblem(missing);
    if (missing) return;
    setCurrentPassword('');
    const applicationName = name.trim();
    register.mutate(
      {
        name: applicationName,
        redirectUris,
        ...(postLogout.trim() && { postLogoutRedirectUris: [postLogout.trim()] }),
        ...(backchannel.trim() && { backchannelLogoutUri: backchannel.trim() }),
        public: isPublic,
        currentPassword,
      },
      { onSuccess: (credentials) => onRegistered(applicationName, credentials) },
    );
  }

  return (
    <form
      className="stack console-form console-section"
      onSubmit={submit}
      noValidate
      aria-busy={register.isPending}
      aria-labelledby={`${id}-title`}
    >
      <h2 id={`${id}-title`}>Register an application</h2>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} value={name} onChange={(event) => setName(event.target.value)} />
      </div>
      <fieldset aria-describedby={`${id}-redirect-note`}>
        <legend>Redirect URIs</legend>
        <p className="note" id={`${id}-redirect-note`}>
          Where WRSAuth sends the user back after sign-in, exactly as the application sends it: https, or http
          on this machine (127.0.0.1, [::1], localhost) for development.
        </p>
        {redirects.map((field, index) => (
          <div className="field" key={field.key}>
            <label htmlFor={`${id}-redirect-${field.key}`}>Redirect URI {index + 1}</label>
            <input
              id={`${id}-redirect-${field.key}`}
              type="url"
              spellCheck={false}
              autoCapitalize="none"
              value={field.value}
              onChange={(event) =>
                setRedirects((now) =>
                  now.map((each) => (each.key === field.key ? { ...each, value: event.target.value } : each)),
                )
              }
            />
            {redirects.length > 1 && (
              <button type="button" className="link" onClick={() => removeRedirect(field.key)}>
                Remove redirect URI {index + 1}
              </button>
            )}
          </div>
        ))}
        <button type="button" id={`${id}-add-redirect`} onClick={addRedirect}>
          Add another redirect URI
        </button>
      </fieldset>
      <UriField
        id={`${id}-post-logout`}
        label="Post-logout redirect URI (optional)"
        note="Where the application may send the user after signing out of WRSAuth."
        value={postLogout}
        onChange={setPostLogout}
      />
      <UriField
        id={`${id}-backchannel`}
        label="Back-channel logout URI (optional)"
        note="WRSAuth tells the application here when a user's sign-in ends, so it signs them out too."
        value={backchannel}
        onChange={setBackchannel}
      />
      <label className="choice">
        <input type="checkbox" checked={isPublic} onChange={(event) => setIsPublic(event.target.checked)} />
        Public client (no secret): a browser or desktop application that cannot keep one
      </label>
      <YourPasswordField
        id={`${id}-current-password`}
        value={currentPassword}
        onChange={setCurrentPassword}
      />
      <ErrorAlert>{problem ?? register.error?.message}</ErrorAlert>
      <div className="actions">
        <button type="submit" className="primary">
          Register application
        </button>
      </div>
    </form>
  );
}

interface UriFieldProps {
  id: string;
  label: string;
  note: string;
  value: string;
  onChange(value: string): void;
}

function UriField({ id, label, note, value, onChange }: UriFieldProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="url"
        spellCheck={false}
        autoCapitalize="none"
        aria-describedby={`${id}-note`}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
      <p className="note" id={`${id}-note`}>
        {note}
      </p>
    </div>
  );
}
