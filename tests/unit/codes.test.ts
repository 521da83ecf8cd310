/** Codes: 6 digits from a CSPRNG, stored only as an HMAC bound to the challenge and the server key. */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateCode, hashToken, isWellFormedCode, Keyring, newToken } from '../../server/secrets';

const keyring = new Keyring(randomBytes(32));
const digits6 = fc.stringMatching(/^\d{6}$/);

describe('code generation', () => {
  it('makes 6-digit codes, leading zeros kept', () => {
    const codes = Array.from({ length: 2000 }, generateCode);
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    expect(codes.some((c) => c.startsWith('0'))).toBe(true);
  });

  it('spreads codes over the whole range (no small fixed set)', () => {
    expect(new Set(Array.from({ length: 1000 }, generateCode)).size).toBeGreaterThan(990);
  });
});

describe('code HMAC', () => {
  it('matches exactly the code it was made from, on the same challenge', () => {
    fc.assert(
      fc.property(digits6, fc.uuid(), (code, challengeId) => {
        expect(keyring.codeMatches(challengeId, code, keyring.codeHmac(challengeId, code))).toBe(true);
      }),
    );
    // Any other code fails, down to a code one digit away (a random guess is almost never near the code).
    fc.assert(
      fc.property(digits6, digits6, fc.nat(5), fc.uuid(), (code, guess, position, challengeId) => {
        const stored = keyring.codeHmac(challengeId, code);
        const nextDigit = String((Number(code[position]) + 1) % 10);
        const near = code.slice(0, position) + nextDigit + code.slice(position + 1);
        expect(keyring.codeMatches(challengeId, near, stored)).toBe(false);
        expect(keyring.codeMatches(challengeId, guess, stored)).toBe(guess === code);
      }),
    );
  });

  it('does not match the same code on another challenge', () => {
    fc.assert(
      fc.property(digits6, fc.uuid(), fc.uuid(), (code, a, b) => {
        fc.pre(a !== b);
        expect(keyring.codeMatches(b, code, keyring.codeHmac(a, code))).toBe(false);
      }),
    );
  });

  it('does not match under another server key', () => {
    const other = new Keyring(randomBytes(32));
    fc.assert(
      fc.property(digits6, fc.uuid(), (code, id) => {
        expect(other.codeMatches(id, code, keyring.codeHmac(id, code))).toBe(false);
      }),
    );
  });

  it('never contains the code itself', () => {
    fc.assert(
      fc.property(digits6, fc.uuid(), (code, id) => {
        expect(keyring.codeHmac(id, code)).not.toContain(code);
      }),
    );
  });

  it('rejects anything but exactly 6 digits as a code', () => {
    fc.assert(
      fc.property(fc.string(), (input) => {
        expect(isWellFormedCode(input)).toBe(/^\d{6}$/.test(input));
      }),
    );
  });
});

describe('tokens', () => {
  it('are 256-bit random values, stored only as their hash', () => {
    const { token, hash } = newToken();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(hash).toBe(hashToken(token));
    expect(hash).not.toBe(token);
    expect(newToken().token).not.toBe(token);
  });
});
