/** What the e2e harness sets up and the specs rely on. */
import { execFileSync } from 'node:child_process';
import type { NewUser } from '../../server/services/cli-operations';

/**
 * Four loopback ports that are free right now, picked once by the Playwright runner (the first process to
 * load this module) and handed to the harness and the workers through the environment they inherit. Fixed
 * ports collided on CI with whatever else held them. The third is the relying party's: the OIDC spec serves
 * its redirect_uri there, and the harness registers the spec's applications with it. The fourth is the demo
 * practice application's (demo-app/), which the harness registers as `serve --demo` does.
 */
function e2ePorts(): { server: number; inspection: number; relyingParty: number; demoApp: number } {
  if (!process.env.WRSAUTH_E2E_PORTS) {
    const pick = `const net = require('node:net');
      const open = () => new Promise((ok) => { const s = net.createServer().listen(0, '127.0.0.1', () => ok(s)); });
      Promise.all([open(), open(), open(), open()]).then((servers) => {
        process.stdout.write(servers.map((s) => s.address().port).join(','));
        for (const s of servers) s.close();
      });`;
    process.env.WRSAUTH_E2E_PORTS = execFileSync(process.execPath, ['-e', pick], { encoding: 'utf8' });
  }
  const [server, inspection, relyingParty, demoApp] = process.env.WRSAUTH_E2E_PORTS.split(',').map(Number);
  if (
    server === undefined ||
    inspection === undefined ||
    relyingParty === undefined ||
    demoApp === undefined ||
    !Number.isInteger(server + inspection + relyingParty + demoApp)
  ) {
    throw new Error(
      `WRSAUTH_E2E_PORTS must be four ports "server,inspection,relyingParty,demoApp", got "${process.env.WRSAUTH_E2E_PORTS}"`,
    );
  }
  return { server, inspection, relyingParty, demoApp };
}

export const E2E_PORTS = e2ePorts();
export const E2E_BASE_URL = `http://127.0.0.1:${E2E_PORTS.server}`;
export const E2E_INSPECTION_URL = `http://127.0.0.1:${E2E_PORTS.inspection}`;
/** The OIDC spec's applications come back here (a loopback redirect_uri the spec serves). */
export const E2E_RP_REDIRECT_URI = `http://127.0.0.1:${E2E_PORTS.relyingParty}/callback`;
/** The applications the harness registers for the OIDC spec; their ids and secrets at /__e2e/clients. */
export const E2E_RELYING_PARTIES = ['Practice app <e2e>', 'Chart viewer'] as const;

/** The harness both Playwright suites (web and _electron) start as their web server. */
export const E2E_WEB_SERVER = {
  command: 'node --import tsx tests/e2e/harness.ts',
  url: `${E2E_BASE_URL}/healthz`,
  reuseExistingServer: false,
  timeout: 60_000,
  stdout: 'pipe',
} as const;

