/**
 * Where the server finds the web client when WRSAUTH_WEB_DIR is unset (server/config.ts defaultWebRoot):
 * web/ beside the bundle `npm run build:server` makes, else a checkout's (or the desktop stage's)
 * out/renderer, one level up from server/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultWebRoot, loadConfig } from '../../server/config';

let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('defaultWebRoot', () => {
  it("is the bundle's web/ when it holds a built client", () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-web-root-'));
    fs.mkdirSync(path.join(dir, 'web'));
    fs.writeFileSync(path.join(dir, 'web', 'index.html'), '<div id="root"></div>');
    expect(defaultWebRoot(dir)).toBe(path.join(dir, 'web'));
  });

  it('is ../out/renderer from server/ otherwise, as in a checkout, even where an empty web/ exists', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-web-root-'));
    fs.mkdirSync(path.join(dir, 'server', 'web'), { recursive: true });
    expect(defaultWebRoot(path.join(dir, 'server'))).toBe(path.join(dir, 'server', '..', 'out', 'renderer'));
  });

  it('gives way to WRSAUTH_WEB_DIR', () => {
    expect(loadConfig({ WRSAUTH_WEB_DIR: '/srv/wrsauth-web' }).webRoot).toBe('/srv/wrsauth-web');
  });
});
