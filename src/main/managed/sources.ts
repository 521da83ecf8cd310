/**
 * Where IT's settings come from on each OS, strongest first:
 *   Windows  Group Policy HKLM\SOFTWARE\Policies\WRSAuth, then the same key under HKCU, then
 *            %ProgramData%\WRSAuth\managed-settings.json;
 *   macOS    the configuration profile's domain (com.wrshealth.wrsauth, in /Library/Managed Preferences),
 *            then /Library/Application Support/WRSAuth/managed-settings.json;
 *   Linux    /etc/wrsauth/managed-settings.json.
 * A file must be root-owned, not writable by group or others, and not a link (server-selection.ts): any
 * local user could otherwise point the front desk at their own server. The registry and the OS are
 * injected, so each platform's logic is tested on any machine.
 */
import { execFile } from 'node:child_process';
import nodeFs from 'node:fs';
import path from 'node:path';
import { managedFileProblem, managedSettingsPath, type Read, readManaged } from '../server-selection';

export type { Read };

export interface ManagedSource {
  /** Shown in logs and the About panel, e.g. "Group Policy (HKLM\SOFTWARE\Policies\WRSAuth)". */
  readonly label: string;
  read(): Promise<Read>;
}

export const POLICY_KEY = 'SOFTWARE\\Policies\\WRSAuth';
export const PROFILE_DOMAIN = 'com.wrshealth.wrsauth';
export const PROFILE_PLIST = `/Library/Managed Preferences/${PROFILE_DOMAIN}.plist`;

export function fileSource(
  file: string,
  platform: NodeJS.Platform,
  fs: Parameters<typeof readManaged>[2] = nodeFs,
): ManagedSource {
  return { label: file, read: async () => readManaged(file, platform, fs) };
}

/** `reg query <key>`: its output, or null when the key does not exist. */
export type RegistryQuery = (key: string) => Promise<string | null>;

/** Runs reg.exe; a missing key (exit status 1) is null, not an error. */
export const queryRegistry: RegistryQuery = (key) =>
  new Promise((resolve, reject) => {
    execFile('reg', ['query', key], { windowsHide: true, timeout: 5000 }, (error, stdout) => {
      if (!error) resolve(stdout);
      else if ((error as { code?: unknown }).code === 1) resolve(null);
      else reject(error);
    });
  });

/**
 * The values of one key from `reg query` output: REG_SZ and REG_EXPAND_SZ as strings, REG_DWORD and
 * REG_QWORD as numbers. Lines look like `    serverUrl    REG_SZ    https://auth.example.org`.
 */
export function parseRegQuery(output: string): Record<string, string | number> {
  const values: Record<string, string | number> = {};
  for (const line of output.split(/\r?\n/)) {
    const match = /^\s+(\S+)\s+(REG_[A-Z_]+)\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, name, type, data = ''] = match as unknown as [string, string, string, string];
    if (type === 'REG_DWORD' || type === 'REG_QWORD') values[name] = Number.parseInt(data.trim(), 16);
    else if (type === 'REG_SZ' || type === 'REG_EXPAND_SZ') values[name] = data.trimEnd();
  }
  return values;
}

/** Group Policy writes booleans as DWORD 0/1; everything else is taken as written. */
function fromRegistry(values: Record<string, string | number>): Record<string, unknown> {
  const settings: Record<string, unknown> = { ...values };
  const remember = values.allowRememberWorkstation;
  if (remember === 0 || remember === 1) settings.allowRememberWorkstation = remember === 1;
  return settings;
}

export function registrySource(hive: 'HKLM' | 'HKCU', query: RegistryQuery): ManagedSource {
  const key = `${hive}\\${POLICY_KEY}`;
  return {
    label: `Group Policy (${key})`,
    read: async () => {
      let output: string | null;
      try {
        output = await query(key);
      } catch (error) {
        return { state: 'refused', reason: `reg query failed (${(error as Error).message.split('\n')[0]})` };
      }
      if (output === null) return { state: 'absent' };
      const values = parseRegQuery(output);
      return Object.keys(values).length === 0
        ? { state: 'absent' }
        : { state: 'ok', value: fromRegistry(values) };
    },
  };
}

/** A plist converted to JSON text (`plutil -convert json -o - <file>`). */
export type PlistToJson = (file: string) => Promise<string>;

export const plutilToJson: PlistToJson = (file) =>
  new Promise((resolve, reject) => {
    execFile('plutil', ['-convert', 'json', '-o', '-', file], { timeout: 5000 }, (error, stdout) =>
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
  fs: Pick<typeof nodeFs, 'lstatSync'> = nodeFs,
): ManagedSource {
  return {
    label: `configuration profile (${PROFILE_DOMAIN})`,
    read: async () => {
      let stats: nodeFs.Stats;
      try {
        stats = fs.lstatSync(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' };
        return { state: 'refused', reason: `it cannot be read (${(error as NodeJS.ErrnoException).code})` };
      }
      const problem = managedFileProblem(stats, 'darwin');
      if (problem) return { state: 'refused', reason: problem };
      let value: unknown;
      try {
        value = JSON.parse(await toJson(file));
      } catch {
        return { state: 'refused', reason: 'plutil could not convert it to JSON' };
      }
      return { state: 'ok', value: withoutPayloadKeys(value) };
    },
  };
}

export interface PlatformSourceOptions {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  registry?: RegistryQuery;
  plist?: PlistToJson;
  /** Overrides the managed settings file (tests). */
  file?: string;
  fs?: Parameters<typeof readManaged>[2] & Pick<typeof nodeFs, 'lstatSync'>;
}

/** This OS's sources, strongest first. */
export function platformSources(options: PlatformSourceOptions): ManagedSource[] {
  const file = options.file ?? managedSettingsPath(options.platform, options.env);
  const fs = options.fs ?? nodeFs;
  const settingsFile = fileSource(file, options.platform, fs);
  if (options.platform === 'win32') {
    const registry = options.registry ?? queryRegistry;
    return [registrySource('HKLM', registry), registrySource('HKCU', registry), settingsFile];
  }
  if (options.platform === 'darwin') {
    return [profileSource(options.plist ?? plutilToJson, PROFILE_PLIST, fs), settingsFile];
  }
  return [settingsFile];
}

/** The folders whose changes mean a file source may have changed (watched to notice edits sooner). */
export function watchedFolders(options: Pick<PlatformSourceOptions, 'platform' | 'env' | 'file'>): string[] {
  const file = options.file ?? managedSettingsPath(options.platform, options.env);
  const dir = options.platform === 'win32' ? path.win32.dirname(file) : path.dirname(file);
  return options.platform === 'darwin' ? [dir, path.dirname(PROFILE_PLIST)] : [dir];
}
