/** The trusted-workstation token, kept in the OS keychain under `<server origin>|<username>`. */
import { deviceTokenAccount, type TokenVault } from '../token-vault';
import { handle } from './handle';

export interface KeychainChannelOptions {
  vault: TokenVault;
  /** The server in use: a token is only ever offered back to the server that issued it. */
  serverUrl: string;
}

export function initialize({ vault, serverUrl }: KeychainChannelOptions): void {
  const account = (username: string) => deviceTokenAccount(serverUrl, username);
  handle('getKeychainStatus', () => vault.status());
  handle('loadDeviceToken', ({ username }) => vault.get(account(username)));
  handle('saveDeviceToken', ({ username, token }) => vault.set(account(username), token));
  handle('forgetDeviceToken', async ({ username }) => {
    await vault.delete(account(username));
  });
}
