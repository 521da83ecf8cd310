/** The admin CLI's verbs for people, policy, sessions, the audit trail and the schema. */
import { DEFAULT_TIME_ZONE } from '../../src/shared/account-dates';
import { AdminInputError } from '../services/validators';
import { applyMigrations, planMigrations } from '../upgrade';

import {
  type Handler,
  oneUserOrAll,
  options,
  passwordOption,
  required,
  wholeNumber,
  withServices,
  writeOut,
} from './arguments';

export const accountCommands: Record<string, Handler> = {
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
      s.cli.createUser({
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
      s.cli.setPolicy({
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
    const user = await withServices(config, (s) => s.cli.unlock(required(username, '--username')));
    console.log(`unlocked "${user.username}"`);
  },

  'reset-2fa': async (config, args) => {
    const o = options(args, { username: { type: 'string' }, reason: { type: 'string' } });
    const result = await withServices(config, (s) =>
      s.cli.resetTwoFactor(required(o.username, '--username'), o.reason),
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
    const issued = await withServices(config, (s) => s.cli.recover(username, reason));
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
      s.cli.setTemporaryPassword(username, password, reason.trim()),
    );
    console.log(
      `"${user.username}" has a temporary password until ${user.temporaryPasswordUntil}: it signs in only to choose their own; sessions, trusted workstations and recovery codes ended, the user told`,
    );
  },

  deactivate: async (config, args) => {
    const o = options(args, { username: { type: 'string' }, reason: { type: 'string' } });
    const user = await withServices(config, (s) =>
      s.cli.deactivate(required(o.username, '--username'), o.reason),
    );
    console.log(
      `deactivated "${user.username}": sessions, trusted workstations, bypass codes and recovery codes revoked`,
    );
  },

  'revoke-devices': async (config, args) => {
    const o = oneUserOrAll(args);
    const result = await withServices(config, (s) => s.cli.revokeDevices(o.username, o.reason));
    const whose = 'user' in result && result.user ? `of "${result.user.username}"` : 'of every user';
    console.log(`revoked ${result.revoked} trusted workstation(s) ${whose}`);
  },

  'revoke-sessions': async (config, args) => {
    const o = oneUserOrAll(args);
    const reason = required(o.reason, '--reason');
    const result = await withServices(config, (s) => s.cli.revokeSessions(o.username, reason));
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
        const exported = await s.cli.exportAudit({ ...filter, format: o.format ?? '' });
        for await (const chunk of exported.lines()) await writeOut(chunk);
        console.error(`exported ${exported.summary}`);
      });
      return;
    }
    const events = await withServices(config, (s) =>
      s.cli.auditTrail({ ...filter, limit: wholeNumber(o.limit, '--limit') }),
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