export const E2E_USERS = {
  frontDesk: {
    username: 'ckiplock',
    password: 'frontDesk2026',
    firstName: 'Casey',
    lastName: 'Kiplock',
    phone: '+12025553816',
    email: 'ckiplock@wrshealth.com',
    locations: ['Main Office', 'Eastside Clinic'],
  },
  oneLocation: {
    username: 'jdoe',
    password: 'frontDesk2026',
    firstName: 'Jamie',
    lastName: 'Doe',
    phone: '+12025550147',
    email: 'jdoe@wrshealth.com',
  },
  // The server keeps a 30-second resend cooldown per phone number and per email address across sign-ins,
  // so every spec that sends codes signs in as its own user, with contacts no other user has.
  /** Masks to the seed's "cki•••wrshealth.com" like ckiplock, but is a different mailbox. */
  emailSwitch: {
    username: 'ckimball',
    password: 'frontDesk2026',
    firstName: 'Chris',
    lastName: 'Kimball',
    phone: '+12025550161',
    email: 'ckimball@wrshealth.com',
  },
  twoLocations: {
    username: 'mrivera',
    password: 'frontDesk2026',
    firstName: 'Morgan',
    lastName: 'Rivera',
    phone: '+12025550172',
    email: 'mrivera@wrshealth.com',
    locations: ['Main Office', 'Eastside Clinic'],
  },
  lockUnlock: {
    username: 'pnguyen',
    password: 'frontDesk2026',
    firstName: 'Pat',
    lastName: 'Nguyen',
    phone: '+12025550183',
    email: 'pnguyen@wrshealth.com',
    locations: ['Main Office', 'Eastside Clinic'],
  },
  signOut: {
    username: 'tbaker',
    password: 'frontDesk2026',
    firstName: 'Taylor',
    lastName: 'Baker',
    phone: '+12025550194',
    email: 'tbaker@wrshealth.com',
  },
  signOutServer: {
    username: 'rpatel',
    password: 'frontDesk2026',
    firstName: 'Riley',
    lastName: 'Patel',
    phone: '+12025550125',
    email: 'rpatel@wrshealth.com',
  },
  lockServer: {
    username: 'alopez',
    password: 'frontDesk2026',
    firstName: 'Avery',
    lastName: 'Lopez',
    phone: '+12025550136',
    email: 'alopez@wrshealth.com',
  },
  /** Typed in a desk phone as the cell phone: the Twilio-compatible endpoint reports its texts undelivered. */
  landline: {
    username: 'dmorgan',
    password: 'frontDesk2026',
    firstName: 'Drew',
    lastName: 'Morgan',
    phone: '+12025550158',
    email: 'dmorgan@wrshealth.com',
  },
  delivered: {
    username: 'sokafor',
    password: 'frontDesk2026',
    firstName: 'Sam',
    lastName: 'Okafor',
    phone: '+12025550169',
    email: 'sokafor@wrshealth.com',
  },
  passwordReset: {
    username: 'jwalsh',
    password: 'frontDesk2026',
    firstName: 'Jordan',
    lastName: 'Walsh',
    phone: '+12025550174',
    email: 'jwalsh@wrshealth.com',
  },
  /** Has only a cell phone: a forgotten password is the account manager's to reset (two_factors). */
  passwordResetOneFactor: {
    username: 'bkeller',
    password: 'frontDesk2026',
    firstName: 'Blair',
    lastName: 'Keller',
    phone: '+12025550107',
  },
  /** Has only an email: adds a cell phone in My settings, then signs in with it. */
  settings: {
    username: 'lgrant',
    password: 'frontDesk2026',
    firstName: 'Lee',
    lastName: 'Grant',
    email: 'lgrant@wrshealth.com',
  },
  /** Makes recovery codes in My settings (after the current password); their phone and email are told. */
  recoveryCodes: {
    username: 'eshaw',
    password: 'frontDesk2026',
    firstName: 'Emerson',
    lastName: 'Shaw',
    phone: '+12025550138',
    email: 'eshaw@wrshealth.com',
  },
  /** The account manager who runs the console specs. */
  consoleAdmin: {
    username: 'amorales',
    password: 'frontDesk2026',
    firstName: 'Ari',
    lastName: 'Morales',
    phone: '+12025550185',
    email: 'amorales@wrshealth.com',
    role: 'admin',
  },
  /** No cell phone, no email: the readiness list shows them as locked out under a required policy. */
  noContacts: {
    username: 'hquinn',
    password: 'frontDesk2026',
    firstName: 'Harper',
    lastName: 'Quinn',
  },
  /** Signs in to applications through "Login with WRSAuth" (the OIDC spec); works at two locations. */
  oidc: {
    username: 'oidcuser',
    password: 'frontDesk2026',
    firstName: 'Quinn',
    lastName: 'Oduya',
    phone: '+12025550141',
    email: 'oidcuser@wrshealth.com',
    locations: ['Main Office', 'Eastside Clinic'],
  },
  /** Signs in at the demo practice application (demo-app.spec.ts); works at two locations. */
  demoApp: {
    username: 'dapp',
    password: 'frontDesk2026',
    firstName: 'Dana',
    lastName: 'Appleby',
    phone: '+12025550152',
    email: 'dapp@wrshealth.com',
    locations: ['Main Office', 'Eastside Clinic'],
  },
  /** Signs in at the demo practice application, then signs out there (demo-app.spec.ts). */
  demoAppSignOut: {
    username: 'dappout',
    password: 'frontDesk2026',
    firstName: 'Devon',
    lastName: 'Outram',
    phone: '+12025550163',
    email: 'dappout@wrshealth.com',
    locations: ['Main Office', 'Eastside Clinic'],
  },
  /** A second account manager: guided recovery tells the other account managers. */
  /** Registers an application in the console's Applications tab (console-applications.spec.ts). */
  applicationsAdmin: {
    username: 'eokoro',
    password: 'frontDesk2026',
    firstName: 'Eli',
    lastName: 'Okoro',
    phone: '+12025550129',
    email: 'eokoro@wrshealth.com',
    role: 'admin',
  },
  recoveryAdmin: {
    username: 'bcarter',
    password: 'frontDesk2026',
    firstName: 'Blair',
    lastName: 'Carter',
    phone: '+12025550196',
    email: 'bcarter@wrshealth.com',
    role: 'admin',
  },
  /** No contacts either: locked out once 2FA is required, until guided recovery gives them a bypass code. */
  recovery: {
    username: 'kbrooks',
    password: 'frontDesk2026',
    firstName: 'Kendall',
    lastName: 'Brooks',
  },
  /** The desktop client's sign-in carried into the practice application (tests/electron/practice-app.spec.ts). */
  desktopPractice: {
    username: 'dwalsh',
    password: 'frontDesk2026',
    firstName: 'Devon',
    lastName: 'Walsh',
    phone: '+12025550178',
    email: 'dwalsh@wrshealth.com',
    locations: ['Main Office', 'Eastside Clinic'],
  },
  /** The same, quitting the app while the practice application is open. */
  desktopPracticeQuit: {
    username: 'tquinn',
    password: 'frontDesk2026',
    firstName: 'Taylor',
    lastName: 'Quinn',
    phone: '+12025550179',
    email: 'tquinn@wrshealth.com',
  },
} satisfies Record<string, NewUser>;

/** The cell phone the settings spec adds (no user has it on file). */
export const E2E_NEW_PHONE = '+12025550115';

/** The public URL the e2e server gives Twilio for status callbacks; the endpoint relays them to the server. */
export const E2E_STATUS_CALLBACK_URL = 'https://wrsauth.practice.example/api/v1/webhooks/twilio/status';
