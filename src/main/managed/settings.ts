/**
 * IT's settings as the app uses them. Each source is read, and each setting in it is validated on its own
 * with src/shared/managed-settings.ts: one bad value, or a setting from a newer template, drops that setting
 * with a logged reason and keeps the others (so a typo in serverUrl never takes allowRememberWorkstation=false
 * with it). Each setting is then taken from the strongest source that sets it validly, recording where it
 * came from. A source that cannot be read is reported as unreadable, never read as "nothing managed".
 */
import {
  MANAGED_SETTING_KEYS,
  MAX_IGNORED,
  type ManagedProblem,
  type ManagedSettingKey,
  ManagedSettings,
  type ManagedSettingsInfo,
} from '../../shared/managed-settings';
import type { Read } from './file';
import type { ManagedSource } from './sources';

export const NO_MANAGED_SETTINGS: ManagedSettingsInfo = {
  values: {},
  sources: {},
  managed: false,
  unreadable: [],
  ignored: [],
};

export const UNKNOWN_SETTING = 'this version of WRSAuth does not know this setting (from a newer template?)';

const KNOWN: ReadonlySet<string> = new Set(MANAGED_SETTING_KEYS);

/** A setting's name as found, fit for a log line and the About panel. */
function shownName(name: string): string {
  const printable = name.replace(/[^\w.-]/g, '?');
  return printable.length > 64 ? `${printable.slice(0, 64)}…` : printable || '(empty name)';
}

/** zod's message for one value, e.g. "Too big: expected number to be <=60" (never the value itself). */
function firstIssue(error: { issues: ReadonlyArray<{ message: string }> }): string {
  return error.issues[0]?.message ?? 'it is not valid';
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split(/\r?\n/)[0]?.slice(0, 160) ?? '';
}

function described(problem: ManagedProblem): string {
  return `${problem.setting ? `${problem.setting} from ` : ''}${problem.source}: ${problem.reason}`;
}

export async function loadManagedSettings(
  sources: readonly ManagedSource[],
  log: (line: string) => void = (line) => console.warn(line),
): Promise<ManagedSettingsInfo> {
  const info: ManagedSettingsInfo = { values: {}, sources: {}, managed: false, unreadable: [], ignored: [] };
  let moreIgnored = 0;
  const ignore = (problem: ManagedProblem) => {
    if (info.ignored.length >= MAX_IGNORED) {
      moreIgnored += 1;
      return;
    }
    log(`[managed] ignoring ${described(problem)}`);
    info.ignored.push({ ...problem, reason: problem.reason.slice(0, 300) });
  };

  for (const source of sources) {
    let read: Read;
    try {
      read = await source.read();
    } catch (error) {
      read = { state: 'unreadable', reason: `it could not be read (${firstLine(error)})` };
    }
    if (read.state === 'absent') continue;
    if (source.reportOnly) {
      ignore({ source: source.label, reason: read.state === 'ok' ? 'it is never read' : read.reason });
      continue;
    }
    info.managed = true;
    if (read.state === 'unreadable') {
      log(`[managed] cannot read ${source.label}: ${read.reason}`);
      if (info.unreadable.length < 10) {
        info.unreadable.push({ source: source.label, reason: read.reason.slice(0, 300) });
      }
      continue;
    }
    if (read.state === 'refused') {
      ignore({ source: source.label, reason: read.reason });
      continue;
    }
    if (typeof read.value !== 'object' || read.value === null || Array.isArray(read.value)) {
      ignore({ source: source.label, reason: 'it is not a JSON object' });
      continue;
    }
    for (const dropped of read.dropped ?? []) {
      ignore({ source: source.label, setting: shownName(dropped.setting), reason: dropped.reason });
    }
    for (const [name, raw] of Object.entries(read.value)) {
      if (!KNOWN.has(name)) {
        ignore({ source: source.label, setting: shownName(name), reason: UNKNOWN_SETTING });
        continue;
      }
      const key = name as ManagedSettingKey;
      const parsed = ManagedSettings.shape[key].safeParse(raw);
      if (!parsed.success) {
        ignore({ source: source.label, setting: key, reason: firstIssue(parsed.error) });
        continue;
      }
      if (parsed.data === undefined || info.values[key] !== undefined) continue;
      (info.values as Record<string, unknown>)[key] = parsed.data;
      info.sources[key] = source.label;
    }
  }
  if (moreIgnored > 0) log(`[managed] ignoring ${moreIgnored} more settings, not listed one by one`);
  return info;
}
