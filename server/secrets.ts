/**
 * Secrets: the server key, one-time codes and bearer tokens. Codes are stored only as keyed HMACs (or, for
 * recovery and bypass codes, digests sealed under the key) and tokens only as SHA-256 hashes, so a copy of
 * the database yields neither. Everything made under the key names it by its key id (see keyIdOf).
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
 * A key's public name: the first 8 hex digits of its SHA-256. Stored with everything sealed or HMACed under
 * it, so `rekey --check` can count what each key still protects without holding the key, and a server can
 * tell that a key it no longer holds is still needed. 32 bits name a key; they reveal nothing usable of it.
 */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, KEY_ID_LENGTH);
}

export const KEY_ID_LENGTH = 8;
const KEY_ID = /^[0-9a-f]{8}$/;

/**
 * The key id a stored value names, or undefined for a value made before key ids were recorded: sealed values
 * read `v2.<key id>.<sealed>`, HMACs `<key id>.<hmac>` (a bare HMAC or a `v1.` seal names no key).
 */
export function keyIdIn(stored: string): string | undefined {
  const id = stored.startsWith('v2.') ? stored.slice(3, 3 + KEY_ID_LENGTH) : stored.slice(0, KEY_ID_LENGTH);
  const dot = stored.startsWith('v2.') ? 3 + KEY_ID_LENGTH : KEY_ID_LENGTH;
  return stored[dot] === '.' && KEY_ID.test(id) ? id : undefined;
}

/**
 * The server key, and the keys it replaced (WRSAUTH_SECRET_PREVIOUS). New seals and HMACs always use the
 * current key and carry its id; a value made under a previous key still opens or matches, so nothing made
 * before a rotation stops working while its key is listed. `npm run server -- rekey` re-seals what can be
 * re-sealed; an HMAC cannot be redone without its code, so it keeps needing its key until used or replaced.
 */
export class Keyring {
  private readonly key: KeyObject;
  private readonly previous: KeyObject[];
  /** Current first. */
  private readonly ids: string[];

  constructor(key: Buffer, previous: Buffer[] = []) {
    this.key = createSecretKey(key);
    this.previous = previous.map((old) => createSecretKey(old));
    this.ids = [key, ...previous].map(keyIdOf);
  }

  /** The id of WRSAUTH_SECRET, the key everything new is made under. */
  get currentKeyId(): string {
    return this.ids[0] as string;
  }

  /** The ids of every key this server holds, current first. */
  get keyIds(): readonly string[] {
    return this.ids;
  }

  /** The code is bound to its challenge, so the same digits on another challenge do not match. */
  codeHmac(challengeId: string, code: string): string {
    return this.mac(`code\0${challengeId}\0${code}`);
  }

  codeMatches(challengeId: string, code: string, storedHmac: string): boolean {
    return this.allMacs(`code\0${challengeId}\0${code}`).some((candidate) => sameText(candidate, storedHmac));
  }

  /**
   * A stable, non-reversible key for a phone number or address, for cooldowns. A lookup key, not a stored
   * secret: it names no key id, and after a rotation the same contact simply gets a new one (its cooldowns
   * and send counts start afresh; they last minutes to an hour).
   */
  contactKey(channel: string, contact: string): string {
    return mac(this.key, `contact\0${channel}\0${contact.toLowerCase()}`);
  }

  /**
   * A stable, non-reversible key for a User ID as typed (lower-cased), known account or not: it counts guesses
   * at one account, and picks the digits a decoy password reset shows. A lookup key like contactKey: after a
   * rotation the failures counted for an unknown User ID start afresh.
   */
  accountKey(usernameKey: string): string {
    return mac(this.key, `account\0${usernameKey}`);
  }

  /**
   * A recovery or bypass code as stored: its SHA-256, bound to its user, sealed under the current key. Not an
   * HMAC, so that `rekey` can re-seal it under a new key without the code: the digest is as safe as an HMAC
   * (without the key a copy of the database yields neither; with it, either can be tested against guesses).
   */
  sealCode(kind: StoredCodeKind, userId: string, code: string): string {
    return this.seal(codeDigest(kind, userId, code), storedCodeContext(kind, userId));
  }

  /**
   * Whether a stored recovery or bypass code is this code: a sealed digest under the key it names, or an HMAC
   * stored before codes were sealed (`<key id>.<hmac>` or bare), under any key held.
   */
  storedCodeMatches(kind: StoredCodeKind, userId: string, code: string, stored: string): boolean {
    if (stored.startsWith('v1.') || stored.startsWith('v2.')) {
      const opened = this.open(stored, storedCodeContext(kind, userId));
      return opened !== undefined && sameText(opened, codeDigest(kind, userId, code));
    }
    return this.allMacs(`${kind}\0${userId}\0${code}`).some((candidate) => sameText(candidate, stored));
  }

  /**
   * Encrypts a secret the server must read back (an authenticator secret): AES-256-GCM under a key derived
   * from the server key, bound to `context` (the owner's id), so a sealed value moved to another row fails.
   * The output names the key: `v2.<key id>.<iv, ciphertext, tag>`.
   */
  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', sealKey(this.key), iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `v2.${this.currentKeyId}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /** Opens a sealed value under the key it names (or, for a `v1.` value, any key held); undefined when none fits. */
  open(sealed: string, context: string): string | undefined {
    return this.openWithKeyId(sealed, context)?.plaintext;
  }

  /** As open, and which key opened it. */
  openWithKeyId(sealed: string, context: string): { plaintext: string; keyId: string } | undefined {
    const named = keyIdIn(sealed);
    const encoded = named ? sealed.slice(4 + KEY_ID_LENGTH) : sealed.startsWith('v1.') ? sealed.slice(3) : '';
    const raw = Buffer.from(encoded, 'base64url');
    if (raw.length < 29) return undefined;
    const iv = raw.subarray(0, 12);
    const tag = raw.subarray(raw.length - 16);
    const body = raw.subarray(12, raw.length - 16);
    const keys = [this.key, ...this.previous];
    for (const [index, key] of keys.entries()) {
      const keyId = this.ids[index] as string;
      if (named && named !== keyId) continue;
      try {
        const decipher = createDecipheriv('aes-256-gcm', sealKey(key), iv);
        decipher.setAAD(Buffer.from(context));
        decipher.setAuthTag(tag);
        return {
          plaintext: Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8'),
          keyId,
        };
      } catch {
        // Not sealed under this key (or not for this context); try the next.
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

  /** A stored HMAC: `<key id>.<HMAC under the current key>`. */
  private mac(message: string): string {
    return `${this.currentKeyId}.${mac(this.key, message)}`;
  }

  /**
   * What a stored HMAC of the message may be, under every key held, current first: with its key id, and bare,
   * as HMACs were stored before key ids.
   */
  private allMacs(message: string): string[] {
    const keys = [this.key, ...this.previous];
    const bare = keys.map((key) => mac(key, message));
    return [...bare.map((value, index) => `${this.ids[index]}.${value}`), ...bare];
  }
}

export type StoredCodeKind = 'recovery' | 'bypass';

/** What a recovery or bypass code is sealed to: its user, so a sealed code moved to another user fails. */
export const storedCodeContext = (kind: StoredCodeKind, userId: string) => `${kind} code\0${userId}`;

function codeDigest(kind: StoredCodeKind, userId: string, code: string): string {
  return createHash('sha256').update(`${kind}\0${userId}\0${code}`).digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
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
