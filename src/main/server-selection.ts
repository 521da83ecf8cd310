/**
 * Which verification server the client talks to. The first source that is set wins:
 *   1. WRSAUTH_SERVER_URL;
 *   2. the managed settings file IT deploys (on Linux and macOS only if root-owned, not a symlink, and not
 *      writable by group or others: otherwise any local user could point the front desk at their server);
 *   3. the user's own settings file in userData;
 *   4. the embedded server the app starts itself.
 * A source that is set but unusable is refused with a log line saying why, and the next one is tried.
 */
import nodeFs from 'node:fs';
import path from 'node:path';
import { normalizeServerUrl } from '../shared/api';
import type { ServerSource } from '../shared/ipc';

export type ServerChoice =
  | { source: Exclude<ServerSource, 'embedded'>; url: string }
  | { source: 'embedded' };

/** The parts of node:fs the selection reads with; tests may pass their own. */
export interface SelectionFs {
  lstatSync(file: string): nodeFs.Stats;
  openSync(file: string, flags: number): number;
  fstatSync(fd: number): nodeFs.Stats;
  readFileSync(fd: number, encoding: 'utf8'): string;
  closeSync(fd: number): void;
  constants: { O_RDONLY: number; O_NOFOLLOW?: number };
}

export interface SelectionInputs {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  /** Absolute path of the user's settings.json (in app.getPath('userData')). */
  userSettingsFile: string;
  /** Defaults to the platform's managed settings path. */
  managedSettingsFile?: string;
  /**
   * The managed settings already read from every IT source (src/main/managed): when given, its serverUrl is
   * used instead of reading managedSettingsFile here.
   */
  managed?: { serverUrl: string | undefined; label: string };
  fs?: SelectionFs;
  log?: (line: string) => void;
}

export const USER_SETTINGS_FILE_NAME = 'settings.json';

export function managedSettingsPath(
  platform: NodeJS.Platform,
  env: Record<string, string | undefined>,
): string {
  if (platform === 'win32') {
    return path.win32.join(env.ProgramData || 'C:\\ProgramData', 'WRSAuth', 'managed-settings.json');
  }
  if (platform === 'darwin') return '/Library/Application Support/WRSAuth/managed-settings.json';
  return '/etc/wrsauth/managed-settings.json';
}

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

/** Why a managed settings file may not be trusted, or undefined when it may. */
export function managedFileProblem(stats: nodeFs.Stats, platform: NodeJS.Platform): string | undefined {
  if (stats.isSymbolicLink()) return 'it is a symbolic link';
  if (!stats.isFile()) return 'it is not a regular file';
  // Windows protects %ProgramData% with ACLs, which Node's stat does not show; only POSIX owners are checked.
  if (platform === 'win32') return undefined;
  if (stats.uid !== 0) return `it is owned by uid ${stats.uid}, not root`;
  if ((stats.mode & 0o022) !== 0) {
    return `it is writable by group or others (mode ${(stats.mode & 0o777).toString(8).padStart(3, '0')})`;
  }
  return undefined;
}

export type Read =
  | { state: 'absent' }
  | { state: 'refused'; reason: string }
  | { state: 'ok'; value: unknown };

/**
 * A managed settings file's JSON, read only when it may be trusted (managedFileProblem, checked before the
 * open and again on the descriptor actually read).
 */
export function readManaged(file: string, platform: NodeJS.Platform, fs: SelectionFs = nodeFs): Read {
  let linkStats: nodeFs.Stats;
  try {
    linkStats = fs.lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' };
    return { state: 'refused', reason: `it cannot be read (${(error as NodeJS.ErrnoException).code})` };
  }
  const before = managedFileProblem(linkStats, platform);
  if (before) return { state: 'refused', reason: before };
  let fd: number;
  try {
    // O_NOFOLLOW and fstat check the file actually read, not one swapped in after the lstat.
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    return { state: 'refused', reason: `it cannot be opened (${(error as NodeJS.ErrnoException).code})` };
  }
  try {
    const problem = managedFileProblem(fs.fstatSync(fd), platform);
    if (problem) return { state: 'refused', reason: problem };
    return parseJson(fs.readFileSync(fd, 'utf8'));
  } finally {
    fs.closeSync(fd);
  }
}

function readUser(file: string, fs: SelectionFs): Read {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' };
    return { state: 'refused', reason: `it cannot be read (${(error as NodeJS.ErrnoException).code})` };
  }
  try {
    return parseJson(fs.readFileSync(fd, 'utf8'));
  } finally {
    fs.closeSync(fd);
  }
}

function parseJson(text: string): Read {
  try {
    return { state: 'ok', value: JSON.parse(text) };
  } catch {
    return { state: 'refused', reason: 'it is not valid JSON' };
  }
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

export function selectServer(inputs: SelectionInputs): ServerChoice {
  const fs = inputs.fs ?? nodeFs;
  const log = inputs.log ?? ((line: string) => console.warn(line));
  const managedFile = inputs.managedSettingsFile ?? managedSettingsPath(inputs.platform, inputs.env);

  const candidates: Array<{ source: Exclude<ServerSource, 'embedded'>; label: string; read: () => Read }> = [
    {
      source: 'environment',
      label: 'WRSAUTH_SERVER_URL',
      read: () => {
        const raw = inputs.env.WRSAUTH_SERVER_URL;
        return raw === undefined || raw === '' ? { state: 'absent' } : { state: 'ok', value: raw };
      },
    },
    inputs.managed
      ? {
          source: 'managed',
          label: inputs.managed.label,
          read: () =>
            inputs.managed?.serverUrl === undefined
              ? { state: 'absent' }
              : { state: 'ok', value: inputs.managed.serverUrl },
        }
      : {
          source: 'managed',
          label: `managed settings ${managedFile}`,
          read: () => serverUrlFrom(readManaged(managedFile, inputs.platform, fs)),
        },
    {
      source: 'user',
      label: `user settings ${inputs.userSettingsFile}`,
      read: () => serverUrlFrom(readUser(inputs.userSettingsFile, fs)),
    },
  ];

  for (const candidate of candidates) {
    const read = candidate.read();
    if (read.state === 'absent') continue;
    if (read.state === 'refused') {
      log(`[server] ignoring ${candidate.label}: ${read.reason}`);
      continue;
    }
    const parsed = parseServerUrl(read.value);
    if (!parsed.ok) {
      log(`[server] ignoring ${candidate.label}: ${parsed.reason}`);
      continue;
    }
    log(`[server] using ${parsed.url} from ${candidate.label}`);
    return { source: candidate.source, url: parsed.url };
  }
  log('[server] no server configured; starting the embedded server');
  return { source: 'embedded' };
}
