/**
 * Secrets: the server key, one-time codes and bearer tokens. Codes are stored only as keyed HMACs and
 * tokens only as SHA-256 hashes, so a copy of the database yields neither.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createSecretKey,
  hkdfSync,
  type KeyObject,
  randomBytes,
  randomInt,
  timingSafeEqual,
} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, parseSecret } from './config';
import { SQLITE_FILE, sqliteExists } from './db/database';

export const SECRET_FILE = 'secret.key';
export const CODE_LENGTH = 6;

/**
 * The key from WRSAUTH_SECRET if set; else the data dir's key file, created (mode 0600) only on a data dir that
 * holds no database yet. A database whose key file has gone refuses instead: a new key would silently make every
 * authenticator app, recovery code and sent code it holds unusable.
 */
export function loadServerKey(dataDir: string, fromEnv?: Buffer): Buffer {
  if (fromEnv) return fromEnv;
  const file = path.join(dataDir, SECRET_FILE);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!fs.existsSync(file)) {
    if (sqliteExists(dataDir)) throw new ConfigError(missingKeyMessage(dataDir));
    // Write aside, then link into place: a server and a CLI starting together both see a whole key.
    const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    fs.writeFileSync(draft, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
    try {
      fs.linkSync(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      fs.unlinkSync(draft);
    }
  }
  return parseSecret(fs.readFileSync(file, 'utf8'), file);
}

function missingKeyMessage(dataDir: string): string {
  const file = path.join(dataDir, SECRET_FILE);
  return (
    `the data dir ${dataDir} holds a database (${SQLITE_FILE}) but its key file ${file} is gone; ` +
    'a new key would make every authenticator app, recovery code and pending code in it unusable, so none is made. ' +
    `Put ${SECRET_FILE} back from the backup of the data dir, or set WRSAUTH_SECRET (or WRSAUTH_SECRET_FILE) to the key the database was made with`
  );
}

export function generateCode(): string {
  return randomInt(0, 10 ** CODE_LENGTH)
    .toString()
    .padStart(CODE_LENGTH, '0');
}

export function isWellFormedCode(code: string): boolean {
  return code.length === CODE_LENGTH && /^[0-9]+$/.test(code);
}

/**
 * The server key, and the keys it replaced (WRSAUTH_SECRET_PREVIOUS): new HMACs always use the current key,
 * and a code HMACed under a previous key still matches, so codes sent just before a rotation keep working
 * until they expire.
 */
export class Keyring {
  private readonly key: KeyObject;
  private readonly previous: KeyObject[];

  constructor(key: Buffer, previous: Buffer[] = []) {
    this.key = createSecretKey(key);
    this.previous = previous.map((old) => createSecretKey(old));
  }

  /** The code is bound to its challenge, so the same digits on another challenge do not match. */
  codeHmac(challengeId: string, code: string): string {
    return this.mac(`code\0${challengeId}\0${code}`);
  }

  codeMatches(challengeId: string, code: string, storedHmac: string): boolean {
    const expected = Buffer.from(storedHmac);
    const message = `code\0${challengeId}\0${code}`;
    return [this.key, ...this.previous].some((key) => {
      const actual = Buffer.from(mac(key, message));
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    });
  }

  /** A stable, non-reversible key for a phone number or address, for cooldowns. */
  contactKey(channel: string, contact: string): string {
    return this.mac(`contact\0${channel}\0${contact.toLowerCase()}`);
  }

  /**
   * A stable, non-reversible key for a User ID as typed (lower-cased), known account or not: it counts guesses
   * at one account, and picks the digits a decoy password reset shows.
   */
  accountKey(usernameKey: string): string {
    return this.mac(`account\0${usernameKey}`);
  }

  /** A recovery code's HMAC, bound to its user, under the current key. */
  recoveryCodeHmac(userId: string, code: string): string {
    return this.mac(`recovery\0${userId}\0${code}`);
  }

  /** The code's HMAC under every key, current first: what a stored code may look like after a rotation. */
  recoveryCodeHmacs(userId: string, code: string): string[] {
    return [this.key, ...this.previous].map((key) => mac(key, `recovery\0${userId}\0${code}`));
  }

  /** A guided-recovery bypass code's HMAC, bound to its user, under the current key. */
  bypassCodeHmac(userId: string, code: string): string {
    return this.mac(`bypass\0${userId}\0${code}`);
  }

  /** The bypass code's HMAC under every key, current first. */
  bypassCodeHmacs(userId: string, code: string): string[] {
    return [this.key, ...this.previous].map((key) => mac(key, `bypass\0${userId}\0${code}`));
  }

  /**
   * Encrypts a secret the server must read back (an authenticator secret): AES-256-GCM under a key derived
   * from the server key, bound to `context` (the owner's id), so a sealed value moved to another row fails.
   */
  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', sealKey(this.key), iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `v1.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /** Opens a sealed value under the current key or a previous one; undefined when none fits. */
  open(sealed: string, context: string): string | undefined {
    const raw = sealed.startsWith('v1.') ? Buffer.from(sealed.slice(3), 'base64url') : undefined;
    if (!raw || raw.length < 29) return undefined;
    const iv = raw.subarray(0, 12);
    const tag = raw.subarray(raw.length - 16);
    const body = raw.subarray(12, raw.length - 16);
    for (const key of [this.key, ...this.previous]) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', sealKey(key), iv);
        decipher.setAAD(Buffer.from(context));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      } catch {
        // Not sealed under this key; try the next.
      }
    }
    return undefined;
  }

  /**
   * Keys for another purpose (oidc-provider's cookie signatures), derived by HKDF from the server key and
   * each previous one, current first: every instance with the same WRSAUTH_SECRET derives the same ones, and
   * what was signed under a previous key still verifies after a rotation.
   */
  derivedKeys(purpose: string): Buffer[] {
    return [this.key, ...this.previous].map((key) =>
      Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `wrsauth ${purpose} v1`, 32)),
    );
  }

  private mac(message: string): string {
    return mac(this.key, message);
  }
}

/** The encryption key is derived, never the HMAC key itself, so one key never serves two algorithms. */
function sealKey(key: KeyObject): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'wrsauth seal v1', 32));
}

function mac(key: KeyObject, message: string): string {
  return createHmac('sha256', key).update(message).digest('base64url');
}

/** A 256-bit random bearer token, and the only form of it the database keeps. */
export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

let lastMs = 0;
let sequence = 0;
/** Ids that sort by creation time (then by a per-process sequence), with 64 random bits. */
export function newSortableId(now: Date = new Date()): string {
  const ms = now.getTime();
  sequence = ms === lastMs ? sequence + 1 : 0;
  lastMs = ms;
  return `${ms.toString(36).padStart(9, '0')}${sequence.toString(36).padStart(4, '0')}${randomBytes(8).toString('hex')}`;
}
