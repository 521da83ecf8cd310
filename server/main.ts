/**
 * `npm run server -- <command>`: no command serves; the others are the account manager's admin CLI.
 * Every command works on the same data dir as a running server, and creates and migrates it when new.
 * Bad input exits non-zero with a one-line reason.
 */
import { once } from 'node:events';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { DEFAULT_TIME_ZONE } from '../src/shared/account-dates';
import { ConfigError, loadConfig, type ServerConfig } from './config';
import { requireProviders } from './delivery';
import { DEMO_APP_NAME, demoApplicationPort, ensureDemoApplication } from './demo-application';
import { AppError } from './errors';
import { createLogger } from './logger';
import { openServices, startServer } from './runtime';
import { seedDemoPractice } from './seed';
import { CLI_CONTEXT } from './services/audit-log';
import { countText, type KeyStatus, type KeyUse } from './services/rekey';
import { AdminInputError } from './services/validators';
import { applyMigrations, planMigrations } from './upgrade';

/** How this CLI was started, for its usage line: the bundle (node main.mjs), or a checkout (tsx server/main.ts). */
const INVOKED_AS = process.argv[1]?.endsWith('.mjs')
  ? `node ${path.basename(process.argv[1])}`
  : 'npm run server --';

const USAGE = `Usage: ${INVOKED_AS} [command] [options]

  (no command) | serve            run the verification server
  serve --demo                    as above; on an empty data dir, seed a demo practice first
  serve --demo --demo-app         and register the demo practice application as a client once (npm start;
                                  its id and secret in the data dir's demo-app-client.json; WRSAUTH_DEMO_APP_PORT)
  create-user --username U --password P|- [--first-name F] [--last-name L] [--phone +E164] [--email E]
              [--role staff|admin] [--location NAME]... [--resource-type T]
              [--start-date YYYY-MM-DD] [--end-date YYYY-MM-DD]
                                  --password - reads it from standard input, one line, so it stays out
                                  of ps and the shell's history (also for temporary-password);
                                  no sign-in before the start date or after the end date (the last day
                                  the user may work), read in the practice's time zone
  set-policy --mode off|optional|required [--enforce-after YYYY-MM-DD] [--code-ttl SECONDS] [--remember-days N] [--idle-lock-minutes N] [--sms-per-hour N] [--sms-countries 1,44|any] [--self-service-reset two_factors|one_factor|off] [--time-zone ZONE]
  set-policy --self-service-reset two_factors|one_factor|off
                                  "Forgot your password?" for a user with one factor: ask the account
                                  manager (two_factors, the default), that factor is enough, or no reset
  set-policy --time-zone ZONE     the IANA time zone users' start and end dates are read in (default UTC),
                                  e.g. America/New_York
  unlock --username U
  reset-2fa --username U [--reason R]
                                  clear locks, end sessions, revoke trusted workstations, remove the
                                  authenticator app, void recovery codes
  recover --username U --reason R print a one-time bypass code (15 min, one sign-in) for a locked-out user
  temporary-password --username U --password P|- --reason R
                                  a new temporary password (a week, only to choose one's own); sessions,
                                  workstations and recovery codes end; user told
  deactivate --username U [--reason R]
                                  sessions, workstations, bypass and recovery codes revoked; sign-in refused
  revoke-devices (--username U | --all) [--reason R]
                                  revoke one user's trusted workstations, or every user's
  revoke-sessions (--username U | --all) --reason R
                                  sign one user, or everyone, out now (and out of the applications that
                                  use "Login with WRSAuth"); the reason goes on the audit trail
  audit [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--username U] [--type T] [--limit N]
                                  the newest events (50 unless --limit), one a line
  audit --format csv|jsonl [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--username U] [--type T]
                                  export every matching event to stdout, oldest first, never cut; days are
                                  whole days in the practice's time zone, both included; the export is
                                  itself audited (audit_exported) and its summary goes to stderr
  migrate [--dry-run]             apply the schema migrations this version brings (serve also does, at
                                  start); --dry-run lists them and changes nothing (docs/deploy-server.md)

  OpenID Connect ("Login with WRSAuth"):
  register-client --name NAME --redirect-uri URI [--redirect-uri URI]... [--post-logout-redirect-uri URI]
                  [--backchannel-logout-uri URI] [--public] [--id-token-alg RS256|ES256] [--json]
                                  register a relying party; prints its client id and, unless --public, its
                                  secret, once (https URIs only; http only on 127.0.0.1, [::1], localhost)
  list-clients [--json]
  disable-client --client-id ID   the provider refuses the client from now on
  rotate-client-secret --client-id ID [--json]
                                  a new secret, printed once; the old one stops working at once
  rotate-signing-key              a new ID token signing key pair signs from now on; the old public keys
                                  stay in the JWKS for 24 hours

  Server key rotation (docs/deploy-server.md, "Rotating the server secret"):
  rekey                           re-seal every authenticator secret, OIDC client secret, signing key and
                                  OIDC session under WRSAUTH_SECRET; recovery and bypass codes keep their
                                  key until used or replaced
  rekey --check                   how many rows each key (by id) still protects; runs even when a key they
                                  need is missing
  rekey --forget KEYID            delete the unused codes and values only that key protects, so it can go
`;

