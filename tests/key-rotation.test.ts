/**
 * Rotating the server key (WRSAUTH_SECRET → a new key, the old one in WRSAUTH_SECRET_PREVIOUS): a code sent
 * before the restart still verifies after it, new codes use the new key, and without the old key listed the
 * earlier code no longer matches. Real server processes over one SQLite data dir, codes from the dev outbox.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEV_OUTBOX_FILE } from '../server/delivery/dev-outbox';
import { Keyring } from '../server/secrets';
import { login, makeDataDir, removeDataDir, runAdmin, ServerProcess } from './cli-helpers/wrsauth-process';

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

  it('refuses that code once the old key is no longer listed', async () => {
    const { challengeId, code } = await codeSentUnderOldKey();

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
});
