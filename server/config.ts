/** Server configuration from environment variables. Every bad value is a one-line, actionable error. */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface SmtpConfig {
  url: string;
  from: string;
}

export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  from?: string;
  messagingServiceSid?: string;
  apiBase: string;
  /** Public URL of POST /api/v1/webhooks/twilio/status, as Twilio will call it (TWILIO_STATUS_CALLBACK_URL). */
  statusCallbackUrl?: string;
  /** Twilio Lookup's base URL when TWILIO_LOOKUP=on: contacts saved are checked for landlines and VoIP. */
  lookupApiBase?: string;
}

/** The embedded SQLite file in the data dir, or a shared PostgreSQL database (WRSAUTH_DATABASE_URL). */
export type DatabaseConfig = { kind: 'sqlite' } | { kind: 'postgres'; url: string };

export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  database: DatabaseConfig;
  /**
   * Base64 key from WRSAUTH_SECRET; undefined means "use or create the key file in dataDir", which only
   * SQLite allows: with PostgreSQL it is required.
   */
  secret?: Buffer;
  /**
   * Keys WRSAUTH_SECRET replaced (WRSAUTH_SECRET_PREVIOUS, comma-separated base64): codes sent under them
   * still verify. Keep them for one code TTL after a rotation, then drop them.
   */
  previousSecrets: Buffer[];
  smtp?: SmtpConfig;
  twilio?: TwilioConfig;
  /**
   * WRSAUTH_DEV_OUTBOX=1: a channel with no provider may write its messages, codes included, to the data
   * dir's dev outbox. Without it `serve` refuses to start with such a channel; for trials and tests only.
   */
  devOutbox: boolean;
  loginLimitPerMinute: number;
  /** Sign-in and password-reset code sends per client address per clock hour (WRSAUTH_SEND_LIMIT_PER_HOUR). */
  sendLimitPerHour: number;
  hashConcurrency: number;
  hashQueueLimit: number;
  /**
   * The reverse proxies whose X-Forwarded-For is believed (WRSAUTH_TRUST_PROXY): addresses or CIDRs, or
   * proxy-addr's names (loopback, linklocal, uniquelocal); false for none. The client address is then the
   * nearest hop that is not one of them, so an address a client writes into the header itself is ignored.
   */
  trustProxy: string | false;
  logLevel: string;
  /**
   * The built web client served at `/` (WRSAUTH_WEB_DIR; default: the server bundle's web/, else this
   * checkout's out/renderer).
   */
  webRoot: string;
  /** Bearer token for GET /metrics (WRSAUTH_METRICS_TOKEN); without one, only loopback peers may read it. */
  metricsToken?: string;
  /**
   * Where browsers and relying parties reach this server (WRSAUTH_PUBLIC_URL): an http(s) origin with no path,
   * e.g. https://auth.practice.example behind a TLS proxy. The OpenID Connect issuer is this plus `/oidc`.
   * Undefined: http://<host>:<port> of the address the server listens on.
   */
  publicUrl?: string;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

/**
 * The variables that hold a secret (a key, a token, or a URL that may carry a password). Each also takes a
 * `…_FILE` form naming a file that holds the value, and under systemd's LoadCredential= a credential of the
 * same name in $CREDENTIALS_DIRECTORY: a secret then never sits in the environment or on a command line.
 */
export const SECRET_VARIABLES = [
  'WRSAUTH_SECRET',
  'WRSAUTH_SECRET_PREVIOUS',
  'WRSAUTH_DATABASE_URL',
  'WRSAUTH_SMTP_URL',
  'WRSAUTH_METRICS_TOKEN',
  'TWILIO_AUTH_TOKEN',
] as const;

/**
 * The environment with every secret variable filled in from its source: the variable itself, else the file
 * `X_FILE` names, else `$CREDENTIALS_DIRECTORY/X`. Errors name the variable and the path, never the content.
 */
function withSecretFiles(env: Env): Env {
  const resolved: Env = { ...env };
  for (const name of SECRET_VARIABLES) {
    const value = secretFrom(env, name);
    if (value !== undefined) resolved[name] = value;
  }
  return resolved;
}

function secretFrom(env: Env, name: string): string | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  const hasDirect = direct !== undefined && direct !== '';
  const hasFile = file !== undefined && file !== '';
  if (hasDirect && hasFile) {
    throw new ConfigError(`Set ${name} or ${name}_FILE, not both`);
  }
  if (hasDirect) return direct;
  if (hasFile) return readSecretFile(file, `${name}_FILE`);
  const credentials = env.CREDENTIALS_DIRECTORY;
  if (!credentials) return undefined;
  const credential = path.join(credentials, name);
  // A credential directory holds only what the unit loaded: a variable it does not name is simply unset.
  if (!fs.existsSync(credential)) return undefined;
  return readSecretFile(credential, `the credential ${name} (LoadCredential=)`);
}