type Handler = (config: ServerConfig, args: string[]) => Promise<void>;

function options<T extends Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>>(
  args: string[],
  spec: T,
) {
  try {
    return parseArgs({ args, options: spec, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new AdminInputError((error as Error).message.split('\n')[0] ?? 'bad arguments');
  }
}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new AdminInputError(`${flag} is required`);
  return value;
}

/**
 * A password option. `-` reads it from standard input instead (one line; its newline is not part of it), so
 * the password stays out of `ps`, the shell's history and sudo's log.
 */
async function passwordOption(value: string | undefined, flag: string): Promise<string> {
  const given = required(value, flag);
  if (given !== '-') return given;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (!password) throw new AdminInputError(`${flag} -: standard input held no password`);
  if (/[\r\n]/.test(password)) throw new AdminInputError(`${flag} -: give the password on one line`);
  return password;
}

function wholeNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new AdminInputError(`${flag} must be a whole number`);
  return Number(value);
}

/** Writes to stdout, waiting while the pipe is full: an export of a million events never piles up in memory. */
async function writeOut(chunk: string): Promise<void> {
  if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
}

/** Runs an admin command against the data dir, quietly: only warnings reach stderr. */
async function withServices<T>(
  config: ServerConfig,
  work: (s: Awaited<ReturnType<typeof openServices>>['services']) => Promise<T>,
  extra: { allowMissingKeys?: boolean } = {},
) {
  const opened = await openServices(config, { log: createLogger('warn', pino.destination(2)), ...extra });
  try {
    return await work(opened.services);
  } finally {
    await opened.close();
  }
}

/** `--username U` or `--all` (exactly one), and `--reason`: what the revoke-* verbs take. */
function oneUserOrAll(args: string[]) {
  const o = options(args, {
    username: { type: 'string' },
    all: { type: 'boolean' },
    reason: { type: 'string' },
  });
  if ((o.username === undefined) === !o.all) {
    throw new AdminInputError('give either --username U or --all');
  }
  return o;
}

