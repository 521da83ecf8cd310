/**
 * electron-builder.yml, loaded and validated by electron-builder's own code (app-builder-lib's getConfig and
 * validateConfiguration, the schema check `electron-builder` runs before it builds), then checked for what
 * issue #6 asks of it: the targets IT deploys, the fuses, unpacked native modules, the staged app, and
 * signing that comes from the environment only.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const require = createRequire(path.join(ROOT, 'package.json'));

type Config = Record<string, unknown> & {
  directories: { app?: string; buildResources?: string; output?: string };
  win: { target: Array<{ target: string }> };
  nsis: Record<string, unknown>;
  msi: Record<string, unknown>;
  mac: Record<string, unknown> & { target: string[] };
  linux: { target: string[] };
  electronFuses: Record<string, boolean>;
  asarUnpack: string[];
  files: Array<string | { filter?: string[] }>;
};

const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(
    projectDir: string,
    configPath: string | null,
    fromOptions: null,
    metadata: unknown,
  ): Promise<Config>;
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const { Lazy } = require('lazy-val') as { Lazy: new <T>(creator: () => Promise<T>) => unknown };
const { MacTargetHelper } = require('app-builder-lib/out/mac/MacTargetHelper.js') as {
  MacTargetHelper: { getNotarizeOptions(appPath: string): Record<string, string> | undefined };
};
const { minimatch } = require('minimatch') as {
  minimatch(file: string, pattern: string, o?: object): boolean;
};

const validate = (config: unknown) => validateConfiguration(config, new DebugLogger(false));

let config: Config;
beforeAll(async () => {
  config = await getConfig(ROOT, null, null, new Lazy(async () => ({})));
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe("electron-builder.yml passes electron-builder's own validation", () => {
  it("is accepted by app-builder-lib's schema", async () => {
    await expect(validate(config)).resolves.toBeUndefined();
  });

  it('the same validator rejects a misspelled option, so the check above is live', async () => {
    await expect(validate({ ...config, nsis: { ...config.nsis, oneClik: false } })).rejects.toThrow(
      /does not match the API schema/,
    );
  });
});

describe('targets for IT deployment', () => {
  it('builds an NSIS installer that asks, installs for all users and may elevate', () => {
    expect(config.win.target.map((t) => t.target)).toContain('nsis');
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: true, allowElevation: true });
  });

  it('builds an MSI for all users with a fixed upgradeCode (a GUID), so GPO/Intune upgrades find it', () => {
    expect(config.win.target.map((t) => t.target)).toContain('msi');
    expect(config.msi.perMachine).toBe(true);
    expect(config.msi.upgradeCode).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
  });

  it('documents the silent installs these settings allow, in the config and the IT guide', () => {
    const yml = fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8');
    const guide = fs.readFileSync(path.join(ROOT, 'docs/it-deployment.md'), 'utf8');
    for (const text of [yml, guide]) {
      expect(text).toMatch(/WRSAuth-Setup-[^\s]+\.exe \/S \/allusers/);
      expect(text).toMatch(/msiexec \/i WRSAuth-[^\s]+\.msi \/quiet[^\n]*ALLUSERS=1/);
      expect(text).toMatch(/Uninstall WRSAuth\.exe"? \/S \/allusers/);
      expect(text).toMatch(/msiexec \/x /);
    }
    // The uninstaller name the guide gives is the one NSIS writes, which updates.ts also looks for.
    expect(config.productName).toBe('WRSAuth');
  });

  it('builds a hardened-runtime DMG and zip on macOS with entitlements from build/', () => {
    expect([...config.mac.target].sort()).toEqual(['dmg', 'zip']);
    expect(config.mac.hardenedRuntime).toBe(true);
    for (const key of ['entitlements', 'entitlementsInherit']) {
      const file = config.mac[key] as string;
      expect(file.startsWith('build/')).toBe(true);
      expect(fs.existsSync(path.join(ROOT, file))).toBe(true);
    }
  });

  it('asks the hardened runtime for no more than the JIT needs (no unsigned memory, no foreign libraries)', () => {
    for (const key of ['entitlements', 'entitlementsInherit']) {
      const plist = fs.readFileSync(path.join(ROOT, config.mac[key] as string), 'utf8');
      expect(plist).toContain('com.apple.security.cs.allow-jit');
      for (const loosening of [
        'allow-unsigned-executable-memory',
        'disable-library-validation',
        'allow-dyld-environment-variables',
        'disable-executable-page-protection',
      ]) {
        expect(plist).not.toContain(loosening);
      }
    }
  });

  it('builds AppImage, deb and rpm on Linux', () => {
    expect([...config.linux.target].sort()).toEqual(['AppImage', 'deb', 'rpm']);
  });

  it('has the rpm depend on libsecret, which the keychain needs (the deb gets it by default)', () => {
    expect((config.rpm as { depends: string[] }).depends).toContain('libsecret');
    expect((config as { deb?: { depends?: string[] } }).deb?.depends).toBeUndefined();
  });
});

describe('Electron fuses', () => {
  it('turns off RunAsNode, NODE_OPTIONS and --inspect, and loads the app only from a checked, encrypted asar', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
    });
  });
});

describe('native modules and the staged app', () => {
  it('unpacks keytar and better-sqlite3 (with their .node files) from the asar', () => {
    const unpacked = (file: string) =>
      config.asarUnpack.some((pattern) => minimatch(file, pattern, { dot: true }));
    expect(unpacked('node_modules/keytar/build/Release/keytar.node')).toBe(true);
    expect(unpacked('node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(true);
    expect(unpacked('node_modules/better-sqlite3/lib/index.js')).toBe(true);
    expect(unpacked('out/main/index.js')).toBe(false);
  });

  it('packs the staging folder, and leaves the Electron rebuild to it, so the dev tree is never rebuilt', () => {
    expect(config.directories.app).toBe('release/app');
    expect(config.npmRebuild).toBe(false);
  });

  it('names only an unreachable (.invalid) generic feed, so latest*.yml is written but the feed comes from managed settings', () => {
    expect(config.publish).toEqual({ provider: 'generic', url: 'https://updates.invalid/wrsauth' });
  });
});

describe('signing comes from the environment only', () => {
  const SIGNING_KEYS = ['certificateFile', 'certificatePassword', 'cscLink', 'cscKeyPassword', 'password'];

  it('names no certificate, password or key anywhere in the config', () => {
    const found: string[] = [];
    const visit = (value: unknown, at: string) => {
      if (value && typeof value === 'object') {
        for (const [key, child] of Object.entries(value)) {
          if (SIGNING_KEYS.includes(key)) found.push(`${at}.${key}`);
          visit(child, `${at}.${key}`);
        }
      }
    };
    visit(config, 'config');
    expect(found).toEqual([]);
    // dist:release adds it; a development build must not need a certificate.
    expect(config.forceCodeSigning).toBeUndefined();
  });

  it('leaves notarization on, so it runs exactly when the APPLE_* variables are set', () => {
    expect(config.mac.notarize).not.toBe(false);
    for (const name of ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID', 'APPLE_API_KEY']) {
      vi.stubEnv(name, '');
    }
    vi.stubEnv('APPLE_API_KEY_ID', '');
    vi.stubEnv('APPLE_API_ISSUER', '');
    vi.stubEnv('APPLE_KEYCHAIN_PROFILE', '');
    expect(MacTargetHelper.getNotarizeOptions('/tmp/WRSAuth.app')).toBeUndefined();
    vi.stubEnv('APPLE_API_KEY', '/secure/AuthKey_TEST.p8');
    vi.stubEnv('APPLE_API_KEY_ID', 'TESTKEYID');
    vi.stubEnv('APPLE_API_ISSUER', '00000000-0000-0000-0000-000000000000');
    expect(MacTargetHelper.getNotarizeOptions('/tmp/WRSAuth.app')).toMatchObject({
      tool: 'notarytool',
      appleApiKeyId: 'TESTKEYID',
    });
  });

  it('keeps no signing key, certificate or password in the repository', () => {
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
    const keyFiles = tracked.filter((file) =>
      /\.(pfx|p12|p8|pem|key|cer|mobileprovision|provisionprofile)$/i.test(file),
    );
    expect(keyFiles).toEqual([]);
    const offenders: string[] = [];
    for (const file of tracked) {
      if (file.startsWith('node_modules/') || file === 'package-lock.json') continue;
      const full = path.join(ROOT, file);
      if (!fs.existsSync(full) || fs.statSync(full).size > 2_000_000) continue;
      const text = fs.readFileSync(full, 'utf8');
      if (/-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(text))
        offenders.push(`${file}: private key`);
      if (
        /\b(CSC_KEY_PASSWORD|WIN_CSC_KEY_PASSWORD|APPLE_APP_SPECIFIC_PASSWORD|AZURE_CLIENT_SECRET)\s*[:=]\s*['"]?[^\s'"$<{]{6,}/.test(
          text,
        )
      ) {
        offenders.push(`${file}: a signing password`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
