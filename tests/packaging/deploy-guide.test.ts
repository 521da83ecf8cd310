/**
 * docs/deploy-server.md is followed line by line by administrators, so what it says is checked here:
 * - its systemd unit is one systemd accepts (`systemd-analyze verify`), sandboxed to an exposure of at most
 *   2.0 on systemd's own scale (`systemd-analyze security`), and loads each secret as the credential named
 *   like the variable the server reads;
 * - its `wrsauth` shell function (the admin CLI as the service runs) loads every credential file there is,
 *   the previous key during a rotation included, passes sudo's caller on, and can run another unpacked
 *   version for an upgrade's dry run;
 * - every admin command it shows is one the CLI has, with options the CLI documents.
 * The walkthrough itself (install, first account manager, TLS proxy, rotation, upgrade and rollback, export)
 * was done on a host with systemd and nginx; these checks keep the page as true as it was then.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SECRET_VARIABLES } from '../../server/config';

const ROOT = path.resolve(import.meta.dirname, '../..');
const guide = fs.readFileSync(path.join(ROOT, 'docs', 'deploy-server.md'), 'utf8');

/** The guide's fenced blocks of one language, in order. */
function fenced(language: string): string[] {
  return [...guide.matchAll(new RegExp(`^ *\`\`\`${language}\\n([\\s\\S]*?)^ *\`\`\`$`, 'gm'))].map(
    (m) => m[1] ?? '',
  );
}

const unit = fenced('ini').find((block) => block.includes('[Service]')) ?? '';
const wrapper = /^wrsauth\(\) \{\n[\s\S]*?^\}$/m.exec(fenced('sh').join('\n'))?.[0] ?? '';
// Debian's systemd package, which .ci/run installs; elsewhere (macOS, a container without it) the two
// systemd-analyze checks do not run.
const systemdAnalyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' }).status === 0;

function writeUnit(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-unit-'));
  const file = path.join(dir, 'wrsauth.service');
  // The guide's Node.js path is /usr/bin/node; verify needs an executable there, so use this one.
  fs.writeFileSync(file, text.replace('ExecStart=/usr/bin/node', `ExecStart=${process.execPath}`));
  return file;
}

describe("the deploy guide's systemd unit", () => {
  it('is in the guide, running the bundle', () => {
    expect(unit).toContain('ExecStart=/usr/bin/node /opt/wrsauth/server/main.mjs serve');
  });

  it.skipIf(!systemdAnalyze)('is a unit systemd accepts (systemd-analyze verify)', () => {
    const verified = spawnSync('systemd-analyze', ['verify', writeUnit(unit)], { encoding: 'utf8' });
    expect(verified.stderr + verified.stdout).toBe('');
    expect(verified.status).toBe(0);
  });

  it.skipIf(!systemdAnalyze)(
    "keeps the service's sandbox exposure at 2.0 or below (systemd-analyze security)",
    () => {
      const file = writeUnit(unit);
      const scored = spawnSync('systemd-analyze', ['security', '--offline=true', '--threshold=20', file], {
        encoding: 'utf8',
      });
      expect(scored.stdout).toMatch(/Overall exposure level for wrsauth\.service: [0-9.]+/);
      expect(scored.status, scored.stdout.split('\n').slice(-2).join('\n')).toBe(0);
      // The same check fails for a unit without the sandbox, so the threshold means something.
      const bare = writeUnit(
        unit.replace(
          /^(NoNewPrivileges|Protect|Private|Restrict|SystemCall|Capability|Lock|RemoveIPC|UMask).*\n/gm,
          '',
        ),
      );
      expect(
        spawnSync('systemd-analyze', ['security', '--offline=true', '--threshold=20', bare]).status,
      ).not.toBe(0);
    },
  );

  it('loads each secret as the credential named like the variable the server reads', () => {
    const loaded = [...unit.matchAll(/^LoadCredential=([A-Z_]+):\/etc\/wrsauth\/credentials\/([A-Z_]+)$/gm)];
    expect(loaded.map((m) => m[1])).toEqual(['WRSAUTH_SECRET', 'TWILIO_AUTH_TOKEN', 'WRSAUTH_SMTP_URL']);
    for (const [, name, file] of loaded) {
      expect(SECRET_VARIABLES).toContain(name);
      expect(file).toBe(name);
    }
    expect(unit).not.toMatch(/^Environment=.*(SECRET|TOKEN|PASSWORD)/m);
  });
});

