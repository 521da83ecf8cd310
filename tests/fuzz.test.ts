/**
 * Fuzzing a real server process (scripts/fuzz.ts): 10,000 random and malformed requests over every route of
 * the server's OpenAPI document and random paths, a quarter of them over the OpenID Connect provider's routes
 * (/oidc, listed by the provider itself), with a staff session and an account manager's (signed in
 * with a second factor, so the console's handlers are fuzzed, not only its guard). No answer may be a 5xx, every error keeps the
 * {error, message} shape, and the process must be alive and healthy at the end.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('fuzzing a server process (scripts/fuzz.ts)', () => {
  it('answers 10,000 random requests over every route and the /oidc routes without a 5xx, fuzzes the console past its guard, and the process stays healthy', async () => {
    const outcome = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/fuzz.ts', '--requests', '10000'],
      {
        timeout: 280_000,
      },
    ).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );

    const summary = outcome.stdout.trim().split('\n').at(-1) ?? '';
    expect(summary, outcome.stdout).toMatch(
      /^fuzz: 10000 requests to \d+ routes and random paths \(seed \d+\); [1-9]\d{3} of them to [1-9]\d* \/oidc routes; 0 answers 5xx; [1-9]\d* \/admin requests past the guard; process alive and healthy;/,
    );
    expect(outcome.code, outcome.stdout).toBe(0);
  }, 300_000);
});
