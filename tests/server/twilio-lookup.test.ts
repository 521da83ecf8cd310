/** Optional Twilio Lookup: a landline or VoIP number saved as a cell phone gets a warning; off unless asked. */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config';
import { startTestServer, type TestServer } from '../support/test-server';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const newUser = (username: string, phone: string) => ({
  username,
  password: 'frontDesk2026',
  phone,
  email: `${username}@wrshealth.com`,
});

describe('Twilio Lookup on contact save', () => {
  it('warns that a number saved as a cell phone is a landline, and still saves it', async () => {
    t = await startTestServer({ env: { TWILIO_LOOKUP: 'on' } });
    t.twilio.lineTypes.set('+12025550111', 'landline');
    const created = await t.server.services.cli.createUser(newUser('desk', '(202) 555-0111'));
    expect(created.warnings).toEqual([
      'Twilio Lookup says this number is a landline: texts may not reach it. Use a cell phone, or rely on email.',
    ]);
    expect(t.twilio.lookups).toEqual([
      { number: '+12025550111', fields: 'line_type_intelligence', authorized: true },
    ]);
    const login = await t.post('/api/v1/auth/login', { username: 'desk', password: 'frontDesk2026' });
    expect(login.body.targets.map((target: { channel: string }) => target.channel)).toEqual(['sms', 'email']);
  });

  it('warns about an internet (VoIP) number and says nothing about a mobile one', async () => {
    t = await startTestServer({ env: { TWILIO_LOOKUP: 'on' } });
    t.twilio.lineTypes.set('+12025550112', 'nonFixedVoip');
    const voip = await t.server.services.cli.createUser(newUser('voip', '+12025550112'));
    expect(voip.warnings[0]).toContain('an internet (VoIP) number');
    const mobile = await t.server.services.cli.createUser(newUser('mobile', '+12025550113'));
    expect(mobile.warnings).toEqual([]);
  });

  it('saves the number unchecked, saying so, when Lookup fails', async () => {
    t = await startTestServer({ env: { TWILIO_LOOKUP: 'on' } });
    t.twilio.behave({ kind: 'fail', status: 500 });
    const created = await t.server.services.cli.createUser(newUser('unchecked', '+12025550114'));
    expect(created.warnings).toEqual([
      'Twilio Lookup could not check this number (it answered 500); it was saved unchecked.',
    ]);
  });

  it('is off unless TWILIO_LOOKUP=on: no lookup is made', async () => {
    t = await startTestServer();
    t.twilio.lineTypes.set('+12025550115', 'landline');
    const created = await t.server.services.cli.createUser(newUser('nolookup', '+12025550115'));
    expect(created.warnings).toEqual([]);
    expect(t.twilio.lookups).toEqual([]);
  });
});

describe('delivery settings', () => {
  it('refuses TWILIO_LOOKUP or TWILIO_STATUS_CALLBACK_URL without Twilio credentials, naming what is missing', () => {
    expect(() => loadConfig({ TWILIO_LOOKUP: 'on' })).toThrow(
      new ConfigError('TWILIO_LOOKUP needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN'),
    );
    expect(() => loadConfig({ TWILIO_STATUS_CALLBACK_URL: 'https://a.example/cb' })).toThrow(
      'TWILIO_STATUS_CALLBACK_URL needs TWILIO_ACCOUNT_SID',
    );
  });

  it('refuses a TWILIO_LOOKUP that is neither on nor off, and a callback URL that is not http(s)', () => {
    const twilio = { TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 'x', TWILIO_FROM_NUMBER: '+12025550100' };
    expect(() => loadConfig({ ...twilio, TWILIO_LOOKUP: 'maybe' })).toThrow(
      'TWILIO_LOOKUP must be on or off',
    );
    expect(() => loadConfig({ ...twilio, TWILIO_STATUS_CALLBACK_URL: 'ftp://a.example/cb' })).toThrow(
      'TWILIO_STATUS_CALLBACK_URL must be an http(s) URL',
    );
    expect(loadConfig({ ...twilio, TWILIO_LOOKUP: 'off' }).twilio?.lookupApiBase).toBeUndefined();
  });
});