/** The file's content without its trailing newline, as `echo … > file` and editors leave one. */
function readSecretFile(file: string, source: string): string {
  let content: string;
  try {
    content = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied to this server user'
          : code === 'EISDIR'
            ? 'it is a directory'
            : code;
    throw new ConfigError(`${source}: cannot read ${path.resolve(file)} (${reason})`);
  }
  const value = content.replace(/(\r?\n)+$/, '');
  if (value === '') throw new ConfigError(`${source}: ${path.resolve(file)} is empty`);
  return value;
}

function intFrom(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function parseSecret(raw: string, name = 'WRSAUTH_SECRET'): Buffer {
  const trimmed = raw.trim();
  const key = /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : Buffer.alloc(0);
  if (key.length < 32) {
    throw new ConfigError(
      `${name} must be base64 of at least 32 random bytes (try: openssl rand -base64 32); got ${key.length} bytes`,
    );
  }
  return key;
}

const DATABASE_URL_HINT = 'e.g. postgres://wrsauth:PASSWORD@db.internal:5432/wrsauth';

/** Never echoes the URL: it may carry the database password. */
function databaseFrom(env: Env): DatabaseConfig {
  const url = env.WRSAUTH_DATABASE_URL?.trim();
  if (!url) return { kind: 'sqlite' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`WRSAUTH_DATABASE_URL must be a PostgreSQL URL, ${DATABASE_URL_HINT}`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigError(
      `WRSAUTH_DATABASE_URL must start with postgres:// or postgresql://, ${DATABASE_URL_HINT}; unset it for the embedded SQLite`,
    );
  }
  return { kind: 'postgres', url };
}

function smtpFrom(env: Env): SmtpConfig | undefined {
  const url = env.WRSAUTH_SMTP_URL;
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('WRSAUTH_SMTP_URL must be a URL such as smtp://user:pass@mail.example.org:587');
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new ConfigError('WRSAUTH_SMTP_URL must start with smtp:// or smtps://');
  }
  return { url, from: env.WRSAUTH_MAIL_FROM || `WRSAuth <no-reply@${parsed.hostname}>` };
}

function twilioFrom(env: Env): TwilioConfig | undefined {
  const accountSid = env.TWILIO_ACCOUNT_SID;
  const authToken = env.TWILIO_AUTH_TOKEN;
  if (!accountSid && !authToken) {
    for (const name of ['TWILIO_STATUS_CALLBACK_URL', 'TWILIO_LOOKUP'] as const) {
      if (env[name]?.trim() && !['off', '0', 'false'].includes(env[name].trim().toLowerCase())) {
        throw new ConfigError(`${name} needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN`);
      }
    }
    return undefined;
  }
  if (!accountSid || !authToken) {
    throw new ConfigError('Set both TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, or neither');
  }
  const from = env.TWILIO_FROM_NUMBER || undefined;
  const messagingServiceSid = env.TWILIO_MESSAGING_SERVICE_SID || undefined;
  if (!from && !messagingServiceSid) {
    throw new ConfigError('Twilio needs TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID');
  }
  const apiBase = baseUrl(env.TWILIO_API_BASE || 'https://api.twilio.com', 'TWILIO_API_BASE');
  const callback = env.TWILIO_STATUS_CALLBACK_URL?.trim();
  const statusCallbackUrl = callback
    ? httpUrl(
        callback,
        'TWILIO_STATUS_CALLBACK_URL',
        'https://auth.example.org/api/v1/webhooks/twilio/status',
      )
    : undefined;
  const lookup = env.TWILIO_LOOKUP?.trim().toLowerCase();
  if (lookup && !['on', 'off', '1', '0', 'true', 'false'].includes(lookup)) {
    throw new ConfigError('TWILIO_LOOKUP must be on or off');
  }
  const lookupApiBase = ['on', '1', 'true'].includes(lookup ?? '')
    ? baseUrl(env.TWILIO_LOOKUP_API_BASE || 'https://lookups.twilio.com', 'TWILIO_LOOKUP_API_BASE')
    : undefined;
  return { accountSid, authToken, from, messagingServiceSid, apiBase, statusCallbackUrl, lookupApiBase };
}

function devOutboxFrom(env: Env): boolean {
  const raw = env.WRSAUTH_DEV_OUTBOX?.trim().toLowerCase();
  if (!raw || ['0', 'false', 'off'].includes(raw)) return false;
  if (['1', 'true', 'on'].includes(raw)) return true;
  throw new ConfigError(
    'WRSAUTH_DEV_OUTBOX must be 1 (a channel with no provider writes its codes to the dev outbox: trials and tests only) or 0',
  );
}

function baseUrl(raw: string, name: string): string {
  return httpUrl(raw.replace(/\/+$/, ''), name, 'https://api.twilio.com');
}

