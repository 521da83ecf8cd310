/**
 * Tells the renderer which verification server to talk to and where that choice came from, or why there is
 * none (the renderer then shows the "ask IT" screen).
 */
import type { ServerInfo } from '../../shared/ipc';
import { handle } from './handle';

/** The server in use; a getter when it can change while the app runs (IT changed the managed settings). */
export function initialize(serverInfo: ServerInfo | (() => ServerInfo)): void {
  handle('getServerInfo', () => (typeof serverInfo === 'function' ? serverInfo() : serverInfo));
}
