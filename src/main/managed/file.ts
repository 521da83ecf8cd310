/**
 * Reading a settings file, and deciding whether a managed one may be trusted. On macOS and Linux IT's file
 * must be root-owned, not writable by group or others, and not a symbolic link: any local user could
 * otherwise point the front desk at a server of their own. (Windows reads no managed file at all: see
 * sources.ts.)
 */
import nodeFs from 'node:fs';

/** The parts of node:fs a settings file is read with; tests may pass their own. */
export interface SettingsFs {
  lstatSync(file: string): nodeFs.Stats;
  openSync(file: string, flags: number): number;
  fstatSync(fd: number): nodeFs.Stats;
  readFileSync(fd: number, encoding: 'utf8'): string;
  closeSync(fd: number): void;
  constants: { O_RDONLY: number; O_NOFOLLOW?: number };
}

/** One setting a source had but could not pass on (e.g. a registry type WRSAuth does not read), and why. */
export interface DroppedSetting {
  setting: string;
  reason: string;
}

/**
 * What reading one source gave:
 *   absent      not there: nothing to apply;
 *   unreadable  there, or maybe there, but it could not be read: the client refuses to guess;
 *   refused     there, but not to be trusted or not valid as a whole (with the reason);
 *   ok          its settings, still to be validated key by key, and any it had to drop itself.
 */
export type Read =
  | { state: 'absent' }
  | { state: 'unreadable'; reason: string }
  | { state: 'refused'; reason: string }
  | { state: 'ok'; value: unknown; dropped?: DroppedSetting[] };

/** Why a managed settings file may not be trusted, or undefined when it may (macOS and Linux). */
export function managedFileProblem(stats: nodeFs.Stats): string | undefined {
  if (stats.isSymbolicLink()) return 'it is a symbolic link';
  if (!stats.isFile()) return 'it is not a regular file';
  if (stats.uid !== 0) return `it is owned by uid ${stats.uid}, not root`;
  if ((stats.mode & 0o022) !== 0) {
    return `it is writable by group or others (mode ${(stats.mode & 0o777).toString(8).padStart(3, '0')})`;
  }
  return undefined;
}

function errorCode(error: unknown): string {
  return String((error as NodeJS.ErrnoException).code ?? 'error');
}

/**
 * A managed settings file's JSON, read only when it may be trusted (managedFileProblem, checked before the
 * open and again on the descriptor actually read).
 */
export function readManagedFile(file: string, fs: SettingsFs = nodeFs): Read {
  let linkStats: nodeFs.Stats;
  try {
    linkStats = fs.lstatSync(file);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { state: 'absent' };
    return { state: 'unreadable', reason: `it cannot be read (${errorCode(error)})` };
  }
  const before = managedFileProblem(linkStats);
  if (before) return { state: 'refused', reason: before };
  let fd: number;
  try {
    // O_NOFOLLOW and fstat check the file actually read, not one swapped in after the lstat.
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    if (errorCode(error) === 'ELOOP') return { state: 'refused', reason: 'it is a symbolic link' };
    return { state: 'unreadable', reason: `it cannot be opened (${errorCode(error)})` };
  }
  try {
    const problem = managedFileProblem(fs.fstatSync(fd));
    if (problem) return { state: 'refused', reason: problem };
    return parseJson(fs.readFileSync(fd, 'utf8'));
  } catch (error) {
    return { state: 'unreadable', reason: `it cannot be read (${errorCode(error)})` };
  } finally {
    fs.closeSync(fd);
  }
}

/** The user's own settings file: no trust checks (it is theirs), any problem is a reason to skip it. */
export function readUserFile(file: string, fs: SettingsFs = nodeFs): Read {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { state: 'absent' };
    return { state: 'refused', reason: `it cannot be read (${errorCode(error)})` };
  }
  try {
    return parseJson(fs.readFileSync(fd, 'utf8'));
  } catch (error) {
    return { state: 'refused', reason: `it cannot be read (${errorCode(error)})` };
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
