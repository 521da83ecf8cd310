/**
 * The current managed settings, kept up to date without a restart: every source is read again on a timer
 * (the registry and configuration profiles have no change event we can use), and sooner when a watched
 * folder changes. Listeners hear only real changes.
 */
import nodeFs from 'node:fs';
import type { ManagedSettingsInfo } from '../../shared/managed-settings';
import { loadManagedSettings, NO_MANAGED_SETTINGS } from './settings';
import type { ManagedSource } from './sources';

export interface ManagedSettingsStoreOptions {
  sources: readonly ManagedSource[];
  /** How often every source is read again. */
  pollMs?: number;
  /** Folders to fs.watch for a quicker reread (missing ones are skipped). */
  watchFolders?: readonly string[];
  log?: (line: string) => void;
  watch?: typeof nodeFs.watch;
}

type Listener = (next: ManagedSettingsInfo, previous: ManagedSettingsInfo) => void;

export class ManagedSettingsStore {
  private info: ManagedSettingsInfo = NO_MANAGED_SETTINGS;
  private readonly listeners = new Set<Listener>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private watchers: nodeFs.FSWatcher[] = [];
  private reading: Promise<void> | undefined;
  private again = false;
  private lastLogged = new Set<string>();

  constructor(private readonly options: ManagedSettingsStoreOptions) {}

  get current(): ManagedSettingsInfo {
    return this.info;
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads every source; the first call also starts polling and watching. */
  async start(): Promise<ManagedSettingsInfo> {
    await this.refresh();
    if (!this.timer) {
      this.timer = setInterval(() => void this.refresh(), this.options.pollMs ?? 10_000);
      this.timer.unref?.();
      const watch = this.options.watch ?? nodeFs.watch;
      for (const folder of this.options.watchFolders ?? []) {
        try {
          const watcher = watch(folder, { persistent: false }, () => void this.refresh());
          watcher.on('error', () => watcher.close());
          this.watchers.push(watcher);
        } catch {
          // A folder that does not exist yet is still polled.
        }
      }
    }
    return this.info;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
  }

  /** Reads again now; calls made during a read are folded into one more read after it. */
  refresh(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.again = false;
        // The same bad file is logged once, not on every poll.
        const seen = new Set<string>();
        const next = await loadManagedSettings(this.options.sources, (line) => {
          seen.add(line);
          if (!this.lastLogged.has(line)) (this.options.log ?? console.warn)(line);
        });
        this.lastLogged = seen;
        const previous = this.info;
        if (JSON.stringify(next) !== JSON.stringify(previous)) {
          this.info = next;
          for (const listener of this.listeners) listener(next, previous);
        }
      } while (this.again);
    })().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }
}
