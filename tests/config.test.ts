/** Server configuration from the environment, the server key, and how the CLI reports a bad setting. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseSecret, SECRET_VARIABLES } from '../server/config';
import { createLogger } from '../server/logger';
import { startServer } from '../server/runtime';
import { loadServerKey, SECRET_FILE } from '../server/secrets';
import {
  freePort,
  login,
  makeDataDir,
  removeDataDir,
  runCli,
  ServerProcess,
  SQLITE_FILE,
} from './cli-helpers/wrsauth-process';

const KEY = randomBytes(32);

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('defaults to 127.0.0.1:4580, ./data resolved against the working directory and 100 logins a minute', () => {
    const config = loadConfig({});

    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 4580,
      dataDir: path.join(process.cwd(), 'data'),
      loginLimitPerMinute: 100,
      trustProxy: false,
      logLevel: 'info',
    });
    expect(path.isAbsolute(config.dataDir)).toBe(true);
    expect(config.secret).toBeUndefined();
    expect(config.smtp).toBeUndefined();
    expect(config.twilio).toBeUndefined();
  });

  it('takes host, port, data dir and login limit from WRSAUTH_* variables', () => {
    const config = loadConfig({
      WRSAUTH_HOST: '0.0.0.0',
      WRSAUTH_PORT: '8443',
      WRSAUTH_DATA_DIR: 'var/wrsauth',
      WRSAUTH_LOGIN_LIMIT_PER_MINUTE: '250',
    });

    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 8443,
      dataDir: path.resolve('var/wrsauth'),
      loginLimitPerMinute: 250,
    });
  });

  it.each(['abc', '65536', '-1', '4580.5', '80 80'])(
    'refuses WRSAUTH_PORT=%j with a message naming WRSAUTH_PORT',
    (port) => {
      expect(configError({ WRSAUTH_PORT: port }).message).toMatch(
        /^WRSAUTH_PORT must be a whole number from 0 to 65535/,
      );
    },
  );

  it.each([' ', '0x50', '1e3'])(
    'refuses WRSAUTH_PORT=%j rather than reading it as a number other than what was written',
    (port) => {
      expect(configError({ WRSAUTH_PORT: port }).message).toMatch(/WRSAUTH_PORT/);
    },
  );

  it('limits code sends to 30 per client address an hour unless WRSAUTH_SEND_LIMIT_PER_HOUR says otherwise', () => {
    expect(loadConfig({}).sendLimitPerHour).toBe(30);
    expect(loadConfig({ WRSAUTH_SEND_LIMIT_PER_HOUR: '120' }).sendLimitPerHour).toBe(120);
  });

  it.each(['abc', '0', '-5', '2.5', '1e3'])(
    'refuses WRSAUTH_SEND_LIMIT_PER_HOUR=%j with a message naming it and its range',
    (limit) => {
      expect(configError({ WRSAUTH_SEND_LIMIT_PER_HOUR: limit }).message).toBe(
        `WRSAUTH_SEND_LIMIT_PER_HOUR must be a whole number from 1 to 1000000, got "${limit}"`,
      );
    },
  );

  it('accepts a WRSAUTH_SECRET of 32 random bytes in base64 and keeps exactly those bytes', () => {
    expect(loadConfig({ WRSAUTH_SECRET: KEY.toString('base64') }).secret?.equals(KEY)).toBe(true);
  });

  it('refuses a WRSAUTH_SECRET shorter than 32 bytes with a message naming WRSAUTH_SECRET', () => {
    const short = randomBytes(31).toString('base64');

    const message = configError({ WRSAUTH_SECRET: short }).message;

    expect(message).toMatch(/^WRSAUTH_SECRET must be base64 of at least 32 random bytes/);
    expect(message).toContain('got 31 bytes');
    expect(message).not.toContain(short);
  });

  it('refuses a WRSAUTH_SECRET that is not base64, naming WRSAUTH_SECRET without echoing the value', () => {
    const notBase64 = 'correct horse battery staple, but not base64 at all!';

    const message = configError({ WRSAUTH_SECRET: notBase64 }).message;

    expect(message).toMatch(/^WRSAUTH_SECRET must be base64/);
    expect(message).not.toContain('horse');
  });

  it('parseSecret names the source it was given in its refusal', () => {
    expect(() => parseSecret('c2hvcnQ=', '/srv/wrsauth/secret.key')).toThrow(
      /^\/srv\/wrsauth\/secret\.key must be base64 of at least 32 random bytes/,
    );
  });

  it('takes WRSAUTH_SECRET_PREVIOUS as comma-separated keys, and names it when one is not a key', () => {
    const [one, two] = [Buffer.alloc(32, 1), Buffer.alloc(32, 2)];
    const config = loadConfig({
      WRSAUTH_SECRET_PREVIOUS: `${one.toString('base64')}, ${two.toString('base64')}`,
    });
    expect(config.previousSecrets).toEqual([one, two]);
    expect(loadConfig({}).previousSecrets).toEqual([]);
    expect(configError({ WRSAUTH_SECRET_PREVIOUS: 'c2hvcnQ=' }).message).toMatch(
      /^WRSAUTH_SECRET_PREVIOUS must be base64 of at least 32 random bytes/,
    );
  });

  it('refuses WRSAUTH_TRUST_PROXY=true: trusting every hop lets a client choose its own address', () => {
    expect(configError({ WRSAUTH_TRUST_PROXY: 'true' }).message).toMatch(
      /^WRSAUTH_TRUST_PROXY must name your proxies, not "true"/,
    );
  });

  it('takes WRSAUTH_TRUST_PROXY as proxy addresses, CIDRs or proxy-addr names, and refuses anything else', () => {
    expect(loadConfig({ WRSAUTH_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1,loopback' }).trustProxy).toBe(
      '127.0.0.1,10.0.0.0/8,::1,loopback',
    );
    expect(loadConfig({}).trustProxy).toBe(false);
    for (const bad of ['nginx.internal', '10.0.0.0/33', '10.0.0.1/8/2', '2']) {
      expect(configError({ WRSAUTH_TRUST_PROXY: bad }).message).toMatch(
        /^WRSAUTH_TRUST_PROXY must be proxy addresses or CIDRs/,
      );
    }
  });

  it('refuses a WRSAUTH_METRICS_TOKEN shorter than 32 characters, naming it without echoing it', () => {
    const error = configError({ WRSAUTH_METRICS_TOKEN: 'guessable-token' });
    expect(error.message).toMatch(/^WRSAUTH_METRICS_TOKEN must be at least 32 characters/);
    expect(error.message).not.toContain('guessable-token');
  });

  it('keeps a WRSAUTH_METRICS_TOKEN of 32 characters or more for GET /metrics', () => {
    const token = 'a'.repeat(16) + 'B'.repeat(16);
    expect(loadConfig({ WRSAUTH_METRICS_TOKEN: token }).metricsToken).toBe(token);
    expect(loadConfig({}).metricsToken).toBeUndefined();
  });

  it('refuses Twilio with TWILIO_ACCOUNT_SID but no TWILIO_AUTH_TOKEN', () => {
    expect(configError({ TWILIO_ACCOUNT_SID: 'AC123', TWILIO_FROM_NUMBER: '+12025550100' }).message).toBe(
      'Set both TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, or neither',
    );
  });

  it('refuses Twilio with TWILIO_AUTH_TOKEN but no TWILIO_ACCOUNT_SID', () => {
    expect(configError({ TWILIO_AUTH_TOKEN: 'tok', TWILIO_FROM_NUMBER: '+12025550100' }).message).toBe(
      'Set both TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, or neither',
    );
  });

  it('refuses Twilio credentials without TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID', () => {
    expect(configError({ TWILIO_ACCOUNT_SID: 'AC123', TWILIO_AUTH_TOKEN: 'tok' }).message).toMatch(
      /TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID/,
    );
  });

  it('configures Twilio when the SID, the token and a sender are all set', () => {
    const config = loadConfig({
      TWILIO_ACCOUNT_SID: 'AC123',
      TWILIO_AUTH_TOKEN: 'tok',
      TWILIO_MESSAGING_SERVICE_SID: 'MG456',
      TWILIO_API_BASE: 'http://127.0.0.1:9999/',
    });

    expect(config.twilio).toEqual({
      accountSid: 'AC123',
      authToken: 'tok',
      from: undefined,
      messagingServiceSid: 'MG456',
      apiBase: 'http://127.0.0.1:9999',
    });
  });
});

describe('WRSAUTH_DEV_OUTBOX', () => {
  let dataDir: string | undefined;
  afterEach(() => removeDataDir(dataDir));

  it('is off unless set to 1 (or true, on), and refuses any other value in one line naming it', () => {
    expect(loadConfig({}).devOutbox).toBe(false);
    for (const off of ['', '0', 'false', 'off'])
      expect(loadConfig({ WRSAUTH_DEV_OUTBOX: off }).devOutbox).toBe(false);
    for (const on of ['1', 'true', 'ON']) expect(loadConfig({ WRSAUTH_DEV_OUTBOX: on }).devOutbox).toBe(true);
    expect(configError({ WRSAUTH_DEV_OUTBOX: 'yes please' }).message).toMatch(
      /^WRSAUTH_DEV_OUTBOX must be 1 /,
    );
  });

  it('a server started by any caller refuses a channel with no provider unless it is set, before opening anything', async () => {
    dataDir = makeDataDir();
    const config = loadConfig({
      WRSAUTH_DATA_DIR: dataDir,
      WRSAUTH_PORT: '0',
      WRSAUTH_SMTP_URL: 'smtp://127.0.0.1:9',
    });
    const log = createLogger('silent');

    await expect(startServer(config, { log })).rejects.toThrow(ConfigError);
    await expect(startServer(config, { log })).rejects.toThrow(
      /^no provider sends sms codes \(set TWILIO_ACCOUNT_SID, .*\); .*WRSAUTH_DEV_OUTBOX=1/,
    );
    expect(fs.readdirSync(dataDir)).toEqual([]);

    const server = await startServer({ ...config, devOutbox: true }, { log });
    await server.close();
  });
});

describe('WRSAUTH_PUBLIC_URL (the OpenID Connect issuer is it plus /oidc)', () => {
  it('is unset by default: the server then uses the address it listens on', () => {
    expect(loadConfig({}).publicUrl).toBeUndefined();
    expect(loadConfig({ WRSAUTH_PUBLIC_URL: ' ' }).publicUrl).toBeUndefined();
  });

  it.each([
    ['https://auth.practice.example', 'https://auth.practice.example'],
    ['https://auth.practice.example/', 'https://auth.practice.example'],
    ['https://Auth.Practice.Example:8443', 'https://auth.practice.example:8443'],
    ['http://127.0.0.1:4580', 'http://127.0.0.1:4580'],
    ['http://[::1]:4580/', 'http://[::1]:4580'],
  ])('takes %s as the origin %s', (raw, origin) => {
    expect(loadConfig({ WRSAUTH_PUBLIC_URL: raw }).publicUrl).toBe(origin);
  });

  it.each([
    ['a path', 'https://auth.practice.example/wrsauth', /has the path "\/wrsauth"/],
    ['a query', 'https://auth.practice.example/?a=1', /has a query/],
    ['an empty query', 'https://auth.practice.example?', /has a query/],
    ['a fragment', 'https://auth.practice.example/#x', /has a fragment/],
    ['credentials', 'https://user:pw@auth.practice.example', /has a user name or password/],
    ['another scheme', 'ftp://auth.practice.example', /has a scheme other than http or https/],
    ['no scheme', 'auth.practice.example', /got "auth\.practice\.example"/],
  ])('refuses a URL with %s, in one line naming WRSAUTH_PUBLIC_URL and what it must be', (_, raw, reason) => {
    const message = configError({ WRSAUTH_PUBLIC_URL: raw }).message;

    expect(message).toMatch(
      /^WRSAUTH_PUBLIC_URL must be the http\(s\) address browsers use to reach this server, with no path, query or fragment/,
    );
    expect(message).toMatch(reason);
    expect(message).not.toContain('\n');
  });
});

describe('WRSAUTH_DATABASE_URL', () => {
  const secret = KEY.toString('base64');

  it('selects the embedded SQLite when unset or empty', () => {
    expect(loadConfig({}).database).toEqual({ kind: 'sqlite' });
    expect(loadConfig({ WRSAUTH_DATABASE_URL: '' }).database).toEqual({ kind: 'sqlite' });
  });

  it.each(['postgres://wrsauth:pw@db.internal:5432/wrsauth', 'postgresql://db.internal/wrsauth'])(
    'selects PostgreSQL for %s',
    (url) => {
      expect(loadConfig({ WRSAUTH_DATABASE_URL: url, WRSAUTH_SECRET: secret }).database).toEqual({
        kind: 'postgres',
        url,
      });
    },
  );

  it.each(['mysql://root:s3cretPw@db/wrsauth', 'not a url s3cretPw', 'sqlite:///var/lib/s3cretPw'])(
    'refuses %j with a message naming WRSAUTH_DATABASE_URL, without echoing it',
    (url) => {
      const message = configError({ WRSAUTH_DATABASE_URL: url, WRSAUTH_SECRET: secret }).message;

      expect(message).toMatch(/^WRSAUTH_DATABASE_URL must /);
      expect(message).not.toContain('s3cretPw');
    },
  );

  it('refuses PostgreSQL without WRSAUTH_SECRET: the key is never kept next to the hashes it protects', () => {
    expect(configError({ WRSAUTH_DATABASE_URL: 'postgres://db.internal/wrsauth' }).message).toMatch(
      /^WRSAUTH_SECRET is required with PostgreSQL/,
    );
  });
});

describe('secrets from files (X_FILE, and $CREDENTIALS_DIRECTORY for systemd LoadCredential=)', () => {
  let dir: string | undefined;
  afterEach(() => {
    removeDataDir(dir);
    dir = undefined;
  });

  /** A file holding `content`, as an administrator would write it (with its trailing newline). */
  function secretFile(name: string, content: string): string {
    dir ??= makeDataDir();
    const file = path.join(dir, name);
    fs.writeFileSync(file, content, { mode: 0o600 });
    return file;
  }

  it('names exactly the variables that hold a key, a token or a URL with a password', () => {
    expect([...SECRET_VARIABLES].sort()).toEqual(
      [
        'TWILIO_AUTH_TOKEN',
        'WRSAUTH_DATABASE_URL',
        'WRSAUTH_METRICS_TOKEN',
        'WRSAUTH_SECRET',
        'WRSAUTH_SECRET_PREVIOUS',
        'WRSAUTH_SMTP_URL',
      ].sort(),
    );
  });

  it('reads WRSAUTH_SECRET_FILE, trailing newline trimmed, as if the key were in WRSAUTH_SECRET', () => {
    const file = secretFile('secret', `${KEY.toString('base64')}\n`);

    expect(loadConfig({ WRSAUTH_SECRET_FILE: file }).secret?.equals(KEY)).toBe(true);
  });

  it('gives every secret variable a _FILE form: previous keys, database URL, SMTP URL, Twilio and metrics tokens', () => {
    const previous = Buffer.alloc(32, 7);
    const databaseUrl = 'postgres://wrsauth:dbPassw0rd@db.internal:5432/wrsauth';
    const smtpUrl = 'smtp://mailer:mailPassw0rd@mail.example.org:587';
    const metricsToken = 'm'.repeat(40);
    const config = loadConfig({
      WRSAUTH_SECRET_FILE: secretFile('secret', `${KEY.toString('base64')}\n`),
      WRSAUTH_SECRET_PREVIOUS_FILE: secretFile('previous', `${previous.toString('base64')}\r\n`),
      WRSAUTH_DATABASE_URL_FILE: secretFile('database-url', `${databaseUrl}\n`),
      WRSAUTH_SMTP_URL_FILE: secretFile('smtp-url', `${smtpUrl}\n`),
      WRSAUTH_METRICS_TOKEN_FILE: secretFile('metrics-token', `${metricsToken}\n`),
      TWILIO_ACCOUNT_SID: 'AC123',
      TWILIO_AUTH_TOKEN_FILE: secretFile('twilio-token', 'twilioT0ken\n'),
      TWILIO_FROM_NUMBER: '+12025550100',
    });

    expect(config.previousSecrets).toEqual([previous]);
    expect(config.database).toEqual({ kind: 'postgres', url: databaseUrl });
    expect(config.smtp?.url).toBe(smtpUrl);
    expect(config.metricsToken).toBe(metricsToken);
    expect(config.twilio?.authToken).toBe('twilioT0ken');
  });

  it.each(SECRET_VARIABLES)('refuses %s together with its _FILE form, naming both', (name) => {
    const file = secretFile('value', 'anything\n');

    expect(configError({ [name]: 'x', [`${name}_FILE`]: file }).message).toBe(
      `Set ${name} or ${name}_FILE, not both`,
    );
  });

  it('refuses a _FILE that does not exist, naming the variable and the path', () => {
    dir = makeDataDir();
    const missing = path.join(dir, 'no-such-secret');

    expect(configError({ TWILIO_AUTH_TOKEN_FILE: missing }).message).toBe(
      `TWILIO_AUTH_TOKEN_FILE: cannot read ${missing} (no such file)`,
    );
  });

  it('refuses a _FILE that cannot be read (a directory), naming the variable and the path', () => {
    dir = makeDataDir();

    expect(configError({ WRSAUTH_SECRET_FILE: dir }).message).toBe(
      `WRSAUTH_SECRET_FILE: cannot read ${dir} (it is a directory)`,
    );
  });

  it('refuses an empty secret file rather than running without the secret', () => {
    const file = secretFile('empty', '\n');

    expect(configError({ WRSAUTH_METRICS_TOKEN_FILE: file }).message).toBe(
      `WRSAUTH_METRICS_TOKEN_FILE: ${file} is empty`,
    );
  });

  it('never echoes a bad secret read from a file: the refusal names the variable, not the content', () => {
    const file = secretFile('secret', 'correct horse battery staple\n');

    const message = configError({ WRSAUTH_SECRET_FILE: file }).message;

    expect(message).toMatch(/^WRSAUTH_SECRET must be base64/);
    expect(message).not.toContain('horse');
  });

  it('reads $CREDENTIALS_DIRECTORY/WRSAUTH_SECRET (LoadCredential=) when neither WRSAUTH_SECRET nor WRSAUTH_SECRET_FILE is set', () => {
    secretFile('WRSAUTH_SECRET', `${KEY.toString('base64')}\n`);
    secretFile('TWILIO_AUTH_TOKEN', 'credT0ken\n');

    const config = loadConfig({
      CREDENTIALS_DIRECTORY: dir,
      TWILIO_ACCOUNT_SID: 'AC123',
      TWILIO_FROM_NUMBER: '+12025550100',
    });

    expect(config.secret?.equals(KEY)).toBe(true);
    expect(config.twilio?.authToken).toBe('credT0ken');
    // A credential the unit did not load leaves its variable unset.
    expect(config.smtp).toBeUndefined();
    expect(config.metricsToken).toBeUndefined();
  });

  it('prefers WRSAUTH_SECRET and WRSAUTH_SECRET_FILE over a credential of the same name', () => {
    const other = Buffer.alloc(32, 9);
    secretFile('WRSAUTH_SECRET', `${other.toString('base64')}\n`);
    const file = secretFile('from-file', KEY.toString('base64'));

    expect(loadConfig({ CREDENTIALS_DIRECTORY: dir, WRSAUTH_SECRET_FILE: file }).secret).toEqual(KEY);
    expect(loadConfig({ CREDENTIALS_DIRECTORY: dir, WRSAUTH_SECRET: KEY.toString('base64') }).secret).toEqual(
      KEY,
    );
  });

  it('refuses a credential that exists but cannot be read, naming it and its path', () => {
    dir = makeDataDir();
    fs.mkdirSync(path.join(dir, 'WRSAUTH_SECRET'));

    expect(configError({ CREDENTIALS_DIRECTORY: dir }).message).toBe(
      `the credential WRSAUTH_SECRET (LoadCredential=): cannot read ${path.join(dir, 'WRSAUTH_SECRET')} (it is a directory)`,
    );
  });
});

