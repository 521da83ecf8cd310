/** What the e2e harness sets up and the specs rely on. Fixed loopback ports keep the config simple. */
import type { NewUser } from '../../server/services/admin';

export const E2E_PORTS = { server: 45_880, inspection: 45_881 } as const;
export const E2E_BASE_URL = `http://127.0.0.1:${E2E_PORTS.server}`;
export const E2E_INSPECTION_URL = `http://127.0.0.1:${E2E_PORTS.inspection}`;

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
} satisfies Record<string, NewUser>;
