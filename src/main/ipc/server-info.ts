/** Tells the renderer which verification server to talk to and where that choice came from. */
import type { ServerInfo } from '../../shared/ipc';
import { handle } from './handle';

export function initialize(serverInfo: ServerInfo): void {
  handle('getServerInfo', () => serverInfo);
}
