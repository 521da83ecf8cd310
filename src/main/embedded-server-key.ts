/**
 * The embedded server's key (its WRSAUTH_SECRET) lives in the OS keychain, in the same vault as the
 * workstation tokens, and never in the server's data dir: a copy of <userData>/server alone then holds
 * sealed authenticator secrets and code HMACs, but not the key that opens them. The key reaches the server
 * only through its environment (embedded-server.ts).
 *
 * Older versions let the server write the key to <data dir>/secret.key. That file is moved into the
 * keychain once, read back, and only then removed, so what was sealed under it still opens. Without a
 * usable keychain the embedded server does not start: writing the key to disk instead is the weakness this
 * module exists to close.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { oneLine, type TokenVault } from './token-vault';

/** The keychain account, next to the workstation tokens' `<origin>|<username>` (which always hold "://"). */
export const EMBEDDED_SERVER_KEY_ACCOUNT = '(embedded server key)';

/** Where older versions kept the key: the server's own key file (server/secrets.ts, SECRET_FILE). */
export const LEGACY_KEY_FILE = 'secret.key';

export class EmbeddedServerKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedServerKeyError';
  }
}

/** The rule the server applies to WRSAUTH_SECRET: base64 of at least 32 bytes. */
function decodeKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return undefined;
  const key = Buffer.from(trimmed, 'base64');
  return key.length >= 32 ? key : undefined;
}

function readLegacyKeyFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EmbeddedServerKeyError(
      `The built-in server cannot read its old key file ${file}: ${oneLine((error as Error).message)}`,
    );
  }
}

/** Once the keychain holds the key, the copy on disk goes: leaving it would defeat the move. */
function removeLegacyKeyFile(file: string): void {
  try {
    fs.rmSync(file);
  } catch (error) {
    throw new EmbeddedServerKeyError(
      `The built-in server's key is now in the OS keychain, but its old key file ${file} could not be removed: ${oneLine((error as Error).message)}`,
    );
  }
}

/** Saves the key and reads it back: the old file may go only once the keychain surely holds the key. */
async function store(vault: TokenVault, key: string): Promise<void> {
  try {
    await vault.set(EMBEDDED_SERVER_KEY_ACCOUNT, key);
  } catch (error) {
    throw new EmbeddedServerKeyError(
      `The built-in server's key could not be saved in the OS keychain: ${oneLine((error as Error)?.message ?? String(error))}`,
    );
  }
  if ((await vault.get(EMBEDDED_SERVER_KEY_ACCOUNT)) !== key) {
    throw new EmbeddedServerKeyError(
      'The built-in server saved its key in the OS keychain but could not read it back',
    );
  }
}

/**
 * The embedded server's key, base64, for its WRSAUTH_SECRET: from the keychain; else moved there from an
 * older version's key file in `dataDir`; else made (32 random bytes) and saved there. Throws
 * EmbeddedServerKeyError, with one line a person can act on, when the keychain cannot be used.
 */
export async function embeddedServerKey(vault: TokenVault, dataDir: string): Promise<string> {
  const status = await vault.status();
  if (!status.available) {
    throw new EmbeddedServerKeyError(
      `The built-in server keeps its key only in the OS keychain, never on disk, so it cannot start without one. ${status.reason ?? 'The OS keychain is not available.'}`,
    );
  }
  const file = path.join(dataDir, LEGACY_KEY_FILE);
  const saved = await vault.get(EMBEDDED_SERVER_KEY_ACCOUNT);
  const legacy = readLegacyKeyFile(file);

  if (saved !== null) {
    const key = decodeKey(saved);
    if (!key) {
      throw new EmbeddedServerKeyError(
        `The built-in server's key in the OS keychain (account "${EMBEDDED_SERVER_KEY_ACCOUNT}") is damaged; nothing was changed`,
      );
    }
    if (legacy !== undefined) {
      // A move cut short after the keychain took the key: finish it. Any other key file is not ours to drop.
      if (!decodeKey(legacy)?.equals(key)) {
        throw new EmbeddedServerKeyError(
          `The built-in server found an old key file ${file} that differs from its key in the OS keychain; nothing was changed. Move the file away if it came from another copy of the data`,
        );
      }
      removeLegacyKeyFile(file);
    }
    return saved;
  }

  if (legacy !== undefined) {
    const trimmed = legacy.trim();
    if (!decodeKey(trimmed)) {
      throw new EmbeddedServerKeyError(
        `The built-in server's old key file ${file} is damaged; nothing was changed`,
      );
    }
    await store(vault, trimmed);
    removeLegacyKeyFile(file);
    return trimmed;
  }

  const key = randomBytes(32).toString('base64');
  await store(vault, key);
  return key;
}
