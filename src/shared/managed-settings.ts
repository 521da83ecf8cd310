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
  })
  .strict();
export type ManagedSettings = z.infer<typeof ManagedSettings>;

export const MANAGED_SETTING_KEYS = Object.keys(ManagedSettings.shape) as Array<keyof ManagedSettings>;
export const ManagedSettingKey = z.enum(
  MANAGED_SETTING_KEYS as [keyof ManagedSettings, ...Array<keyof ManagedSettings>],
);
export type ManagedSettingKey = keyof ManagedSettings;

/** What the About panel shows: each managed value and the source it came from (e.g. a registry key). */
export const ManagedSettingsInfo = z.object({
  values: ManagedSettings,
  sources: z.partialRecord(ManagedSettingKey, z.string().max(300)),
  /** Sources that are there but were ignored, each with its one-line reason. */
  ignored: z.array(z.string().max(500)).max(10),
});
export type ManagedSettingsInfo = z.infer<typeof ManagedSettingsInfo>;
