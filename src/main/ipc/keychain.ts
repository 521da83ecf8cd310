/** The trusted-workstation token, kept in the OS keychain under `<server origin>|<username>`. */
import { deviceTokenAccount, type TokenVault } from '../token-vault';
import { handle, IpcRefused } from './handle';

export const REMEMBER_TURNED_OFF = 'Your IT department has turned off remembering this workstation.';

export interface KeychainChannelOptions {
  vault: TokenVault;
  /** The server in use: a token is only ever offered back to the server that issued it. */
  serverUrl: string | (() => string);
  /**
   * Managed settings' allowRememberWorkstation, read at every call so a change applies at once. When false,
   * the keychain reports itself unavailable (the renderer then offers no "Remember this workstation"), no
   * token is offered to the server, and none is kept.
   */
  allowRemember?: () => boolean;
}

export function initialize({ vault, serverUrl, allowRemember = () => true }: KeychainChannelOptions): void {
  const account = (username: string) =>
    deviceTokenAccount(typeof serverUrl === 'function' ? serverUrl() : serverUrl, username);
  handle('getKeychainStatus', () =>
    allowRemember() ? vault.status() : { available: false, reason: REMEMBER_TURNED_OFF },
  );
  handle('loadDeviceToken', ({ username }) => (allowRemember() ? vault.get(account(username)) : null));
  handle('saveDeviceToken', ({ username, token }) => {
    if (!allowRemember()) throw new IpcRefused('refused: remembering this workstation is turned off by IT');
    return vault.set(account(username), token);
  });
  handle('forgetDeviceToken', async ({ username }) => {
    await vault.delete(account(username));
  });
}