async function serve(config: ServerConfig, args: string[]): Promise<void> {
  const flags = options(args, { demo: { type: 'boolean' }, 'demo-app': { type: 'boolean' } });
  const demo = flags.demo;
  // Only `npm start` runs the demo practice application: the desktop client's embedded server (also a
  // demo practice) registers no client, and writes no client secret into its data dir.
  const withDemoApp = demo === true && flags['demo-app'] === true;
  // Before anything is seeded or opened: a server that cannot reach people does not start.
  requireProviders(config);
  const log = createLogger(config.logLevel);
  if (demo) {
    const demoAppPort = demoApplicationPort(process.env);
    const { credentials, demoApp } = await withServices(config, async (services) => ({
      credentials: await seedDemoPractice(services),
      demoApp: withDemoApp
        ? await ensureDemoApplication(services, config.dataDir, demoAppPort)
        : 'not requested',
    }));
    if (credentials) process.stdout.write(credentials);
    if (demoApp === 'disabled') {
      console.error(
        `wrsauth: the client "${DEMO_APP_NAME}" is disabled, so the demo practice application cannot sign in; register it again or use another WRSAUTH_DEMO_APP_PORT`,
      );
    }
  }
  const server = await startServer(config, { log });
  log.info(
    { url: server.url, dataDir: config.dataDir },
    `WRSAuth verification server listening on ${server.url}`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

const commands: Record<string, Handler> = {
  serve,

  'create-user': async (config, args) => {
    const o = options(args, {
      username: { type: 'string' },
      password: { type: 'string' },
      'first-name': { type: 'string' },
      'last-name': { type: 'string' },
      phone: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string' },
      location: { type: 'string', multiple: true },
      'resource-type': { type: 'string' },
      'start-date': { type: 'string' },
      'end-date': { type: 'string' },
    });
    const role = o.role ?? 'staff';
    if (role !== 'staff' && role !== 'admin') throw new AdminInputError('--role must be staff or admin');
    const username = required(o.username, '--username');
    const password = await passwordOption(o.password, '--password');
    const user = await withServices(config, (s) =>
      s.admin.createUser({
        username,
        password,
        firstName: o['first-name'],
        lastName: o['last-name'],
        phone: o.phone,
        email: o.email,
        role,
        locations: o.location,
        resourceType: o['resource-type'],
        startDate: o['start-date'],
        endDate: o['end-date'],
      }),
    );
    const dates = [
      user.resourceType && `resource type ${user.resourceType}`,
      user.startDate && `from ${user.startDate}`,
      user.endDate && `until ${user.endDate}`,
    ].filter(Boolean);
    console.log(
      `created ${role} "${user.username}" (id ${user.id}) at ${user.locations.join(', ')}${dates.length ? `; ${dates.join(', ')}` : ''}`,
    );
    for (const warning of user.warnings) console.error(`warning: ${warning}`);
  },

  'set-policy': async (config, args) => {
    const o = options(args, {
      mode: { type: 'string' },
      'enforce-after': { type: 'string' },
      'code-ttl': { type: 'string' },
      'remember-days': { type: 'string' },
      'idle-lock-minutes': { type: 'string' },
      'sms-per-hour': { type: 'string' },
      'sms-countries': { type: 'string' },
      'self-service-reset': { type: 'string' },
      'time-zone': { type: 'string' },
    });
    const selfServiceReset = o['self-service-reset'];
    const timeZone = o['time-zone'];
    // The self-service reset or the time zone alone may change without naming the mode.
    const mode =
      (selfServiceReset !== undefined || timeZone !== undefined) && o.mode === undefined
        ? undefined
        : required(o.mode, '--mode');
    if (mode !== undefined && mode !== 'off' && mode !== 'optional' && mode !== 'required') {
      throw new AdminInputError('--mode must be off, optional or required');
    }
    const policy = await withServices(config, (s) =>
      s.admin.setPolicy({
        mode,
        selfServiceReset,
        timeZone,
        enforceAfter: o['enforce-after'],
        codeTtlSeconds: wholeNumber(o['code-ttl'], '--code-ttl'),
        rememberDays: wholeNumber(o['remember-days'], '--remember-days'),
        idleLockMinutes: wholeNumber(o['idle-lock-minutes'], '--idle-lock-minutes'),
        smsPerHour: wholeNumber(o['sms-per-hour'], '--sms-per-hour'),
        smsCountries: o['sms-countries'],
      }),
    );
    const after = policy.enforce_after ? `, required from ${policy.enforce_after}` : '';
    // Said when asked for or when not the default, so the usual line stays as it was.
    const reset =
      selfServiceReset !== undefined || policy.self_service_reset !== 'two_factors'
        ? `; self-service reset ${policy.self_service_reset}`
        : '';
    const zone =
      timeZone !== undefined || policy.time_zone !== DEFAULT_TIME_ZONE
        ? `; account dates in ${policy.time_zone}`
        : '';
    console.log(
      `policy: ${policy.policy_mode}${after}; code TTL ${policy.code_ttl_seconds}s; remember workstations ${policy.remember_days} days; idle lock ${policy.idle_lock_minutes} min; texts ${policy.sms_per_hour}/h to ${policy.sms_countries ? `+${policy.sms_countries.split(',').join(', +')}` : 'any country'}${reset}${zone}`,
    );
  },

  unlock: async (config, args) => {
    const { username } = options(args, { username: { type: 'string' } });
    const user = await withServices(config, (s) => s.admin.unlock(required(username, '--username')));
    console.log(`unlocked "${user.username}"`);
  },

  'reset-2fa': async (config, args) => {
    const o = options(args, { username: { type: 'string' }, reason: { type: 'string' } });
    const result = await withServices(config, (s) =>
      s.admin.resetTwoFactor(required(o.username, '--username'), o.reason),
    );
    const app = result.removedAuthenticator ? ', authenticator app removed' : '';
    console.log(
      `reset 2FA for "${result.user.username}": locks cleared, sessions ended, ${result.revokedDevices} trusted workstation(s) revoked${app}, recovery codes voided`,
    );
  },

  recover: async (config, args) => {
    const o = options(args, { username: { type: 'string' }, reason: { type: 'string' } });
    const username = required(o.username, '--username');
    const reason = required(o.reason, '--reason');
    const issued = await withServices(config, (s) => s.admin.recover(username, reason));
    // The one place a bypass code is ever shown: the operator reads it to the user.
    console.log(
      `one-time bypass code for "${issued.user.username}": ${issued.bypassCode} (valid until ${issued.expiresAt}, one sign-in; the account is unlocked)`,
    );
  },

  'temporary-password': async (config, args) => {
    const o = options(args, {
      username: { type: 'string' },
      password: { type: 'string' },
      reason: { type: 'string' },
    });
    const username = required(o.username, '--username');
    const password = await passwordOption(o.password, '--password');
    const reason = required(o.reason, '--reason');
    if (reason.trim().length < 3) throw new AdminInputError('--reason must be at least 3 characters');
    const user = await withServices(config, (s) =>
      s.admin.setTemporaryPassword(username, password, reason.trim()),
    );
    console.log(
      `"${user.username}" has a temporary password until ${user.temporaryPasswordUntil}: it signs in only to choose their own; sessions, trusted workstations and recovery codes ended, the user told`,
    );
  },

  deactivate: async (config, args) => {
    const o = options(args, { username: { type: 'string' }, reason: { type: 'string' } });
    const user = await withServices(config, (s) =>
      s.admin.deactivate(required(o.username, '--username'), o.reason),
    );
    console.log(
      `deactivated "${user.username}": sessions, trusted workstations, bypass codes and recovery codes revoked`,
    );
  },

  'revoke-devices': async (config, args) => {
    const o = oneUserOrAll(args);
    const result = await withServices(config, (s) => s.admin.revokeDevices(o.username, o.reason));
    const whose = 'user' in result && result.user ? `of "${result.user.username}"` : 'of every user';
    console.log(`revoked ${result.revoked} trusted workstation(s) ${whose}`);
  },

  'revoke-sessions': async (config, args) => {
    const o = oneUserOrAll(args);
    const reason = required(o.reason, '--reason');
    const result = await withServices(config, (s) => s.admin.revokeSessions(o.username, reason));
    const whose = 'user' in result && result.user ? `of "${result.user.username}"` : 'of every user';
    console.log(`ended ${result.revoked} signed-in session(s) ${whose}`);
  },

  audit: async (config, args) => {
    const o = options(args, {
      username: { type: 'string' },
      limit: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      type: { type: 'string' },
      format: { type: 'string' },
    });
    const filter = { username: o.username, from: o.from, to: o.to, type: o.type };
    if (o.format !== undefined) {
      if (o.limit !== undefined)
        throw new AdminInputError('--limit does not go with --format: an export is never cut');
      await withServices(config, async (s) => {
        const exported = await s.admin.exportAudit({ ...filter, format: o.format ?? '' });
        for await (const chunk of exported.lines()) await writeOut(chunk);
        console.error(`exported ${exported.summary}`);
      });
      return;
    }
    const events = await withServices(config, (s) =>
      s.admin.auditTrail({ ...filter, limit: wholeNumber(o.limit, '--limit') }),
    );
    for (const e of events) {
      console.log(
        [e.at, e.event_type.padEnd(22), (e.username ?? '-').padEnd(16), e.ip ?? '-', e.detail].join('  '),
      );
    }
    if (events.length === 0) console.log('no audit events');
  },

  migrate: async (config, args) => {
    const o = options(args, { 'dry-run': { type: 'boolean' } });
    if (o['dry-run']) {
      const plan = await planMigrations(config);
      if (plan.pending.length === 0) {
        console.log(`${plan.database}: the schema is up to date (${plan.latest}); no migration to run`);
        return;
      }
      const what = plan.fresh
        ? `no database yet; the first start creates it with all ${plan.pending.length} migrations`
        : `${plan.pending.length} migration(s) pending`;
      console.log(`${plan.database}: ${what}:`);
      for (const name of plan.pending) console.log(`  ${name}`);
      console.log('(dry run: nothing changed; back up the database, then run migrate or start the server)');
      return;
    }
    const applied = await applyMigrations(config);
    if (applied.length === 0) {
      console.log('the schema is up to date; no migration to run');
      return;
    }
    console.log(`applied ${applied.length} migration(s):`);
    for (const name of applied) console.log(`  ${name}`);
  },
};

/** The one place a client secret is ever shown. */
function printCredentials(
  credentials: { clientId: string; clientSecret?: string },
  json: boolean,
  verb: string,
) {
  if (json) {
    console.log(JSON.stringify(credentials));
    return;
  }
  console.log(`${verb} client ${credentials.clientId}`);
  if (credentials.clientSecret !== undefined) {
    console.log(`client secret: ${credentials.clientSecret}`);
    console.log('(shown this once: store it in the application now; rotate-client-secret issues a new one)');
  }
}

const KEY_STATUS: Record<KeyStatus, string> = {
  current: 'WRSAUTH_SECRET, current',
  previous: 'WRSAUTH_SECRET_PREVIOUS',
  missing: 'NOT CONFIGURED',
  unrecorded: 'stored before key ids were recorded',
};

/** One line per key: what it still protects, and whether it may go. */
function printUsage(usage: KeyUse[]) {
  for (const use of usage) {
    const name = use.keyId ? `key ${use.keyId}` : 'no key id';
    const counts = use.counts.length ? countText(use.counts) : 'nothing';
    const held = use.counts.filter((c) => !c.rekeyable).length > 0 && use.status !== 'current';
    const note =
      use.status === 'previous' && use.counts.length === 0
        ? ' (it can be removed from WRSAUTH_SECRET_PREVIOUS)'
        : held
          ? ' (codes cannot be re-keyed: they need this key until used or replaced)'
          : '';
    console.log(`${name} (${KEY_STATUS[use.status]}): ${counts}${note}`);
  }
}

const keyCommands: Record<string, Handler> = {
  rekey: async (config, args) => {
    const o = options(args, { check: { type: 'boolean' }, forget: { type: 'string' } });
    if (o.check && o.forget !== undefined) throw new AdminInputError('give --check or --forget, not both');
    if (o.check) {
      printUsage(await withServices(config, (s) => s.rekey.usage(), { allowMissingKeys: true }));
      return;
    }
    if (o.forget !== undefined) {
      const keyId = o.forget;
      const result = await withServices(config, (s) => s.rekey.forget(keyId, CLI_CONTEXT), {
        allowMissingKeys: true,
      });
      console.log(`forgot key ${keyId}: deleted ${countText(result.deleted)}`);
      for (const line of result.kept) console.error(`kept ${line}`);
      return;
    }
    const result = await withServices(config, (s) => s.rekey.rekey(CLI_CONTEXT));
    console.log(`re-sealed ${countText(result.resealed)} under the current key`);
    if (result.unopenable.length) {
      console.error(
        `warning: no configured key opens ${countText(result.unopenable)}; they were left as they were`,
      );
    }
    printUsage(result.usage);
  },
};

const oidcCommands: Record<string, Handler> = {
  'register-client': async (config, args) => {
    const o = options(args, {
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-redirect-uri': { type: 'string', multiple: true },
      'backchannel-logout-uri': { type: 'string' },
      public: { type: 'boolean' },
      'id-token-alg': { type: 'string' },
      json: { type: 'boolean' },
    });
    const credentials = await withServices(config, (s) =>
      s.relyingParties.register(
        {
          name: required(o.name, '--name'),
          redirectUris: o['redirect-uri'] ?? [],
          postLogoutRedirectUris: o['post-logout-redirect-uri'],
          backchannelLogoutUri: o['backchannel-logout-uri'],
          public: o.public ?? false,
          idTokenSignedResponseAlg: o['id-token-alg'],
        },
        CLI_CONTEXT,
      ),
    );
    printCredentials(credentials, o.json ?? false, `registered ${o.public ? 'public' : 'confidential'}`);
  },

  'list-clients': async (config, args) => {
    const o = options(args, { json: { type: 'boolean' } });
    const clients = await withServices(config, (s) => s.relyingParties.list());
    if (o.json) {
      console.log(JSON.stringify(clients));
      return;
    }
    for (const c of clients) {
      const state = c.disabledAt ? `disabled ${c.disabledAt}` : 'enabled';
      console.log(
        [c.clientId, c.type.padEnd(12), state.padEnd(8), c.name, c.redirectUris.join(' ')].join('  '),
      );
    }
    if (clients.length === 0) console.log('no clients');
  },

  'disable-client': async (config, args) => {
    const o = options(args, { 'client-id': { type: 'string' } });
    const client = await withServices(config, (s) =>
      s.relyingParties.disable(required(o['client-id'], '--client-id'), CLI_CONTEXT),
    );
    console.log(`disabled client ${client.clientId} ("${client.name}"): its sign-in requests are refused`);
  },

  'rotate-client-secret': async (config, args) => {
    const o = options(args, { 'client-id': { type: 'string' }, json: { type: 'boolean' } });
    const credentials = await withServices(config, (s) =>
      s.relyingParties.rotateSecret(required(o['client-id'], '--client-id'), CLI_CONTEXT),
    );
    printCredentials(credentials, o.json ?? false, 'new secret for');
  },

  'rotate-signing-key': async (config, args) => {
    options(args, {});
    const rotated = await withServices(config, (s) => s.signingKeys.rotate());
    console.log(
      `new signing keys ${rotated.kids.join(', ')} sign from now on (running servers pick them up within seconds); the previous public keys stay in the JWKS until ${rotated.retiredUntil}`,
    );
  },
};

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const name = first === undefined || first.startsWith('-') ? 'serve' : first;
  const args = name === first ? rest : argv;
  const command = [commands, oidcCommands, keyCommands].find((table) => Object.hasOwn(table, name))?.[name];
  if (!command) {
    console.error(`wrsauth: unknown command "${name}" (see npm run server -- --help)`);
    return 2;
  }
  try {
    await command(loadConfig(), args);
    return 0;
  } catch (error) {
    if (
      error instanceof AdminInputError ||
      error instanceof ConfigError ||
      (error instanceof AppError && error.statusCode < 500)
    ) {
      console.error(`wrsauth: ${error.message}`);
      return 2;
    }
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(`wrsauth: the port is in use; set WRSAUTH_PORT to another port`);
      return 1;
    }
    console.error(`wrsauth: ${(error as Error).message}`);
    return 1;
  }
}

// The data dir holds the database, the key and the dev outbox: nothing in it is for other users.
process.umask(0o077);
process.exitCode = await main(process.argv.slice(2));