describe('loadServerKey', () => {
  let dataDir: string | undefined;
  afterEach(() => removeDataDir(dataDir));

  it('creates secret.key with mode 0600 on first run, holding 32 random bytes in base64', () => {
    dataDir = makeDataDir();
    const file = path.join(dataDir, SECRET_FILE);
    expect(fs.existsSync(file)).toBe(false);

    const key = loadServerKey(dataDir);

    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(key).toHaveLength(32);
    expect(Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64').equals(key)).toBe(true);
  });

  it('creates a missing data dir for the key file, readable by its owner only', () => {
    dataDir = makeDataDir();
    const nested = path.join(dataDir, 'new');

    loadServerKey(nested);

    expect(fs.statSync(nested).mode & 0o777).toBe(0o700);
    expect(fs.existsSync(path.join(nested, SECRET_FILE))).toBe(true);
  });

  it('reuses the key file on the next run: the same key, the file unchanged', () => {
    dataDir = makeDataDir();
    const first = loadServerKey(dataDir);
    const fileAfterFirst = fs.readFileSync(path.join(dataDir, SECRET_FILE), 'utf8');

    const second = loadServerKey(dataDir);

    expect(second.equals(first)).toBe(true);
    expect(fs.readFileSync(path.join(dataDir, SECRET_FILE), 'utf8')).toBe(fileAfterFirst);
  });

  it('uses the WRSAUTH_SECRET key instead of the key file', () => {
    dataDir = makeDataDir();
    const fromFile = loadServerKey(dataDir);
    const config = loadConfig({ WRSAUTH_DATA_DIR: dataDir, WRSAUTH_SECRET: KEY.toString('base64') });

    const key = loadServerKey(config.dataDir, config.secret);

    expect(key.equals(KEY)).toBe(true);
    expect(key.equals(fromFile)).toBe(false);
  });

  it('refuses a damaged key file with a message naming the file', () => {
    dataDir = makeDataDir();
    const file = path.join(dataDir, SECRET_FILE);
    fs.writeFileSync(file, 'not a key\n', { mode: 0o600 });

    expect(() => loadServerKey(dataDir as string)).toThrow(ConfigError);
    expect(() => loadServerKey(dataDir as string)).toThrow(`${file} must be base64`);
  });

  it('refuses to make a new key when the data dir holds a database but its key file is gone', () => {
    dataDir = makeDataDir();
    fs.writeFileSync(path.join(dataDir, SQLITE_FILE), '');

    expect(() => loadServerKey(dataDir as string)).toThrow(ConfigError);
    expect(() => loadServerKey(dataDir as string)).toThrow(
      /holds a database \(wrsauth\.sqlite\) but its key file .*secret\.key is gone.*Put secret\.key back from the backup of the data dir, or set WRSAUTH_SECRET/,
    );
    expect(fs.existsSync(path.join(dataDir, SECRET_FILE))).toBe(false);
  });

  it('still takes WRSAUTH_SECRET for a data dir whose database has no key file beside it', () => {
    dataDir = makeDataDir();
    fs.writeFileSync(path.join(dataDir, SQLITE_FILE), '');

    expect(loadServerKey(dataDir, KEY).equals(KEY)).toBe(true);
  });
});

describe('the key file of a SQLite data dir, across starts', () => {
  let dataDir: string | undefined;
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    removeDataDir(dataDir);
  });

  it('is made at the first start on an empty data dir; once gone, the next start refuses instead of making another', async () => {
    dataDir = makeDataDir();
    server = await ServerProcess.start(dataDir);
    await server.stop();
    const keyFile = path.join(dataDir, SECRET_FILE);
    expect(fs.existsSync(keyFile)).toBe(true);
    fs.rmSync(keyFile);

    const second = await runCli(
      [],
      { WRSAUTH_DATA_DIR: dataDir, WRSAUTH_DEV_OUTBOX: '1', WRSAUTH_PORT: '0' },
      25_000,
    );

    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(
      /^wrsauth: the data dir .* holds a database \(wrsauth\.sqlite\) but its key file .* is gone/,
    );
    expect(second.stderr).toContain('set WRSAUTH_SECRET (or WRSAUTH_SECRET_FILE)');
    expect(fs.existsSync(keyFile)).toBe(false);
  });

  it('starts from WRSAUTH_SECRET_FILE with no key file made, and the CLI works with it as written in the docs', async () => {
    dataDir = makeDataDir();
    const secretFile = path.join(dataDir, 'wrsauth-secret');
    fs.writeFileSync(secretFile, `${KEY.toString('base64')}\n`, { mode: 0o600 });
    const data = path.join(dataDir, 'data');

    const created = await runCli(
      ['create-user', '--username', 'frontdesk', '--password', 'frontDesk2026', '--phone', '+12025550100'],
      { WRSAUTH_DATA_DIR: data, WRSAUTH_SECRET_FILE: secretFile },
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    server = await ServerProcess.start(data, [], { WRSAUTH_SECRET_FILE: secretFile });

    expect((await login(server.url, 'frontdesk', 'frontDesk2026')).status).toBe(200);
    expect(fs.existsSync(path.join(data, SECRET_FILE))).toBe(false);
  });
});

