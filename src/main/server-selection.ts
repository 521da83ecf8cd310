/**
 * Which verification server the client talks to:
 *   1. WRSAUTH_SERVER_URL, in an unpackaged development run only: an installed build ignores the
 *      environment, which any user can set (`setx`);
 *   2. IT's managed settings (src/main/managed). If a source could not be read, no server is chosen: the
 *      client says so rather than guess. If IT manages this computer at all, the server comes from IT or
 *      nowhere: its serverUrl, else the built-in server when allowEmbeddedServer is true, else the "ask IT"
 *      screen. Never the user's settings, never the built-in demo server by default;
 *   3. the user's own settings file in userData (an unmanaged computer only);
 *   4. the built-in server the app starts itself: by default only in a development run; an installed build
 *      needs IT's allowEmbeddedServer, so it never falls back to it by mistake.
 * A source that is set but unusable is logged with the reason; what follows depends on the rules above.
 */
import { normalizeServerUrl } from '../shared/api';
import type { ServerProblem, ServerSource } from '../shared/ipc';
import type { ManagedSettingsInfo } from '../shared/managed-settings';
import { type Read, readUserFile, type SettingsFs } from './managed/file';

export type ServerChoice =
  | { source: Exclude<ServerSource, 'embedded'>; url: string }
  | { source: 'embedded' }
  | { problem: ServerProblem };

export interface SelectionInputs {
  env: Record<string, string | undefined>;
  /** Electron's app.isPackaged: true in an installed build, false in a development run. */
  isPackaged: boolean;
  /** Absolute path of the user's settings.json (in app.getPath('userData')). */
  userSettingsFile: string;
  /** IT's settings as read from every source of this OS (src/main/managed/settings.ts). */
  managed: ManagedSettingsInfo;
  fs?: SettingsFs;
  log?: (line: string) => void;
}

export const USER_SETTINGS_FILE_NAME = 'settings.json';

/** A usable server URL (http or https, no credentials), normalised; otherwise the reason it is not. */
export function parseServerUrl(raw: unknown): { ok: true; url: string } | { ok: false; reason: string } {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, reason: 'serverUrl is not a string' };
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, reason: 'serverUrl is not a URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, reason: `serverUrl must be http:// or https://, got ${url.protocol}//` };
  }
  if (url.username || url.password)
    return { ok: false, reason: 'serverUrl must not contain a user or password' };
  if (url.search || url.hash) return { ok: false, reason: 'serverUrl must not have a query or fragment' };
  // Not `href`, which would keep a bare "?" or "#" left after the trailing slash.
  return { ok: true, url: normalizeServerUrl(url) };
}

/** The serverUrl a settings file sets: absent when the file or key is missing. */
function serverUrlFrom(read: Read): Read {
  if (read.state !== 'ok') return read;
  const value = read.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { state: 'refused', reason: 'it is not a JSON object' };
  }
  const serverUrl = (value as Record<string, unknown>).serverUrl;
  return serverUrl === undefined ? { state: 'absent' } : { state: 'ok', value: serverUrl };
}

const HOW_TO_SET =
  'Set serverUrl by Group Policy (Windows), a configuration profile (macOS) or the managed settings file ' +
  '(macOS, Linux); see docs/it-deployment.md.';

/** Why IT's settings name no usable server, for IT (the screen words it for staff). */
function managedProblem(managed: ManagedSettingsInfo): ServerProblem {
  const rejected = managed.ignored.find((problem) => problem.setting === 'serverUrl');
  if (rejected) {
    return {
      error: 'managed_server_invalid',
      message: `serverUrl from ${rejected.source} was ignored: ${rejected.reason}.`.slice(0, 1000),
    };
  }
  return {
    error: 'managed_server_missing',
    message:
      'This computer has managed settings, but none sets serverUrl, and allowEmbeddedServer is not on. ' +
      HOW_TO_SET,
  };
}

export function selectServer(inputs: SelectionInputs): ServerChoice {
  const log = inputs.log ?? ((line: string) => console.warn(line));
  const { managed } = inputs;
  const choose = (choice: ServerChoice, from: string): ServerChoice => {
    if ('problem' in choice) log(`[server] no server: ${choice.problem.error}: ${choice.problem.message}`);
    else if (choice.source === 'embedded') log(`[server] starting the built-in server (${from})`);
    else log(`[server] using ${choice.url} from ${from}`);
    return choice;
  };

  const fromEnv = inputs.env.WRSAUTH_SERVER_URL;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (inputs.isPackaged) {
      log('[server] ignoring WRSAUTH_SERVER_URL: an installed WRSAuth takes no setting from the environment');
    } else {
      const parsed = parseServerUrl(fromEnv);
      if (parsed.ok) return choose({ source: 'environment', url: parsed.url }, 'WRSAUTH_SERVER_URL');
      log(`[server] ignoring WRSAUTH_SERVER_URL: ${parsed.reason}`);
    }
  }

  if (managed.unreadable.length > 0) {
    const which = managed.unreadable.map((problem) => `${problem.source}: ${problem.reason}`).join('; ');
    return choose(
      {
        problem: {
          error: 'managed_settings_unreadable',
          message: `IT's settings could not be read, so no server is chosen. ${which}`.slice(0, 1000),
        },
      },
      'managed settings',
    );
  }

  if (managed.values.serverUrl !== undefined) {
    const label = managed.sources.serverUrl ?? 'managed settings';
    const parsed = parseServerUrl(managed.values.serverUrl);
    if (parsed.ok) return choose({ source: 'managed', url: parsed.url }, label);
    // The schema already checked it; should the two rules ever differ, the stricter one wins.
    return choose(
      { problem: { error: 'managed_server_invalid', message: `serverUrl from ${label}: ${parsed.reason}.` } },
      label,
    );
  }
  if (managed.managed) {
    if (managed.values.allowEmbeddedServer === true) {
      return choose(
        { source: 'embedded' },
        `allowEmbeddedServer from ${managed.sources.allowEmbeddedServer}`,
      );
    }
    return choose({ problem: managedProblem(managed) }, 'managed settings');
  }

  const userFile = inputs.userSettingsFile;
  const fromUser = serverUrlFrom(readUserFile(userFile, inputs.fs));
  if (fromUser.state === 'ok') {
    const parsed = parseServerUrl(fromUser.value);
    if (parsed.ok) return choose({ source: 'user', url: parsed.url }, `user settings ${userFile}`);
    log(`[server] ignoring user settings ${userFile}: ${parsed.reason}`);
  } else if (fromUser.state !== 'absent') {
    log(`[server] ignoring user settings ${userFile}: ${fromUser.reason}`);
  }

  if (!inputs.isPackaged) return choose({ source: 'embedded' }, 'a development run with no server set');
  // On an unmanaged computer a whole ignored source can only be one never trusted (Windows' file): say so.
  const windowsFile = managed.ignored.find((problem) => problem.setting === undefined);
  return choose(
    {
      problem: {
        error: 'no_server_configured',
        message: `No server is set for this computer. ${HOW_TO_SET}${
          windowsFile ? ` Ignored: ${windowsFile.source}: ${windowsFile.reason}.` : ''
        }`.slice(0, 1000),
      },
    },
    'no source',
  );
}
