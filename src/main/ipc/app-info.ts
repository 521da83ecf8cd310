/** This build's version, and whether it is installed or a development run, for the About panel. */
import type { AppInfo } from '../../shared/ipc';
import { handle } from './handle';

export function initialize(appInfo: AppInfo): void {
  handle('getAppInfo', () => appInfo);
}
