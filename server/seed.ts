/**
 * The demo practice for `npm start`: on an empty data dir, an account manager and a front-desk user whose
 * codes go to the dev outbox. Their passwords are random and printed once, here, never logged.
 */
import { randomBytes } from 'node:crypto';
import type { Services } from './services';

function demoPassword(): string {
  // Letters and digits, as the password rule wants, with about 72 bits of randomness.
  return `demo${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}7`;
}

/** Seeds only when the database has no users; returns what to print, or undefined when nothing was seeded. */
export async function seedDemoPractice(services: Services): Promise<string | undefined> {
  if (await services.userAccounts.anyUserExists()) return undefined;
  const admin = { username: 'admin', password: demoPassword() };
  const frontDesk = { username: 'frontdesk', password: demoPassword() };
  await services.cli.createUser({
    ...admin,
    firstName: 'Avery',
    lastName: 'Manager',
    role: 'admin',
    email: 'account.manager@practice.example',
  });
  await services.cli.createUser({
    ...frontDesk,
    firstName: 'Casey',
    lastName: 'Kiplock',
    role: 'staff',
    phone: '+12025553816',
    email: 'ckiplock@practice.example',
    locations: ['Main Office', 'Eastside Clinic'],
  });
  return [
    '',
    'WRSAuth demo practice created. These passwords are shown only this once:',
    `  account manager  User ID: ${admin.username.padEnd(10)} Password: ${admin.password}`,
    `  front desk       User ID: ${frontDesk.username.padEnd(10)} Password: ${frontDesk.password}`,
    'Codes for the demo users go to the dev outbox: dev-outbox.jsonl in the data dir (the log never shows them).',
    '',
  ].join('\n');
}
