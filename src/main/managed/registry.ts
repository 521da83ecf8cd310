/**
 * Group Policy's key, HKLM\SOFTWARE\Policies\WRSAuth, read with reg.exe. The one function tests fake is
 * RunReg, which runs reg.exe.
 *
 * reg.exe exits 1 for every failure, "no such key" and "access denied" alike, and its messages are
 * translated; so after a failed query the parent key is listed, and the policy counts as absent only when
 * that listing succeeds and does not name it. Any other outcome is an error: the client says so and
 * refuses to guess, since "no policy" would let it fall back to a server IT never chose.
 */
import { execFile } from 'node:child_process';
import { BOOLEAN_SETTING_KEYS, MANAGED_SETTING_KEYS } from '../../shared/managed-settings';
import type { DroppedSetting } from './file';

export const POLICY_KEY = 'SOFTWARE\\Policies\\WRSAuth';
export const HKLM_POLICY_KEY = `HKLM\\${POLICY_KEY}`;

/**
 * reg.exe by its full path. A bare "reg" is looked up in the working folder and the user's PATH, and
 * %SystemRoot% is the user's to change too, so neither may choose the program that reads IT's policy.
 */
export const REG_EXE = 'C:\\Windows\\System32\\reg.exe';

export interface RegRun {
  /** reg.exe's exit status: 0 found, 1 any failure. */
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs reg.exe with these arguments. Rejects only when it could not run or finish (missing, timed out). */
export type RunReg = (args: readonly string[]) => Promise<RegRun>;

export const runRegExe: RunReg = (args) =>
  new Promise((resolve, reject) => {
    execFile(
      REG_EXE,
      [...args],
      { windowsHide: true, timeout: 5000, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve({ status: 0, stdout, stderr });
        const status = (error as { code?: unknown }).code;
        // A number is reg.exe's exit status; anything else (ENOENT, a timeout's kill) means it did not run.
        if (typeof status === 'number') resolve({ status, stdout, stderr });
        else reject(error);
      },
    );
  });

export type RegistryRead =
  | { state: 'absent' }
  | { state: 'ok'; output: string }
  | { state: 'error'; reason: string };

const HIVES: Record<string, string> = { HKLM: 'HKEY_LOCAL_MACHINE', HKCU: 'HKEY_CURRENT_USER' };

/** HKLM\A\B as reg.exe prints it, HKEY_LOCAL_MACHINE\A\B, in lower case for comparing. */
function fullName(key: string): string {
  const [hive = '', ...rest] = key.split('\\');
  return [HIVES[hive.toUpperCase()] ?? hive, ...rest].join('\\').toLowerCase();
}

function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .find(Boolean)
      ?.slice(0, 160) ?? ''
  );
}

async function run(runReg: RunReg, args: string[]): Promise<RegRun | { failed: string }> {
  try {
    return await runReg(args);
  } catch (error) {
    return { failed: firstLine(error instanceof Error ? error.message : String(error)) || 'it did not run' };
  }
}

/** `reg query <key>`: its output, absent only when reg.exe shows the key is not there, else an error. */
export async function queryRegistryKey(key: string, runReg: RunReg = runRegExe): Promise<RegistryRead> {
  const query = await run(runReg, ['query', key]);
  if ('failed' in query) return { state: 'error', reason: `reg.exe could not run (${query.failed})` };
  if (query.status === 0) return { state: 'ok', output: query.stdout };

  const parent = key.slice(0, key.lastIndexOf('\\'));
  const listing = await run(runReg, ['query', parent]);
  if (!('failed' in listing) && listing.status === 0) {
    const subkeys = listing.stdout.split(/\r?\n/).map((line) => line.trim().toLowerCase());
    if (!subkeys.includes(fullName(key))) return { state: 'absent' };
  }
  const said = firstLine(query.stderr) || firstLine(query.stdout);
  return {
    state: 'error',
    reason: `reg.exe could not read it (exit status ${query.status}${said ? `: ${said}` : ''})`,
  };
}

/** One value as reg query prints it: strings as strings, DWORD and QWORD as numbers, others by type only. */
export type RegValue = string | number | { unsupported: string };

/**
 * The values of one key from `reg query` output, whose lines look like
 * `    serverUrl    REG_SZ    https://auth.example.org` (columns four spaces apart).
 */
export function parseRegQuery(output: string): Record<string, RegValue> {
  const values: Array<[string, RegValue]> = [];
  for (const line of output.split(/\r?\n/)) {
    const match = /^ {4}(.+?) {4}(REG_[A-Z0-9_]+)(?: {4}(.*))?$/.exec(line);
    if (!match) continue;
    const [, name, type, data = ''] = match as unknown as [string, string, string, string | undefined];
    if (type === 'REG_DWORD' || type === 'REG_QWORD') values.push([name, Number.parseInt(data.trim(), 16)]);
    else if (type === 'REG_SZ' || type === 'REG_EXPAND_SZ') values.push([name, data.trimEnd()]);
    else values.push([name, { unsupported: type }]);
  }
  // fromEntries defines each name as its own property, even one such as "__proto__".
  return Object.fromEntries(values);
}

/** Registry value names ignore case, as Windows does: "ServerUrl" is serverUrl. */
const CANONICAL_NAMES = new Map<string, string>(MANAGED_SETTING_KEYS.map((key) => [key.toLowerCase(), key]));

/**
 * The settings a policy key holds, by the client's names. Group Policy writes yes/no settings as DWORD 0 or
 * 1; a type WRSAuth does not read (REG_MULTI_SZ, REG_BINARY…) drops that one setting, with its reason.
 */
export function settingsFromRegistry(values: Record<string, RegValue>): {
  value: Record<string, unknown>;
  dropped: DroppedSetting[];
} {
  const settings: Array<[string, unknown]> = [];
  const dropped: DroppedSetting[] = [];
  for (const [name, raw] of Object.entries(values)) {
    const key = CANONICAL_NAMES.get(name.toLowerCase()) ?? name;
    if (typeof raw === 'object') {
      dropped.push({ setting: key, reason: `it is a ${raw.unsupported} value, which WRSAuth does not read` });
    } else if (BOOLEAN_SETTING_KEYS.includes(key as never) && (raw === 0 || raw === 1)) {
      settings.push([key, raw === 1]);
    } else {
      settings.push([key, raw]);
    }
  }
  return { value: Object.fromEntries(settings), dropped };
}
