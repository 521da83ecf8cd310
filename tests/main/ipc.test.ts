import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ipcContract } from '../../src/shared/ipc';
import { ipcMain } from './fake-electron';
import { memoryVault } from './memory-vault';

vi.mock('electron', () => import('./fake-electron'));

const { handle } = await import('../../src/main/ipc/handle');
const deviceChannel = await import('../../src/main/ipc/device');
const keychainChannel = await import('../../src/main/ipc/keychain');
const serverInfoChannel = await import('../../src/main/ipc/server-info');
const { UnavailableVault } = await import('../../src/main/token-vault');

const fromApp = { senderFrame: { url: 'app://wrsauth/index.html' }, sender: {} };

function invoke(channel: string, event: unknown, input?: unknown) {
  const listener = ipcMain.handlers.get(channel);
  if (!listener) throw new Error(`no handler for ${channel}`);
  return Promise.resolve(listener(event, input));
}

vi.spyOn(console, 'warn').mockImplementation(() => {});
vi.spyOn(console, 'error').mockImplementation(() => {});

beforeEach(() => {
  ipcMain.handlers.clear();
});

describe('handle: every IPC call is checked against the contract', () => {
  it('registers the handler on the channel the contract names', () => {
    handle('getServerInfo', () => ({ url: 'http://127.0.0.1:4580', source: 'embedded' }));
    expect([...ipcMain.handlers.keys()]).toEqual([ipcContract.getServerInfo.channel]);
  });

  it('refuses a call from a frame of another origin without running the handler', async () => {
    const impl = vi.fn(() => null);
    handle('loadDeviceToken', impl);
    for (const url of [
      'https://evil.example/',
      'file:///etc/passwd',
      'app://other/index.html',
      'http://127.0.0.1:4580/',
      'app://wrsauth.evil/index.html',
    ]) {
      await expect(
        invoke('keychain:load', { senderFrame: { url }, sender: {} }, { username: 'ckim' }),
      ).rejects.toThrow('refused');
    }
    expect(impl).not.toHaveBeenCalled();
  });

  it('refuses a call whose frame is gone (senderFrame null) or missing', async () => {
    const impl = vi.fn(() => null);
    handle('loadDeviceToken', impl);
    await expect(
      invoke('keychain:load', { senderFrame: null, sender: {} }, { username: 'ckim' }),
    ).rejects.toThrow('refused');
    await expect(invoke('keychain:load', { sender: {} }, { username: 'ckim' })).rejects.toThrow('refused');
    expect(impl).not.toHaveBeenCalled();
  });

  it('refuses input the zod schema rejects, without echoing the value', async () => {
    const impl = vi.fn(async () => undefined);
    handle('saveDeviceToken', impl);
    const secret = 'x'.repeat(600);
    const bad = [
      undefined,
      'ckim',
      { username: '' },
      { username: 'ckim' },
      { username: 'ckim', token: '' },
      { username: 'ckim', token: secret },
      { username: 42, token: 'abc' },
    ];
    for (const input of bad) {
      const error = await invoke('keychain:save', fromApp, input).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe('refused: invalid input for saveDeviceToken');
    }
    expect(impl).not.toHaveBeenCalled();
  });

  it('refuses arguments to a function that takes none', async () => {
    const impl = vi.fn(() => ({ available: true }));
    handle('getKeychainStatus', impl);
    await expect(invoke('keychain:status', fromApp, { surprise: true })).rejects.toThrow('refused');
    expect(impl).not.toHaveBeenCalled();
  });

  it('passes valid input from the app origin to the handler, parsed (usernames trimmed)', async () => {
    const impl = vi.fn(async () => 'device-token');
    handle('loadDeviceToken', impl);
    await expect(invoke('keychain:load', fromApp, { username: '  ckim ' })).resolves.toBe('device-token');
    expect(impl).toHaveBeenCalledWith({ username: 'ckim' }, fromApp);
  });

  it("refuses to return an answer that breaks the contract's output schema", async () => {
    handle('getServerInfo', () => ({ url: 'not a url', source: 'embedded' }) as never);
    await expect(invoke('server:info', fromApp)).rejects.toThrow('internal error in getServerInfo');
  });
});

describe('server info channel', () => {
  it('answers the chosen server and its source', async () => {
    serverInfoChannel.initialize({ url: 'https://auth.example.org', source: 'managed' });
    await expect(invoke('server:info', fromApp)).resolves.toEqual({
      url: 'https://auth.example.org',
      source: 'managed',
    });
  });
});

describe('device name channel', () => {
  const nameFor = async (hostname: () => string) => {
    ipcMain.handlers.clear();
    deviceChannel.initialize(hostname);
    return invoke('device:name', fromApp);
  };

  it('answers the host name, trimmed to the 100 characters the server keeps', async () => {
    await expect(nameFor(() => '  FRONT-DESK-1 \n')).resolves.toBe('FRONT-DESK-1');
    await expect(nameFor(() => 'w'.repeat(300))).resolves.toBe('w'.repeat(100));
  });

  it('falls back to "WRSAuth desktop" when the host name is empty or cannot be read', async () => {
    await expect(nameFor(() => ' \t ')).resolves.toBe('WRSAuth desktop');
    await expect(
      nameFor(() => {
        throw new Error('uv_os_gethostname');
      }),
    ).resolves.toBe('WRSAuth desktop');
  });

  it('answers only frames of the app origin', async () => {
    const hostname = vi.fn(() => 'FRONT-DESK-1');
    deviceChannel.initialize(hostname);
    await expect(
      invoke('device:name', { senderFrame: { url: 'https://evil.example/' }, sender: {} }),
    ).rejects.toThrow('refused');
    expect(hostname).not.toHaveBeenCalled();
  });
});

describe('keychain channel', () => {
  it('stores the device token under "<server origin>|<username>"', async () => {
    const vault = memoryVault();
    keychainChannel.initialize({ vault, serverUrl: 'https://auth.example.org/wrsauth' });
    await invoke('keychain:save', fromApp, { username: 'CKim', token: 'tok-1' });
    expect([...vault.tokens.entries()]).toEqual([['https://auth.example.org|ckim', 'tok-1']]);
    await expect(invoke('keychain:load', fromApp, { username: 'ckim' })).resolves.toBe('tok-1');
  });

  it('forgets only the named user', async () => {
    const vault = memoryVault();
    keychainChannel.initialize({ vault, serverUrl: 'http://127.0.0.1:4580' });
    await invoke('keychain:save', fromApp, { username: 'ckim', token: 'tok-c' });
    await invoke('keychain:save', fromApp, { username: 'jdoe', token: 'tok-j' });
    await expect(invoke('keychain:forget', fromApp, { username: 'ckim' })).resolves.toBeUndefined();
    await expect(invoke('keychain:load', fromApp, { username: 'ckim' })).resolves.toBeNull();
    await expect(invoke('keychain:load', fromApp, { username: 'jdoe' })).resolves.toBe('tok-j');
  });

  it('without a keychain: reports why, loads nothing, and refuses to save', async () => {
    keychainChannel.initialize({
      vault: new UnavailableVault('No Secret Service is running'),
      serverUrl: 'http://127.0.0.1:4580',
    });
    await expect(invoke('keychain:status', fromApp)).resolves.toEqual({
      available: false,
      reason: 'No Secret Service is running',
    });
    await expect(invoke('keychain:load', fromApp, { username: 'ckim' })).resolves.toBeNull();
    await expect(invoke('keychain:save', fromApp, { username: 'ckim', token: 't' })).rejects.toThrow(
      'No Secret Service is running',
    );
  });
});
