/**
 * The logs IT collects for a support bundle (<userData>/logs): lines land on disk, rotate, and pass a
 * redaction net, so a secret logged by mistake never reaches a file mailed to a help desk.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startEmbeddedServer } from '../../src/main/embedded-server';
import { LogFile, lineWriter, redactSecrets, teeConsole } from '../../src/main/log-file';
import { memoryVault } from './memory-vault';

vi.mock('electron', () => import('./fake-electron'));

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-logs-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('redactSecrets', () => {
  const cases: Array<[string, string, string]> = [
    ['a bearer token', 'GET /me Authorization: Bearer abc.def-ghi', 'abc.def-ghi'],
    ['a JSON password', '{"username":"ckim","password":"frontDesk2026"}', 'frontDesk2026'],
    ['a device token', 'saved deviceToken=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg', 'Zm9vYmFy'],
    [
      "the demo seed's password line",
      '  front desk       User ID: frontdesk  Password: demoXk3p9Qx7',
      'demoXk3p9Qx7',
    ],
    ['credentials in a URL', 'smtp://mailer:s3cretpass@smtp.example:587', 's3cretpass'],
    ['a 6-digit code', 'Your WRSAuth verification code is 123456.', '123456'],
    [
      'a long random key',
      'key dGhpcyBpcyBhIHNlY3JldCBrZXkgZm9yIGhtYWNz',
      'dGhpcyBpcyBhIHNlY3JldCBrZXkgZm9yIGhtYWNz',
    ],
  ];
  for (const [what, line, secret] of cases) {
    it(`removes ${what}`, () => {
      const redacted = redactSecrets(line);
      expect(redacted).not.toContain(secret);
      expect(redacted).toContain('[redacted]');
    });
  }

  it('keeps what a help desk needs: server URLs, ports, paths, times and reasons', () => {
    const line =
      '[managed] ignoring /etc/wrsauth/managed-settings.json: it is writable by group or others (mode 666); using http://127.0.0.1:45999 at 2026-11-28T08:41:49.123Z';
    expect(redactSecrets(line)).toBe(line);
  });
});

describe('LogFile', () => {
  it('appends redacted, timestamped lines, creating its folder on the first line only', () => {
    const file = path.join(dir, 'logs', 'main.log');
    const log = new LogFile(file);
    expect(fs.existsSync(path.dirname(file))).toBe(false);
    log.write('[server] using https://auth.practice.example from Group Policy');
    log.write('token=abcdefabcdefabcdefabcdefabcdefabcdef');
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^\d{4}-\d\d-\d\dT.* \[server\] using https:\/\/auth\.practice\.example from Group Policy$/,
    );
    expect(lines[1]).not.toContain('abcdefabcdef');
    expect(fs.statSync(file).mode & 0o077).toBe(0);
  });

  it('rotates to main.1.log past its size, so the logs stay small', () => {
    const file = path.join(dir, 'main.log');
    const log = new LogFile(file, 200);
    for (let i = 0; i < 10; i++) log.write(`line ${i} ${'x'.repeat(40)}`);
    expect(fs.existsSync(path.join(dir, 'main.1.log'))).toBe(true);
    expect(fs.statSync(file).size).toBeLessThanOrEqual(200);
    expect(fs.readFileSync(file, 'utf8')).toContain('line 9');
  });

  it('never throws at its caller when the disk refuses', () => {
    const blocker = path.join(dir, 'not-a-folder');
    fs.writeFileSync(blocker, '');
    expect(() => new LogFile(path.join(blocker, 'main.log')).write('hello')).not.toThrow();
  });
});

describe('what goes into the logs', () => {
  it('teeConsole keeps console output and copies each line to the file', () => {
    const file = path.join(dir, 'main.log');
    const printed: unknown[][] = [];
    const target = {
      log: (...args: unknown[]) => printed.push(args),
      info: (...args: unknown[]) => printed.push(args),
      warn: (...args: unknown[]) => printed.push(args),
      error: (...args: unknown[]) => printed.push(args),
    };
    teeConsole(new LogFile(file), target);
    target.warn('[updates] off:', 'updates are off unless IT turns them on');
    target.error(new Error('the embedded server exited with code 1'));
    expect(printed).toHaveLength(2);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('[updates] off: updates are off unless IT turns them on');
    expect(text).toContain('the embedded server exited with code 1');
  });

  it("the embedded server's stdout and stderr go to server.log line by line", async () => {
    const file = path.join(dir, 'server.log');
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const fork = vi.fn((_entry: string, _args: string[], _options: { stdio?: string }) => ({
      pid: 1,
      kill: () => true,
      once: () => undefined,
      stdout,
      stderr,
    }));
    const starting = startEmbeddedServer({
      entry: 'server/main.js',
      userData: dir,
      vault: memoryVault(),
      fork,
      readyTimeoutMs: 300,
      output: lineWriter(new LogFile(file)),
    });
    stdout.write('{"level":30,"msg":"server listening"}\n{"level":30,"msg":"par');
    stdout.write('tial line"}\n');
    stderr.write('warning: no SMS provider\n');
    await expect(starting).rejects.toThrow('did not answer');
    expect(fork.mock.calls[0]?.[2].stdio).toBe('pipe');
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.map((line) => line.replace(/^\S+ /, ''))).toEqual([
      '{"level":30,"msg":"server listening"}',
      '{"level":30,"msg":"partial line"}',
      'warning: no SMS provider',
    ]);
  });
});
