/**
 * Where IT's settings come from on each OS, strongest first:
 *   Windows  Group Policy, HKLM\SOFTWARE\Policies\WRSAuth only (the ADMX, Computer Configuration). Not
 *            HKCU: these are the computer's settings, not each user's. Not a
 *            %ProgramData%\WRSAuth\managed-settings.json file: a standard user may create files there on
 *            a default Windows, and Node cannot see its ACLs; when there, it is only reported as ignored.
 *   macOS    the configuration profile's domain (com.wrshealth.wrsauth, in /Library/Managed Preferences),
 *            then /Library/Application Support/WRSAuth/managed-settings.json;
 *   Linux    /etc/wrsauth/managed-settings.json.
 * Every path is fixed: none comes from the environment, which the user controls. A file must be root-owned,
 * not writable by group or others, and not a link (file.ts). reg.exe and plutil are injected, so each
 * platform's logic is tested on any machine.
 */
import { execFile } from 'node:child_process';
import nodeFs from 'node:fs';
import path from 'node:path';
import { managedFileProblem, type Read, readManagedFile, type SettingsFs } from './file';
import {
  HKLM_POLICY_KEY,
  parseRegQuery,
  queryRegistryKey,
  type RunReg,
  settingsFromRegistry,
} from './registry';

export { HKLM_POLICY_KEY, POLICY_KEY, parseRegQuery, type RunReg } from './registry';
export type { Read };

export interface ManagedSource {
  /** Shown in logs and the About panel, e.g. "Group Policy (HKLM\SOFTWARE\Policies\WRSAuth)". */
  readonly label: string;
  /**
   * A place IT may have used before but that is never trusted (Windows' %ProgramData% file): when there, it
   * is reported as ignored, and it neither sets anything nor makes the computer count as managed.
   */
  readonly reportOnly?: boolean;
  read(): Promise<Read>;
}

export const PROFILE_DOMAIN = 'com.wrshealth.wrsauth';
export const PROFILE_PLIST = `/Library/Managed Preferences/${PROFILE_DOMAIN}.plist`;
export const MAC_SETTINGS_FILE = '/Library/Application Support/WRSAuth/managed-settings.json';
export const LINUX_SETTINGS_FILE = '/etc/wrsauth/managed-settings.json';
/** Only ever reported as ignored; the fixed default path, since %ProgramData% is the user's to change. */
export const WINDOWS_IGNORED_FILE = 'C:\\ProgramData\\WRSAuth\\managed-settings.json';

export const WINDOWS_FILE_IGNORED =
  `WRSAuth on Windows reads managed settings only from Group Policy (${HKLM_POLICY_KEY}); ` +
  'a user can write this file, so it is ignored';

/** IT's managed settings file on macOS or Linux, trusted only when root-owned (file.ts). */
export function fileSource(file: string, fs: SettingsFs = nodeFs): ManagedSource {
  return { label: file, read: async () => readManagedFile(file, fs) };
}

/** Windows' %ProgramData% file: reported as ignored when it is there, never read. */
export function ignoredFileSource(
  file: string = WINDOWS_IGNORED_FILE,
  fs: Pick<SettingsFs, 'lstatSync'> = nodeFs,
): ManagedSource {
  return {
    label: file,
    reportOnly: true,
    read: async () => {
      try {
        fs.lstatSync(file);
      } catch {
        return { state: 'absent' };
      }
      return { state: 'refused', reason: WINDOWS_FILE_IGNORED };
    },
  };
}

/** Group Policy's HKLM key (registry.ts): a key that cannot be read is unreadable, never "no policy". */
export function registrySource(runReg?: RunReg): ManagedSource {
  return {
    label: `Group Policy (${HKLM_POLICY_KEY})`,
    read: async () => {
      const read = await queryRegistryKey(HKLM_POLICY_KEY, runReg);
      if (read.state === 'absent') return read;
      if (read.state === 'error') return { state: 'unreadable', reason: read.reason };
      const values = parseRegQuery(read.output);
      // Group Policy may leave the key behind, empty, once its policies are removed: nothing is managed.
      if (Object.keys(values).length === 0) return { state: 'absent' };
      return { state: 'ok', ...settingsFromRegistry(values) };
    },
  };
}

/** A plist converted to JSON text (`plutil -convert json -o - <file>`). */
export type PlistToJson = (file: string) => Promise<string>;

export const plutilToJson: PlistToJson = (file) =>
  new Promise((resolve, reject) => {
    execFile('/usr/bin/plutil', ['-convert', 'json', '-o', '-', file], { timeout: 5000 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });

/** A profile's own bookkeeping (PayloadUUID, PayloadVersion…) may come along; it is not a setting. */
function withoutPayloadKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith('Payload')));
}

/** The configuration profile's preferences; macOS writes them root-owned, and that is checked too. */
export function profileSource(
  toJson: PlistToJson,
  file: string = PROFILE_PLIST,
  fs: Pick<SettingsFs, 'lstatSync'> = nodeFs,
): ManagedSource {
  return {
    label: `configuration profile (${PROFILE_DOMAIN})`,
    read: async () => {
      let stats: nodeFs.Stats;
      try {
        stats = fs.lstatSync(file);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return { state: 'absent' };
        return { state: 'unreadable', reason: `it cannot be read (${code})` };
      }
      const problem = managedFileProblem(stats);
      if (problem) return { state: 'refused', reason: problem };
      let text: string;
      try {
        text = await toJson(file);
      } catch {
        return { state: 'unreadable', reason: 'plutil could not read it' };
      }
      try {
        return { state: 'ok', value: withoutPayloadKeys(JSON.parse(text)) };
      } catch {
        return { state: 'refused', reason: 'plutil did not turn it into JSON' };
      }
    },
  };
}

export interface PlatformSourceOptions {
  platform: NodeJS.Platform;
  /** Runs reg.exe (Windows); tests pass a fake. */
  registry?: RunReg;
  plist?: PlistToJson;
  /** Overrides the macOS or Linux managed settings file, or Windows' ignored one (tests). */
  file?: string;
  fs?: SettingsFs;
}

function settingsFile(platform: NodeJS.Platform): string {
  if (platform === 'win32') return WINDOWS_IGNORED_FILE;
  return platform === 'darwin' ? MAC_SETTINGS_FILE : LINUX_SETTINGS_FILE;
}

/** This OS's sources, strongest first. */
export function platformSources(options: PlatformSourceOptions): ManagedSource[] {
  const file = options.file ?? settingsFile(options.platform);
  const fs = options.fs ?? nodeFs;
  if (options.platform === 'win32') {
    return [registrySource(options.registry), ignoredFileSource(file, fs)];
  }
  if (options.platform === 'darwin') {
    return [profileSource(options.plist ?? plutilToJson, PROFILE_PLIST, fs), fileSource(file, fs)];
  }
  return [fileSource(file, fs)];
}

/**
 * The folders whose changes mean a file source may have changed (watched to notice edits sooner). Windows
 * has none: its registry is polled.
 */
export function watchedFolders(options: Pick<PlatformSourceOptions, 'platform' | 'file'>): string[] {
  if (options.platform === 'win32') return [];
  const dir = path.dirname(options.file ?? settingsFile(options.platform));
  return options.platform === 'darwin' ? [dir, path.dirname(PROFILE_PLIST)] : [dir];
}
