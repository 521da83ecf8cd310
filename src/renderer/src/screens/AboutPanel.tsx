import type {
  ManagedProblem,
  ManagedSettingKey,
  ManagedSettings,
  ManagedSettingsInfo,
} from '../../../shared/managed-settings';
import type { ClientServerInfo, NoServer } from '../bridge/client-bridge';
import { useAppInfo } from '../managed/app-info';
import { useManagedSettings } from '../managed/managed-settings';

const LABELS: Record<ManagedSettingKey, string> = {
  serverUrl: 'Sign-in server',
  updates: 'Updates',
  updateUrl: 'Update server',
  allowRememberWorkstation: 'Remember this workstation',
  idleLockMinutes: 'Idle lock',
  supportContact: 'Support contact',
  allowEmbeddedServer: 'Built-in server',
  practiceAppUrl: 'Practice application',
  practiceAppName: 'Practice application name',
};

/** Where a setting IT does not manage comes from. */
export const NOT_MANAGED = 'default (not managed)';

function shown(key: ManagedSettingKey, values: ManagedSettings): string {
  const value = values[key];
  if (key === 'allowRememberWorkstation' || key === 'allowEmbeddedServer') {
    return value ? 'allowed' : 'not allowed';
  }
  if (key === 'idleLockMinutes') return `${value} ${value === 1 ? 'minute' : 'minutes'} at most`;
  return String(value);
}

interface Row {
  value: string;
  source: string;
}

/** What applies when IT does not manage a setting, and where that comes from. */
function unmanaged(
  key: ManagedSettingKey,
  server: ClientServerInfo | NoServer,
  sourceWords: string | undefined,
  builtInByDefault: boolean,
): Row {
  switch (key) {
    case 'serverUrl':
      return 'problem' in server
        ? { value: 'none', source: 'not set' }
        : { value: server.url, source: sourceWords ?? NOT_MANAGED };
    case 'updates':
      return { value: 'off', source: NOT_MANAGED };
    case 'allowRememberWorkstation':
      return { value: "as the practice's policy says", source: NOT_MANAGED };
    case 'idleLockMinutes':
      return { value: "the practice's setting", source: NOT_MANAGED };
    case 'allowEmbeddedServer':
      return { value: builtInByDefault ? 'allowed (development run)' : 'not allowed', source: NOT_MANAGED };
    default:
      return { value: 'none', source: NOT_MANAGED };
  }
}

function rowFor(
  key: ManagedSettingKey,
  managed: ManagedSettingsInfo,
  server: ClientServerInfo | NoServer,
  sourceWords: string | undefined,
  builtInByDefault: boolean,
): Row {
  if (managed.values[key] === undefined) return unmanaged(key, server, sourceWords, builtInByDefault);
  return { value: shown(key, managed.values), source: managed.sources[key] ?? 'managed settings' };
}

function described(problem: ManagedProblem): string {
  return `${problem.setting ? `${problem.setting} from ` : ''}${problem.source}: ${problem.reason}`;
}

interface AboutPanelProps {
  server: ClientServerInfo | NoServer;
  /** How the server in use was chosen, in words ("set by your IT department"); none without a server. */
  sourceWords?: string;
}

/** "About": this build, the server in use, and every setting with its value and where it comes from. */
export function AboutPanel({ server, sourceWords }: AboutPanelProps) {
  const managed = useManagedSettings();
  const app = useAppInfo();
  // The built-in server is on by default only in a development run of an unmanaged computer.
  const builtInByDefault = app?.installed === false && !managed.managed;
  const keys = Object.keys(LABELS) as ManagedSettingKey[];
  return (
    <details className="about">
      <summary>About WRSAuth</summary>
      <p>
        {app
          ? `WRSAuth version ${app.version} (${app.installed ? 'installed' : 'development run'})`
          : 'WRSAuth version unknown'}
      </p>
      <p>
        Server:{' '}
        {'problem' in server ? (
          'none'
        ) : (
          <>
            <span className="url">{server.url}</span> ({sourceWords})
          </>
        )}
      </p>
      {!managed.managed && <p>No settings on this computer are managed by your IT department.</p>}
      <table aria-label="Settings on this computer">
        <caption>Settings on this computer</caption>
        <thead>
          <tr>
            <th scope="col">Setting</th>
            <th scope="col">Value</th>
            <th scope="col">Set by</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => {
            const row = rowFor(key, managed, server, sourceWords, builtInByDefault);
            return (
              <tr key={key}>
                <th scope="row">{LABELS[key]}</th>
                <td>{row.value}</td>
                <td>{row.source}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {managed.unreadable.length > 0 && (
        <>
          <p>Managed settings that could not be read:</p>
          <ul>
            {managed.unreadable.map((problem) => (
              <li key={described(problem)}>{described(problem)}</li>
            ))}
          </ul>
        </>
      )}
      {managed.ignored.length > 0 && (
        <>
          <p>Ignored managed settings:</p>
          <ul>
            {managed.ignored.map((problem) => (
              <li key={described(problem)}>{described(problem)}</li>
            ))}
          </ul>
        </>
      )}
    </details>
  );
}