describe("the deploy guide's wrsauth function", () => {
  /** Runs the function with sudo and systemd-run stood in for, on a credentials folder holding `files`. */
  function callWrapper(files: string[], args: string, env: Record<string, string> = {}): string[] {
    const credentials = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-credentials-'));
    for (const name of files) fs.writeFileSync(path.join(credentials, name), 'secret\n', { mode: 0o600 });
    const script = [
      'sudo() { "$@"; }',
      'systemd-run() { printf \'%s\\n\' "$@"; }',
      wrapper.replaceAll('/etc/wrsauth/credentials', credentials),
      `wrsauth ${args}`,
    ].join('\n');
    const ran = spawnSync('bash', ['-c', script], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, ...env },
    });
    expect(ran.status, ran.stderr).toBe(0);
    return ran.stdout
      .trim()
      .split('\n')
      .map((line) => line.replaceAll(credentials, '/etc/wrsauth/credentials'));
  }

  it('runs the bundle as the service user, with its environment file, data dir and every credential file', () => {
    const argv = callWrapper(
      ['WRSAUTH_SECRET', 'WRSAUTH_SECRET_PREVIOUS', 'WRSAUTH_SMTP_URL'],
      'rekey --check',
    );
    expect(argv).toEqual(
      expect.arrayContaining([
        'User=wrsauth',
        'EnvironmentFile=/etc/wrsauth/server.env',
        'Environment=WRSAUTH_DATA_DIR=/var/lib/wrsauth',
        'LoadCredential=WRSAUTH_SECRET:/etc/wrsauth/credentials/WRSAUTH_SECRET',
        'LoadCredential=WRSAUTH_SECRET_PREVIOUS:/etc/wrsauth/credentials/WRSAUTH_SECRET_PREVIOUS',
        'LoadCredential=WRSAUTH_SMTP_URL:/etc/wrsauth/credentials/WRSAUTH_SMTP_URL',
        '--setenv=SUDO_USER',
        'UMask=0077',
      ]),
    );
    expect(argv.slice(-3)).toEqual(['/opt/wrsauth/server/main.mjs', 'rekey', '--check']);
    expect(argv.join(' ')).not.toContain('secret\n');
  });

  it('runs another unpacked version when WRSAUTH_BUNDLE names it (an upgrade dry run)', () => {
    const argv = callWrapper(['WRSAUTH_SECRET'], 'migrate --dry-run', {
      WRSAUTH_BUNDLE: '/opt/wrsauth/next/server',
    });
    expect(argv.slice(-3)).toEqual(['/opt/wrsauth/next/server/main.mjs', 'migrate', '--dry-run']);
  });
});

describe("the deploy guide's admin commands", () => {
  const help = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts', '--help'], {
    cwd: ROOT,
    encoding: 'utf8',
  }).stdout;
  const verbs = new Set(
    [...help.matchAll(/^ {2}(?:\(no command\) \| )?([a-z][a-z0-9-]+)(?= |$)/gm)].map((m) => m[1]),
  );

  /** `wrsauth <verb> …`, `main.mjs <verb> …` and `npm run server -- <verb> …`, in code blocks and inline code. */
  function commands(): { command: string; verb: string; options: string[]; line: string }[] {
    const code = [...fenced('sh'), ...[...guide.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] ?? '')]
      .join('\n')
      .replace(/\\\n\s*/g, ' ');
    const found = [];
    for (const line of code.split('\n')) {
      for (const m of line.matchAll(
        /(?:^|[\s;(])(wrsauth[a-z-]*|main\.mjs|npm run server --) ([a-z][a-z0-9-]*)([^|;&>#]*)/g,
      )) {
        const [, command = '', verb = '', rest = ''] = m;
        // Prose ("the wrsauth function"), and the container's name before its own node main.mjs command.
        if (['is', 'function', 'node'].includes(verb)) continue;
        if (command !== 'wrsauth' && command.startsWith('wrsauth') && !verbs.has(verb)) continue; // a file or image name
        found.push({
          command,
          verb,
          options: [...rest.matchAll(/(?:^|\s)(--[a-z][a-z-]*)/g)].map((o) => o[1] ?? ''),
          line,
        });
      }
    }
    return found;
  }

  it('never runs the wrsauth function under sudo, which cannot run a shell function', () => {
    const code = [...fenced('sh'), ...[...guide.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] ?? '')].join('\n');
    expect(code).not.toMatch(/sudo (-\S+ )*wrsauth(?![-./\w])/);
  });

  it('reads the verbs from the CLI itself', () => {
    expect([...verbs]).toEqual(expect.arrayContaining(['serve', 'create-user', 'rekey', 'migrate', 'audit']));
  });

  it('names only verbs the CLI has, with options its usage documents', () => {
    const shown = commands();
    expect(shown.length).toBeGreaterThan(10);
    for (const { command, verb, options, line } of shown) {
      expect(command.startsWith('wrsauth') ? command : 'wrsauth', `no command ${command} in: ${line}`).toBe(
        'wrsauth',
      );
      expect(verbs.has(verb), `unknown verb in: ${line}`).toBe(true);
      for (const option of options) expect(help, `unknown option ${option} in: ${line}`).toContain(option);
    }
  });
});
