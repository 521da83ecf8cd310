/** Masking exactly as the seed shows it, and never more of a contact than that. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskEmail, maskPhone } from '../../server/masking';

describe('maskPhone', () => {
  it('shows only the last 4 digits, as "••• - ••• - 3816"', () => {
    expect(maskPhone('+12025553816')).toBe('••• - ••• - 3816');
  });

  it('always shows exactly the last 4 digits and nothing else of the number', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\+[1-9]\d{7,14}$/), (phone) => {
        const masked = maskPhone(phone);
        expect(masked).toBe(`••• - ••• - ${phone.slice(-4)}`);
        expect(masked.replace(/\D/g, '')).toBe(phone.slice(-4));
      }),
    );
  });
});

describe('maskEmail', () => {
  it('shows the first 3 characters of the local part, then •••, then the domain, with no @', () => {
    expect(maskEmail('ckiplock@wrshealth.com')).toBe('cki•••wrshealth.com');
  });

  it('shows only the first character of a local part of 3 characters or fewer', () => {
    expect(maskEmail('abc@wrshealth.com')).toBe('a•••wrshealth.com');
    expect(maskEmail('ab@wrshealth.com')).toBe('a•••wrshealth.com');
    expect(maskEmail('a@wrshealth.com')).toBe('a•••wrshealth.com');
  });

  it('never contains the @ or the hidden part of the local part, for any address', () => {
    const local = fc.stringMatching(/^[a-z0-9._+-]{1,30}$/);
    const domain = fc.domain();
    fc.assert(
      fc.property(local, domain, (name, host) => {
        const masked = maskEmail(`${name}@${host}`);
        expect(masked).not.toContain('@');
        const shown = name.length > 3 ? name.slice(0, 3) : name.slice(0, 1);
        expect(masked).toBe(`${shown}•••${host}`);
      }),
    );
  });
});
