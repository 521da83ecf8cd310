/**
 * WRSAUTH_SMTP_URL reaches nodemailer as options read with the WHATWG URL parser: the same options
 * nodemailer's own URL form gives, without the legacy url.parse() whose deprecation warning (DEP0169)
 * every server start and every CLI command printed.
 */
import { createRequire } from 'node:module';
import legacyUrl from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { SmtpCourier, smtpTransportOptions } from '../../server/delivery/smtp';

const require = createRequire(import.meta.url);
const nodemailerShared = require('nodemailer/lib/shared') as { parseConnectionUrl(url: string): object };

describe('smtpTransportOptions', () => {
  it.each([
    'smtp://mail.practice.example',
    'smtp://127.0.0.1:2525',
    'smtps://mail.practice.example:465',
    'smtp://wrsauth:s3cret@mail.practice.example:587',
    'smtp://wrs%40practice.example:p%40ss%3Aw%2Frd@mail.practice.example:587',
    'smtp://user:pass@mail.practice.example:587?requireTLS=true&tls.rejectUnauthorized=false&tls.servername=mx',
    'smtp://[::1]:2525',
  ])('reads %s exactly as nodemailer reads its URL form', (url) => {
    expect(smtpTransportOptions(url)).toEqual(nodemailerShared.parseConnectionUrl(url));
  });

  it('keeps a percent-encoded @ and : in the password, as the mail server expects them', () => {
    expect(smtpTransportOptions('smtp://wrsauth:p%40ss%3Aword@mail.practice.example').auth).toEqual({
      user: 'wrsauth',
      pass: 'p@ss:word',
    });
  });

  it('makes a courier without calling the legacy url.parse() (DEP0169 in the bundle, where nodemailer is not under node_modules)', () => {
    const parse = vi.spyOn(legacyUrl, 'parse');
    try {
      new SmtpCourier({
        url: 'smtp://user:pass@127.0.0.1:2525',
        from: 'WRSAuth <no-reply@practice.example>',
      });
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });
});
