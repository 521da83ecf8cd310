/**
 * Where the "remember this workstation" device token lives: the OS keychain, and nowhere else (never a file,
 * never localStorage). Callers see only `TokenVault`; keytar sits behind `KeytarLike`, which is also the
 * shape of @napi-rs/keyring's keytar-compatible API, so either can be loaded here without touching a caller.
 */
import type { KeychainStatus } from '../shared/ipc';

export const KEYCHAIN_SERVICE = 'WRSAuth';

export interface TokenVault {
  status(): Promise<KeychainStatus>;
  get(account: string): Promise<string | null>;
  set(account: string, token: string): Promise<void>;
  /** True when a token was there to delete. */
  delete(account: string): Promise<boolean>;
}

/** The three keytar functions the vault needs. */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export class KeychainUnavailableError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'KeychainUnavailableError';
  }
}

/** `<server origin>|<username>`; usernames are case-insensitive on the server, so here too. */
export function deviceTokenAccount(serverUrl: string, username: string): string {
  return `${new URL(serverUrl).origin}|${username.trim().toLowerCase()}`;
}

/** One line a person can read: the first line of the cause, without a stack, capped in length. */
export function oneLine(text: string, max = 200): string {
  const first = (text.split('\n')[0] ?? '').trim();
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}

/** No keychain: nothing is remembered and sign-in works as usual. */
export class UnavailableVault implements TokenVault {
  constructor(private readonly reason: string) {}

  async status(): Promise<KeychainStatus> {
    return { available: false, reason: this.reason };
  }

  async get(): Promise<string | null> {
    return null;
  }

  async set(): Promise<void> {
    throw new KeychainUnavailableError(this.reason);
  }

  async delete(): Promise<boolean> {
    return false;
  }
}

export class KeytarVault implements TokenVault {
  private probe: Promise<KeychainStatus> | undefined;

  constructor(
    private readonly keytar: KeytarLike,
    private readonly service = KEYCHAIN_SERVICE,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  /**
   * The module can load while no Secret Service answers (Linux without gnome-keyring or KWallet), so ask
   * the keychain once for an account that never exists.
   */
  status(): Promise<KeychainStatus> {
    this.probe ??= this.keytar.getPassword(this.service, '(availability check)').then(
      () => ({ available: true }),
      (error: unknown) => {
        const hint = this.platform === 'linux' ? ' (is GNOME Keyring or KWallet running?)' : '';
        const cause = (error as Error)?.message ?? String(error);
        return { available: false, reason: oneLine(`The OS keychain is not available${hint}: ${cause}`) };
      },
    );
    return this.probe;
  }

  async get(account: string): Promise<string | null> {
    if (!(await this.status()).available) return null;
    return this.keytar.getPassword(this.service, account);
  }

  async set(account: string, token: string): Promise<void> {
    const status = await this.status();
    if (!status.available)
      throw new KeychainUnavailableError(status.reason ?? 'The OS keychain is not available');
    await this.keytar.setPassword(this.service, account, token);
  }

  async delete(account: string): Promise<boolean> {
    if (!(await this.status()).available) return false;
    return this.keytar.deletePassword(this.service, account);
  }
}

// A variable specifier: keytar is optional, so typechecking and bundling must not depend on it being
// installed. electron-vite must list it in externalizeDepsPlugin({ include: ['keytar'] }).
const KEYTAR_MODULE = 'keytar';

/** Loads keytar, or throws when it is not installed or its native part does not load. */
export async function loadKeytar(): Promise<KeytarLike> {
  const loaded = (await import(/* @vite-ignore */ KEYTAR_MODULE)) as Partial<KeytarLike> & {
    default?: Partial<KeytarLike>;
  };
  // keytar is CommonJS: its functions are on `default` (Node detects only some as named exports).
  const candidate = [loaded.default, loaded].find(
    (m) =>
      typeof m?.getPassword === 'function' &&
      typeof m.setPassword === 'function' &&
      typeof m.deletePassword === 'function',
  );
  if (!candidate) {
    throw new Error('the keytar module does not have getPassword, setPassword and deletePassword');
  }
  return candidate as KeytarLike;
}

/** The keychain vault when a keychain module loads, else a vault that says why there is none. */
export async function openTokenVault(load: () => Promise<KeytarLike> = loadKeytar): Promise<TokenVault> {
  try {
    return new KeytarVault(await load());
  } catch (error) {
    const cause = oneLine((error as Error)?.message ?? String(error));
    console.warn(`[keychain] unavailable: ${cause}`);
    // Said of the keychain, not of one use of it: the code entry screen and the embedded server both show it.
    return new UnavailableVault(
      'The OS keychain cannot be used: its module (keytar) is not installed or did not load',
    );
  }
}