function httpUrl(raw: string, name: string, example: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL such as ${example}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`${name} must be an http(s) URL such as ${example}`);
  }
  return raw;
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function trustedProxiesFrom(env: Env): string | false {
  const raw = env.WRSAUTH_TRUST_PROXY?.trim();
  if (!raw || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') {
    // Trusting every hop believes the leftmost X-Forwarded-For entry, which the client writes itself.
    throw new ConfigError(
      'WRSAUTH_TRUST_PROXY must name your proxies, not "true" (that would let a client pick its own address): e.g. WRSAUTH_TRUST_PROXY=127.0.0.1 or 10.0.0.0/8',
    );
  }
  const entries = raw.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const version = net.isIP(address);
    const prefixOk =
      prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 6 ? 128 : 32));
    if (!PROXY_NAMES.has(entry) && (version === 0 || !prefixOk || extra !== undefined)) {
      throw new ConfigError(
        `WRSAUTH_TRUST_PROXY must be proxy addresses or CIDRs separated by commas (or loopback, linklocal, uniquelocal), got "${entry}"`,
      );
    }
  }
  return entries.join(',');
}

function metricsTokenFrom(env: Env): string | undefined {
  const token = env.WRSAUTH_METRICS_TOKEN;
  if (token === undefined || token === '') return undefined;
  if (token.length < 32 || /\s/.test(token)) {
    throw new ConfigError(
      'WRSAUTH_METRICS_TOKEN must be at least 32 characters with no spaces (try: openssl rand -hex 32)',
    );
  }
  return token;
}

const PUBLIC_URL_HINT =
  'the http(s) address browsers use to reach this server, with no path, query or fragment, e.g. https://auth.practice.example';

/** An origin only: the issuer is built from it, so a path, query, fragment or credentials would corrupt it. */
function publicUrlFrom(env: Env): string | undefined {
  const raw = env.WRSAUTH_PUBLIC_URL?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`WRSAUTH_PUBLIC_URL must be ${PUBLIC_URL_HINT}; got "${raw}"`);
  }
  const extra =
    (url.protocol !== 'https:' && url.protocol !== 'http:' && 'a scheme other than http or https') ||
    ((url.username || url.password) && 'a user name or password') ||
    (url.pathname !== '/' && `the path "${url.pathname}"`) ||
    ((url.search || raw.includes('?')) && 'a query') ||
    ((url.hash || raw.includes('#')) && 'a fragment');
  if (extra) throw new ConfigError(`WRSAUTH_PUBLIC_URL must be ${PUBLIC_URL_HINT}; "${raw}" has ${extra}`);
  return url.origin;
}

/**
 * Where the web client is when WRSAUTH_WEB_DIR is unset. `npm run build:server` puts it in web/ beside the
 * bundled main.mjs (dist/server); in a checkout (and the desktop app's stage, server/main.js) it is the
 * built out/renderer one level up from server/.
 */
export function defaultWebRoot(serverDir: string): string {
  const bundled = path.join(serverDir, 'web');
  return fs.existsSync(path.join(bundled, 'index.html'))
    ? bundled
    : path.join(serverDir, '..', 'out', 'renderer');
}

export function loadConfig(environment: Env = process.env): ServerConfig {
  const env = withSecretFiles(environment);
  const parallelism = os.availableParallelism();
  // Leave a core to the event loop so code checks stay fast while password hashing is saturated.
  const defaultHashConcurrency = Math.max(1, parallelism - 1);
  const hashConcurrency = intFrom(env, 'WRSAUTH_HASH_CONCURRENCY', defaultHashConcurrency, 1, 64);
  const database = databaseFrom(env);
  const secret = env.WRSAUTH_SECRET ? parseSecret(env.WRSAUTH_SECRET) : undefined;
  if (database.kind === 'postgres' && !secret) {
    // Every instance must share the key, and it must never sit in the database beside the HMACs it keys.
    throw new ConfigError(
      'WRSAUTH_SECRET is required with PostgreSQL (WRSAUTH_DATABASE_URL): give every instance the same key, kept outside the database (try: openssl rand -base64 32)',
    );
  }
  return {
    host: env.WRSAUTH_HOST || '127.0.0.1',
    port: intFrom(env, 'WRSAUTH_PORT', 4580, 0, 65535),
    dataDir: path.resolve(env.WRSAUTH_DATA_DIR || './data'),
    database,
    secret,
    previousSecrets: (env.WRSAUTH_SECRET_PREVIOUS ?? '')
      .split(',')
      .filter((entry) => entry.trim() !== '')
      .map((entry) => parseSecret(entry, 'WRSAUTH_SECRET_PREVIOUS')),
    smtp: smtpFrom(env),
    twilio: twilioFrom(env),
    devOutbox: devOutboxFrom(env),
    loginLimitPerMinute: intFrom(env, 'WRSAUTH_LOGIN_LIMIT_PER_MINUTE', 100, 1, 1_000_000),
    sendLimitPerHour: intFrom(env, 'WRSAUTH_SEND_LIMIT_PER_HOUR', 30, 1, 1_000_000),
    hashConcurrency,
    hashQueueLimit: intFrom(env, 'WRSAUTH_HASH_QUEUE', hashConcurrency * 8, 0, 10_000),
    trustProxy: trustedProxiesFrom(env),
    logLevel: env.WRSAUTH_LOG_LEVEL || 'info',
    webRoot: path.resolve(env.WRSAUTH_WEB_DIR || defaultWebRoot(import.meta.dirname)),
    metricsToken: metricsTokenFrom(env),
    publicUrl: publicUrlFrom(env),
  };
}
