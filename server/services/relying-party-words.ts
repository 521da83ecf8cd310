/**
 * How a refusal of RelyingPartyService names what was wrong, in the words of whoever asked: the CLI's flags
 * (`--redirect-uri`) or the console's field labels ("Redirect URI"). The rules are the service's, once; only
 * the names differ, so an account manager can find the field or flag to fix.
 */

export interface RelyingPartyWords {
  name: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  backchannelLogoutUri: string;
  idTokenAlg: string;
  noSuchClient(clientId: string): string;
  alreadyDisabled(clientId: string): string;
  publicHasNoSecret(clientId: string): string;
}

export const CLI_WORDS: RelyingPartyWords = {
  name: '--name',
  redirectUri: '--redirect-uri',
  postLogoutRedirectUri: '--post-logout-redirect-uri',
  backchannelLogoutUri: '--backchannel-logout-uri',
  idTokenAlg: '--id-token-alg',
  noSuchClient: (clientId) => `no client ${clientId}`,
  alreadyDisabled: (clientId) => `client ${clientId} is already disabled`,
  publicHasNoSecret: (clientId) => `client ${clientId} is public: it has no secret to rotate`,
};

export const CONSOLE_WORDS: RelyingPartyWords = {
  name: 'Name',
  redirectUri: 'Redirect URI',
  postLogoutRedirectUri: 'Post-logout redirect URI',
  backchannelLogoutUri: 'Back-channel logout URI',
  idTokenAlg: 'ID token signature',
  noSuchClient: (clientId) => `There is no application with client ID ${clientId}.`,
  alreadyDisabled: () => 'This application is already disabled.',
  publicHasNoSecret: () => 'This application is a public client: it has no secret to rotate.',
};
