import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler } from '../../src/main/app-protocol';

const CSP = "default-src 'self'; script-src 'self'";
let base: string;
let root: string;
let serve: (request: Request) => Promise<Response>;

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-protocol-'));
  root = path.join(base, 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>WRSAuth</title>');
  fs.writeFileSync(path.join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  fs.writeFileSync(path.join(base, 'secret.txt'), 'outside the renderer');
  fs.symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'assets', 'link.txt'));
  serve = createAppProtocolHandler({ root, contentSecurityPolicy: CSP });
});

afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

describe('the app:// protocol handler', () => {
  it('serves index.html at the root with the CSP header', async () => {
    const response = await serve(new Request('app://wrsauth/'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CSP);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    await expect(response.text()).resolves.toContain('<title>WRSAuth</title>');
  });

  it('serves built assets with their content type and the CSP header', async () => {
    const response = await serve(new Request('app://wrsauth/assets/index-abc.js'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CSP);
    await expect(response.text()).resolves.toBe('console.log(1)');
  });

  it('refuses paths that climb out of the renderer folder, however they are spelled', async () => {
    for (const url of [
      'app://wrsauth/..%2fsecret.txt',
      'app://wrsauth/assets/..%2F..%2Fsecret.txt',
      'app://wrsauth/%2e%2e/secret.txt',
      'app://wrsauth/..%5csecret.txt',
      'app://wrsauth/%2F..%2Fsecret.txt',
      `app://wrsauth/${encodeURIComponent(path.join(base, 'secret.txt'))}`,
      'app://wrsauth/index.html%00.js',
      'app://wrsauth/%E0%A4%A',
    ]) {
      const response = await serve(new Request(url));
      expect(response.status, url).toBe(404);
      expect(await response.text(), url).not.toContain('outside the renderer');
      expect(response.headers.get('content-security-policy'), url).toBe(CSP);
    }
  });

  it('refuses a symlink inside the folder that leads out of it', async () => {
    const response = await serve(new Request('app://wrsauth/assets/link.txt'));
    expect(response.status).toBe(404);
  });

  it('refuses another host on the app scheme and a missing file', async () => {
    expect((await serve(new Request('app://other/index.html'))).status).toBe(404);
    expect((await serve(new Request('app://wrsauth/missing.js'))).status).toBe(404);
  });

  it('refuses anything but GET and HEAD', async () => {
    expect((await serve(new Request('app://wrsauth/index.html', { method: 'POST', body: 'x' }))).status).toBe(
      405,
    );
  });
});
