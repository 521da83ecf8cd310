/**
 * Rotating the server key (WRSAUTH_SECRET → a new key, the old one in WRSAUTH_SECRET_PREVIOUS): a code sent
 * before the restart still verifies after it, new codes use the new key, and once `rekey` has re-sealed what
 * the old key protected and the old key is gone, the earlier code no longer matches (codes sent by text or
 * email are never re-keyed: they expire within minutes). A server refuses to start without a key rows still
 * need. Real server processes over one SQLite data dir, codes from the dev outbox. The whole rotation, with
 * the authenticator app, recovery codes and the OIDC provider, is tests/server/rekey.test.ts.
 */
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEV_OUTBOX_FILE } from '../server/delivery/dev-outbox';
import { Keyring, keyIdOf } from '../server/secrets';
import {
  login,
  makeDataDir,
  removeDataDir,
  runAdmin,
  runCli,
  ServerProcess,
} from './cli-helpers/wrsauth-process';

const OLD_KEY = randomBytes(32).toString('base64');
const NEW_KEY = randomBytes(32).toString('base64');
const EMAIL = 'rotation@wrshealth.com';
const PASSWORD = 'frontDesk2026';

let dataDir: string;
let server: ServerProcess | undefined;
beforeEach(() => {
  dataDir = makeDataDir();
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
  removeDataDir(dataDir);
});

function lastCode(): string {
  const lines = fs.readFileSync(path.join(dataDir, DEV_OUTBOX_FILE), 'utf8').trim().split('\n');
  const last = JSON.parse(lines.at(-1) ?? '{}') as { text?: string };
  return /\b(\d{6})\b/.exec(last.text ?? '')?.[1] ?? '';
}

