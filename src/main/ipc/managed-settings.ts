/** IT's managed settings in force, and where each came from, for the renderer's About panel and policies. */
import type { ManagedSettingsInfo } from '../../shared/managed-settings';
import { handle } from './handle';

export function initialize(current: () => ManagedSettingsInfo): void {
  handle('getManagedSettings', () => current());
}
