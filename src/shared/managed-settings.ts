/**
 * The settings IT may fix on a workstation (Group Policy, a configuration profile, or a root-owned file),
 * written once: the main process validates every source with this schema, and the IPC contract sends the
 * result to the About panel.
 */
import { z } from 'zod';

export const UpdatePolicy = z.enum(['off', 'manual', 'auto']);
export type UpdatePolicy = z.infer<typeof UpdatePolicy>;

/** An http(s) URL with no user, password, query or fragment. */
const HttpUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((raw) => {
    try {
      const url = new URL(raw);
      return (
        (url.protocol === 'https:' || url.protocol === 'http:') &&
        !url.username &&
        !url.password &&
        !url.search &&
        !url.hash
      );
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL without a user, password, query or fragment');

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The practice application's start page: https, or http on loopback for a development run, so that what the
 * window shows (a medical record) never crosses a network in the clear.
 */
const PracticeAppUrl = HttpUrl.refine((raw) => {
  // Zod runs this check even when HttpUrl's failed; that one has already said why.
  if (!URL.canParse(raw)) return true;
  const url = new URL(raw);
  return url.protocol === 'https:' || LOOPBACK_HOSTS.has(url.hostname);
}, 'must be https:// (http:// only on 127.0.0.1, localhost or [::1])');

export const ManagedSettings = z
  .object({
    /** The verification server every user of this workstation signs in to. */
    serverUrl: HttpUrl.optional(),
    /** off (the default), manual (the user is told and chooses when), auto (downloaded and installed on quit). */
    updates: UpdatePolicy.optional(),
    /** Where IT publishes updates (electron-updater's generic provider). Needed unless updates is off. */
    updateUrl: HttpUrl.optional(),
    /** false hides "Remember this workstation" and refuses to keep or offer a workstation token. */
    allowRememberWorkstation: z.boolean().optional(),
    /** Minutes untouched before the idle lock; only ever shortens the practice's own setting. */
    idleLockMinutes: z.number().int().min(1).max(60).optional(),
    /** Who to call, shown where a user is locked out, e.g. "IT help desk, ext. 4410". */
    supportContact: z.string().trim().min(1).max(200).optional(),
    /**
     * true lets the app start its own built-in server when no serverUrl is set, for a practice that really
     * runs the server inside the desktop app. Off by default in installed builds; a managed client without
     * it and without a serverUrl asks the user to contact IT instead.
     */
    allowEmbeddedServer: z.boolean().optional(),
    /**
     * The practice application (an OpenID Connect client of the server) the client opens in its window
     * after the location step, signed in by the client's own sign-in. Unset: the signed-in screen as ever.
     */
    practiceAppUrl: PracticeAppUrl.optional(),
    /** Its short name for staff, as in "Opening <name>…". */
    practiceAppName: z.string().trim().min(1).max(60).optional(),
  })
  .strict();
export type ManagedSettings = z.infer<typeof ManagedSettings>;

/** How many ignored sources and settings are kept for the About panel (the log has every one). */
export const MAX_IGNORED = 20;

export const MANAGED_SETTING_KEYS = Object.keys(ManagedSettings.shape) as Array<keyof ManagedSettings>;
export const ManagedSettingKey = z.enum(
  MANAGED_SETTING_KEYS as [keyof ManagedSettings, ...Array<keyof ManagedSettings>],
);
export type ManagedSettingKey = keyof ManagedSettings;

/** The yes/no settings: Group Policy stores them as DWORD 0 or 1. */
export const BOOLEAN_SETTING_KEYS: readonly ManagedSettingKey[] = MANAGED_SETTING_KEYS.filter(
  (key) => ManagedSettings.shape[key].unwrap() instanceof z.ZodBoolean,
);

/** Something IT set that the app could not use: a whole source, or one setting of it, and why. */
export const ManagedProblem = z.object({
  /** Where it was, e.g. "Group Policy (HKLM\SOFTWARE\Policies\WRSAuth)" or a file's path. */
  source: z.string().max(300),
  /** The setting's name as found there (it may be one this version does not know); absent for a whole source. */
  setting: z.string().max(100).optional(),
  /** Why, in one line; never the value, which could be anything. */
  reason: z.string().max(300),
});
export type ManagedProblem = z.infer<typeof ManagedProblem>;

/** What the About panel shows: each managed value and the source it came from (e.g. a registry key). */
export const ManagedSettingsInfo = z.object({
  values: ManagedSettings,
  sources: z.partialRecord(ManagedSettingKey, z.string().max(300)),
  /**
   * IT manages this computer: at least one of its sources is there, even one whose every setting was
   * ignored. A managed client takes its server from IT only: never from the user's own settings, and the
   * built-in server only when IT's allowEmbeddedServer says so.
   */
  managed: z.boolean(),
  /** Sources that are there but could not be read: the client then refuses to guess which server to use. */
  unreadable: z.array(ManagedProblem).max(10),
  /** Whole sources, or single settings, that are there but were ignored, each with its reason. */
  ignored: z.array(ManagedProblem).max(MAX_IGNORED),
});
export type ManagedSettingsInfo = z.infer<typeof ManagedSettingsInfo>;
