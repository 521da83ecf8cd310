/** The admin CLI's server key rotation verb (docs/deploy-server.md, "Rotating the server secret"). */
import { CLI_CONTEXT } from '../services/audit-log';
import { countText, type KeyStatus, type KeyUse } from '../services/rekey';
import { AdminInputError } from '../services/validators';

import { type Handler, options, withServices } from './arguments';

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

export const keyCommands: Record<string, Handler> = {
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
