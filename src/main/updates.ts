/**
 * Updates, as IT decides (after VS Code's update policy): off unless managed settings say `manual` or
 * `auto` and name an `updateUrl` (electron-updater's generic provider: a folder IT serves with latest.yml and
 * the installers). Never for an MSI install, which electron-updater cannot update (Windows Installer, through
 * Group Policy or Intune, does), nor for deb/rpm installs (the system's package manager does). The updater is
 * injected, so all of this is tested without Electron.
 */
import nodeFs from 'node:fs';
import path from 'node:path';
import type { ManagedSettings } from '../shared/managed-settings';

/** What is used of electron-updater's AppUpdater. */
export interface AppUpdater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<unknown>;
  downloadUpdate(): Promise<unknown>;
  on(event: 'update-available', listener: (info: { version: string }) => void): unknown;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export type InstallKind = 'unpackaged' | 'nsis' | 'msi' | 'mac' | 'appimage' | 'linux-package';

export interface InstallFacts {
  platform: NodeJS.Platform;
  isPackaged: boolean;
  /** process.execPath */
  execPath: string;
  env: Record<string, string | undefined>;
  exists?: (file: string) => boolean;
}

/** The NSIS installer leaves its uninstaller beside the app; the MSI does not. */
export const NSIS_UNINSTALLER = 'Uninstall WRSAuth.exe';

export function installKind(facts: InstallFacts): InstallKind {
  if (!facts.isPackaged) return 'unpackaged';
  const exists = facts.exists ?? nodeFs.existsSync;
  if (facts.platform === 'win32') {
    return exists(path.win32.join(path.win32.dirname(facts.execPath), NSIS_UNINSTALLER)) ? 'nsis' : 'msi';
  }
  if (facts.platform === 'darwin') return 'mac';
  return facts.env.APPIMAGE ? 'appimage' : 'linux-package';
}

export type UpdatePlan =
  | { enabled: false; reason: string }
  | { enabled: true; mode: 'manual' | 'auto'; url: string };

const REFUSED_KINDS: Partial<Record<InstallKind, string>> = {
  unpackaged: 'this is not an installed app',
  msi: 'installed from the MSI, which Windows Installer (Group Policy, Intune) updates',
  'linux-package': "installed from a deb or rpm package, which the system's package manager updates",
};

export function planUpdates(settings: ManagedSettings, kind: InstallKind): UpdatePlan {
  const mode = settings.updates ?? 'off';
  if (mode === 'off') return { enabled: false, reason: 'updates are off unless IT turns them on' };
  const refused = REFUSED_KINDS[kind];
  if (refused) return { enabled: false, reason: refused };
  if (!settings.updateUrl) return { enabled: false, reason: `updates is ${mode} but no updateUrl is set` };
  return { enabled: true, mode, url: settings.updateUrl };
}

export interface UpdateControllerOptions {
  kind: InstallKind;
  /** Loads electron-updater only when updates are on (it is not needed otherwise). */
  loadUpdater: () => Promise<AppUpdater>;
  /** `manual`: asks the user whether to download this version now. */
  askToDownload: (version: string) => Promise<boolean>;
  log?: (line: string) => void;
  /** How often to look for an update while on. */
  checkEveryMs?: number;
}

/** Applies the managed settings to the updater, again whenever they change. */
export class UpdateController {
  private updater: AppUpdater | undefined;
  private plan: UpdatePlan = { enabled: false, reason: 'not started' };
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly log: (line: string) => void;

  constructor(private readonly options: UpdateControllerOptions) {
    this.log = options.log ?? ((line) => console.warn(line));
  }

  get current(): UpdatePlan {
    return this.plan;
  }

  async apply(settings: ManagedSettings): Promise<UpdatePlan> {
    const plan = planUpdates(settings, this.options.kind);
    const same = JSON.stringify(plan) === JSON.stringify(this.plan);
    this.plan = plan;
    if (same) return plan;
    clearInterval(this.timer);
    this.timer = undefined;
    if (!plan.enabled) {
      if (this.updater) this.updater.autoInstallOnAppQuit = false;
      this.log(`[updates] off: ${plan.reason}`);
      return plan;
    }
    const updater = await this.load();
    updater.setFeedURL({ provider: 'generic', url: plan.url });
    updater.autoDownload = plan.mode === 'auto';
    updater.autoInstallOnAppQuit = true;
    this.log(`[updates] ${plan.mode} from ${plan.url}`);
    this.timer = setInterval(() => void this.check(), this.options.checkEveryMs ?? 4 * 60 * 60 * 1000);
    this.timer.unref?.();
    await this.check();
    return plan;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async load(): Promise<AppUpdater> {
    if (this.updater) return this.updater;
    const updater = await this.options.loadUpdater();
    updater.on('update-available', (info) => void this.onAvailable(info.version));
    updater.on('update-downloaded', (info) =>
      this.log(`[updates] ${info.version} downloaded; it installs when WRSAuth quits`),
    );
    updater.on('error', (error) => this.log(`[updates] failed: ${error.message.split('\n')[0]}`));
    this.updater = updater;
    return updater;
  }

  private async check(): Promise<void> {
    if (!this.plan.enabled || !this.updater) return;
    try {
      await this.updater.checkForUpdates();
    } catch (error) {
      this.log(`[updates] check failed: ${(error as Error).message.split('\n')[0]}`);
    }
  }

  private async onAvailable(version: string): Promise<void> {
    if (!this.plan.enabled || this.plan.mode !== 'manual' || !this.updater) return;
    if (!(await this.options.askToDownload(version))) return;
    try {
      await this.updater.downloadUpdate();
    } catch (error) {
      this.log(`[updates] download failed: ${(error as Error).message.split('\n')[0]}`);
    }
  }
}

/** electron-updater's autoUpdater (CommonJS, so it may sit on the default export). */
export async function loadElectronUpdater(): Promise<AppUpdater> {
  const module = (await import('electron-updater')) as unknown as {
    autoUpdater?: AppUpdater;
    default?: { autoUpdater: AppUpdater };
  };
  const updater = module.autoUpdater ?? module.default?.autoUpdater;
  if (!updater) throw new Error('electron-updater has no autoUpdater');
  return updater;
}
