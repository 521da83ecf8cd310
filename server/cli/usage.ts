/** The admin CLI's usage text, as --help prints it. */
import path from 'node:path';

/** How this CLI was started, for its usage line: the bundle (node main.mjs), or a checkout (tsx server/main.ts). */
const INVOKED_AS = process.argv[1]?.endsWith('.mjs')
  ? `node ${path.basename(process.argv[1])}`
  : 'npm run server --';

export const USAGE = `Usage: ${INVOKED_AS} [command] [options]

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
