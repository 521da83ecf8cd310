/** The admin CLI's verbs for "Login with WRSAuth": relying parties and signing keys. */
import { CLI_CONTEXT } from '../services/audit-log';

import { type Handler, options, required, withServices } from './arguments';

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

export const oidcCommands: Record<string, Handler> = {
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
