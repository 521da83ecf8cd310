/**
 * The admin CLI's actor on the audit trail names a person: the operating-system user it runs as, and, run
 * through sudo as the service's user (the deploy guide's `wrsauth` function), who invoked it.
 */
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { operatingSystemUser } from '../../server/services/audit-log';

const me = os.userInfo().username;

describe('operatingSystemUser', () => {
  it('names the user the CLI runs as', () => {
    expect(operatingSystemUser({})).toBe(me);
  });

  it('names the person who ran it through sudo, and the user it ran as', () => {
    expect(operatingSystemUser({ SUDO_USER: 'alice' })).toBe(`alice as ${me}`);
  });

  it('names a user once when sudo ran it as that same user', () => {
    expect(operatingSystemUser({ SUDO_USER: me })).toBe(me);
  });
});