describe('the CLI with a bad setting', () => {
  let dataDir: string | undefined;
  afterEach(() => removeDataDir(dataDir));

  it('exits non-zero with one line naming WRSAUTH_SECRET for a bad WRSAUTH_SECRET, touching no data', async () => {
    dataDir = makeDataDir();
    const badSecret = 'tooShortToBeAKey';

    const result = await runCli(['audit'], { WRSAUTH_DATA_DIR: dataDir, WRSAUTH_SECRET: badSecret });

    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^wrsauth: WRSAUTH_SECRET must be base64 of at least 32 random bytes/);
    expect(result.stderr).not.toContain(badSecret);
    expect(fs.existsSync(path.join(dataDir, SQLITE_FILE))).toBe(false);
  });

  /** One line on stderr, nothing on stdout, a non-zero exit, and no file made in the data dir. */
  function expectRefusal(result: { code: number | null; stdout: string; stderr: string }, dir: string) {
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(fs.existsSync(path.join(dir, SQLITE_FILE))).toBe(false);
    expect(fs.existsSync(path.join(dir, SECRET_FILE))).toBe(false);
    return lines[0];
  }

  it.each([
    ['the server', []],
    ['the CLI', ['audit']],
  ])(
    '%s refuses PostgreSQL without WRSAUTH_SECRET in one line naming it, creating no key file',
    async (_, args) => {
      dataDir = makeDataDir();
      const url = 'postgres://wrsauth:s3cretPw@127.0.0.1:5432/wrsauth';

      const result = await runCli(args, { WRSAUTH_DATA_DIR: dataDir, WRSAUTH_DATABASE_URL: url });

      expect(expectRefusal(result, dataDir)).toMatch(/^wrsauth: WRSAUTH_SECRET is required with PostgreSQL/);
      expect(result.stderr).not.toContain('s3cretPw');
    },
  );

  it.each([
    ['the server', []],
    ['the CLI', ['audit']],
  ])('%s refuses a WRSAUTH_DATABASE_URL that is not PostgreSQL in one line naming it', async (_, args) => {
    dataDir = makeDataDir();

    const result = await runCli(args, {
      WRSAUTH_DATA_DIR: dataDir,
      WRSAUTH_DATABASE_URL: 'mysql://root:s3cretPw@db/wrsauth',
      WRSAUTH_SECRET: KEY.toString('base64'),
    });

    expect(expectRefusal(result, dataDir)).toMatch(
      /^wrsauth: WRSAUTH_DATABASE_URL must start with postgres:\/\//,
    );
    expect(result.stderr).not.toContain('s3cretPw');
  });

  it('says in one line, without the password, that the PostgreSQL database does not answer', async () => {
    dataDir = makeDataDir();
    const port = await freePort();

    const result = await runCli(['audit'], {
      WRSAUTH_DATA_DIR: dataDir,
      WRSAUTH_DATABASE_URL: `postgres://wrsauth:s3cretPw@127.0.0.1:${port}/wrsauth`,
      WRSAUTH_SECRET: KEY.toString('base64'),
    });

    expect(expectRefusal(result, dataDir)).toMatch(
      /^wrsauth: cannot reach the PostgreSQL database in WRSAUTH_DATABASE_URL: .*ECONNREFUSED/,
    );
    expect(result.stderr).not.toContain('s3cretPw');
  });
});
