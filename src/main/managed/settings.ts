/**
 * IT's settings as the app uses them: each source is read and validated as a whole (a bad one is ignored
 * with one log line saying why, never a crash), then each key is taken from the strongest source that sets it.
 */
import {
  MANAGED_SETTING_KEYS,
  ManagedSettings,
  type ManagedSettingsInfo,
} from '../../shared/managed-settings';
import type { ManagedSource } from './sources';

export const NO_MANAGED_SETTINGS: ManagedSettingsInfo = { values: {}, sources: {}, ignored: [] };

/** The first problem zod found, as "key: message" (never the value, which could be anything). */
function firstIssue(error: {
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string; code?: string; keys?: string[] }>;
}) {
  const issue = error.issues[0];
  if (!issue) return 'it is not valid';
  if (issue.code === 'unrecognized_keys' && issue.keys) return `unknown setting ${issue.keys.join(', ')}`;
  const at = issue.path.map(String).join('.');
  return at ? `${at}: ${issue.message}` : issue.message;
}

export async function loadManagedSettings(
  sources: readonly ManagedSource[],
  log: (line: string) => void = (line) => console.warn(line),
): Promise<ManagedSettingsInfo> {
  const info: ManagedSettingsInfo = { values: {}, sources: {}, ignored: [] };
  for (const source of sources) {
    let read: Awaited<ReturnType<ManagedSource['read']>>;
    try {
      read = await source.read();
    } catch (error) {
      read = { state: 'refused', reason: `it could not be read (${(error as Error).message})` };
    }
    if (read.state === 'absent') continue;
    let reason: string | undefined;
    if (read.state === 'refused') {
      reason = read.reason;
    } else if (typeof read.value !== 'object' || read.value === null || Array.isArray(read.value)) {
      reason = 'it is not a JSON object';
    } else {
      const parsed = ManagedSettings.safeParse(read.value);
      if (parsed.success) {
        for (const key of MANAGED_SETTING_KEYS) {
          if (parsed.data[key] === undefined || info.values[key] !== undefined) continue;
          (info.values as Record<string, unknown>)[key] = parsed.data[key];
          info.sources[key] = source.label;
        }
        continue;
      }
      reason = firstIssue(parsed.error);
    }
    const line = `ignoring ${source.label}: ${reason}`;
    log(`[managed] ${line}`);
    if (info.ignored.length < 10) info.ignored.push(line.slice(0, 500));
  }
  return info;
}