/** Under the old key: sign in with the password and have a code emailed; answers the challenge id and code. */
async function codeSentUnderOldKey(): Promise<{ challengeId: string; code: string }> {
  const created = await runAdmin(dataDir, [
    'create-user',
    '--username',
    'rotator',
    '--password',
    PASSWORD,
    '--email',
    EMAIL,
  ]);
  expect(created.code, created.stderr).toBe(0);
  server = await ServerProcess.start(dataDir, [], { WRSAUTH_SECRET: OLD_KEY });
  const answer = await login(server.url, 'rotator', PASSWORD);
  const challengeId = String(answer.body.challengeId);
  const sent = await fetch(`${server.url}/api/v1/auth/challenges/${challengeId}/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ targetId: 'email' }),
  });
  expect(sent.status).toBe(200);
  const code = lastCode();
  expect(code).toMatch(/^\d{6}$/);
  await server.stop();
  return { challengeId, code };
}

async function verify(challengeId: string, code: string): Promise<number> {
  const response = await fetch(`${server?.url}/api/v1/auth/challenges/${challengeId}/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  return response.status;
}

// Each test runs the admin CLI and three server processes one after another: on a busy 2-core machine that
// outlasts the suite's 30 s default.
describe('rotating WRSAUTH_SECRET', { timeout: 120_000 }, () => {
  it('keeps a code sent under the old key valid when the old key is listed in WRSAUTH_SECRET_PREVIOUS', async () => {
    const { challengeId, code } = await codeSentUnderOldKey();

    server = await ServerProcess.start(dataDir, [], {
      WRSAUTH_SECRET: NEW_KEY,
      WRSAUTH_SECRET_PREVIOUS: OLD_KEY,
    });

    expect(await verify(challengeId, code)).toBe(200);
  });

  it('refuses to start without the old key while rows still need it, naming the key, the count and the command', async () => {
    await codeSentUnderOldKey();

    const refused = await runCli(
      [],
      { WRSAUTH_DATA_DIR: dataDir, WRSAUTH_SECRET: NEW_KEY, WRSAUTH_DEV_OUTBOX: '1' },
      60_000,
    );

    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `1 OIDC signing key generation is still protected by key ${keyIdOf(Buffer.from(OLD_KEY, 'base64'))}, which is no longer configured: put it back in WRSAUTH_SECRET_PREVIOUS and run \`npm run server -- rekey\``,
    );
    expect(refused.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses that code once rekey has run and the old key is no longer listed', async () => {
    const { challengeId, code } = await codeSentUnderOldKey();
    const rekeyed = await runCli(['rekey'], {
      WRSAUTH_DATA_DIR: dataDir,
      WRSAUTH_SECRET: NEW_KEY,
      WRSAUTH_SECRET_PREVIOUS: OLD_KEY,
    });
    expect(rekeyed.code, rekeyed.stderr).toBe(0);

    server = await ServerProcess.start(dataDir, [], { WRSAUTH_SECRET: NEW_KEY });

    expect(await verify(challengeId, code)).toBe(400);
  });
});

describe('Keyring', () => {
  it('HMACs new codes with the current key only, and matches codes of the keys it replaced', () => {
    const oldKey = Buffer.from(OLD_KEY, 'base64');
    const newKey = Buffer.from(NEW_KEY, 'base64');
    const underOld = new Keyring(oldKey).codeHmac('challenge-1', '123456');
    const rotated = new Keyring(newKey, [oldKey]);

    expect(rotated.codeMatches('challenge-1', '123456', underOld)).toBe(true);
    expect(rotated.codeMatches('challenge-1', '654321', underOld)).toBe(false);
    expect(rotated.codeHmac('challenge-1', '123456')).toBe(
      new Keyring(newKey).codeHmac('challenge-1', '123456'),
    );
    expect(new Keyring(newKey).codeMatches('challenge-1', '123456', underOld)).toBe(false);
  });

  it('names the key in everything it makes: sealed values and HMACs carry the key id', () => {
    const oldKey = Buffer.from(OLD_KEY, 'base64');
    const keyring = new Keyring(oldKey);
    const id = keyIdOf(oldKey);

    expect(id).toMatch(/^[0-9a-f]{8}$/);
    expect(keyring.currentKeyId).toBe(id);
    expect(keyring.seal('JBSWY3DPEHPK3PXP', 'user-1').startsWith(`v2.${id}.`)).toBe(true);
    expect(keyring.codeHmac('challenge-1', '123456').startsWith(`${id}.`)).toBe(true);
    expect(keyring.sealCode('recovery', 'user-1', 'ABCDEFGHJK').startsWith(`v2.${id}.`)).toBe(true);
  });

  it('opens a sealed value only under the key it names, and tells which key opened it', () => {
    const oldKey = Buffer.from(OLD_KEY, 'base64');
    const newKey = Buffer.from(NEW_KEY, 'base64');
    const sealed = new Keyring(oldKey).seal('secret', 'user-1');
    const rotated = new Keyring(newKey, [oldKey]);

    expect(rotated.openWithKeyId(sealed, 'user-1')).toEqual({ plaintext: 'secret', keyId: keyIdOf(oldKey) });
    expect(rotated.open(sealed, 'user-2')).toBeUndefined();
    expect(new Keyring(newKey).open(sealed, 'user-1')).toBeUndefined();
  });

  it('matches a recovery code sealed under a previous key, and one stored as an HMAC before codes were sealed', () => {
    const oldKey = Buffer.from(OLD_KEY, 'base64');
    const newKey = Buffer.from(NEW_KEY, 'base64');
    const sealed = new Keyring(oldKey).sealCode('recovery', 'user-1', 'ABCDEFGHJK');
    const legacyHmac = createHmac('sha256', oldKey)
      .update('recovery\0user-1\0ABCDEFGHJK')
      .digest('base64url');
    const rotated = new Keyring(newKey, [oldKey]);

    for (const stored of [sealed, legacyHmac, `${keyIdOf(oldKey)}.${legacyHmac}`]) {
      expect(rotated.storedCodeMatches('recovery', 'user-1', 'ABCDEFGHJK', stored)).toBe(true);
      expect(rotated.storedCodeMatches('recovery', 'user-1', 'ABCDEFGHJL', stored)).toBe(false);
      expect(rotated.storedCodeMatches('recovery', 'user-2', 'ABCDEFGHJK', stored)).toBe(false);
      expect(rotated.storedCodeMatches('bypass', 'user-1', 'ABCDEFGHJK', stored)).toBe(false);
      expect(new Keyring(newKey).storedCodeMatches('recovery', 'user-1', 'ABCDEFGHJK', stored)).toBe(false);
    }
  });
});
