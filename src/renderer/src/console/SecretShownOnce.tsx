/**
 * An application's client id and, for a confidential client, its secret, right after registering or
 * rotating: the one time the secret is shown. The server keeps it sealed and never answers it again, so the
 * panel says so plainly and offers to copy it. Focus starts on its heading, so a screen reader reads it first.
 */
import { useState } from 'react';
import type { ApplicationCredentials } from '../../../shared/api-admin-applications';
import { useFocusOnMount } from '../components/focus';

interface SecretShownOnceProps {
  title: string;
  credentials: ApplicationCredentials;
  onDone(): void;
}

export function SecretShownOnce({ title, credentials, onDone }: SecretShownOnceProps) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [copied, setCopied] = useState<string>();
  const { clientId, clientSecret } = credentials;

  async function copy(what: string, text: string) {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(`The ${what} was copied.`);
    } catch {
      setCopied('Copying is not available here: select the text and copy it, or write it down.');
    }
  }

  return (
    <section className="console-section" aria-labelledby="application-credentials">
      <h2 id="application-credentials" ref={heading} tabIndex={-1}>
        {title}
      </h2>
      {clientSecret !== undefined && (
        <p className="banner" role="alert">
          Copy it now: the client secret is shown only this once and will not be shown again. Store it in the
          application's settings. If it is lost, rotate the secret to get a new one.
        </p>
      )}
      <dl className="who credentials">
        <dt>Client ID</dt>
        <dd>
          <code>{clientId}</code>{' '}
          <button type="button" onClick={() => copy('client ID', clientId)}>
            Copy client ID
          </button>
        </dd>
        {clientSecret !== undefined ? (
          <>
            <dt>Client secret</dt>
            <dd>
              <code>{clientSecret}</code>{' '}
              <button type="button" onClick={() => copy('client secret', clientSecret)}>
                Copy client secret
              </button>
            </dd>
          </>
        ) : (
          <>
            <dt>Client secret</dt>
            <dd>None: a public client signs in with PKCE and keeps no secret.</dd>
          </>
        )}
      </dl>
      {copied && <p role="status">{copied}</p>}
      <div className="actions">
        <button type="button" className="primary" onClick={onDone}>
          {clientSecret !== undefined ? 'I have stored the secret' : 'Done'}
        </button>
      </div>
    </section>
  );
}
