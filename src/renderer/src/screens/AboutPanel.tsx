import type { ManagedSettingKey, ManagedSettings } from '../../../shared/managed-settings';
import type { ClientServerInfo } from '../bridge/client-bridge';
import { useManagedSettings } from '../managed/managed-settings';

const LABELS: Record<ManagedSettingKey, string> = {
  serverUrl: 'Sign-in server',
  updates: 'Updates',
  updateUrl: 'Update server',
  allowRememberWorkstation: 'Remember this workstation',
  idleLockMinutes: 'Idle lock',
  supportContact: 'Support contact',
};

function shown(key: ManagedSettingKey, values: ManagedSettings): string {
  const value = values[key];
  if (key === 'allowRememberWorkstation') return value ? 'allowed' : 'not allowed';
  if (key === 'idleLockMinutes') return `${value} ${value === 1 ? 'minute' : 'minutes'} at most`;
  return String(value);
}

/** "About": the server in use, and which settings IT manages on this computer and from where. */
export function AboutPanel({ server, sourceWords }: { server: ClientServerInfo; sourceWords: string }) {
  const managed = useManagedSettings();
  const keys = (Object.keys(LABELS) as ManagedSettingKey[]).filter(
    (key) => managed.values[key] !== undefined,
  );
  return (
    <details className="about">
      <summary>About WRSAuth</summary>
      <p>
        Server: <span className="url">{server.url}</span> ({sourceWords})
      </p>
      {keys.length === 0 ? (
        <p>No settings on this computer are managed by your IT department.</p>
      ) : (
        <table aria-label="Settings managed by your IT department">
          <caption>Settings managed by your IT department</caption>
          <thead>
            <tr>
              <th scope="col">Setting</th>
              <th scope="col">Value</th>
              <th scope="col">Set by</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key}>
                <th scope="row">{LABELS[key]}</th>
                <td>{shown(key, managed.values)}</td>
                <td>{managed.sources[key]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {managed.ignored.length > 0 && (
        <>
          <p>Ignored managed settings:</p>
          <ul>
            {managed.ignored.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </>
      )}
    </details>
  );
}
