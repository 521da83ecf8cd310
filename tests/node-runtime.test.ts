/**
 * Node.js 24 is the runtime: `npm test` refuses an older Node in one line (scripts/require-node.mjs), and
 * scripts/node-runtime.sh puts Node 24 first on PATH, with native modules built against its headers.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { minimumOf, nodeVersionProblem } from '../scripts/require-node.mjs';
import { REPO_ROOT } from './cli-helpers/wrsauth-process';

const ENGINES: string = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).engines
  .node;

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-node-runtime-'));
  scratch.push(dir);
  return dir;
}
function writeExecutable(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode: 0o755 });
}

describe('the Node.js version the project needs', () => {
  it('is at least 22.12 in package.json engines, the least that the embedded server inside Electron may have', () => {
    expect(minimumOf(ENGINES)).toEqual([22, 12, 0]);
  });

  it.each(['20.20.2', '22.11.9', '18.20.8', '21.99.0'])(
    'refuses Node.js %s, naming the version to install',
    (version) => {
      const problem = nodeVersionProblem(version, ENGINES);
      expect(problem).toContain(`this is Node.js ${version}`);
      expect(problem).toContain('install Node.js 24');
      expect(problem).not.toContain('\n');
    },
  );

  it.each(['22.12.0', '22.20.1', '24.0.0', '24.22.3', '26.1.0'])('accepts Node.js %s', (version) => {
    expect(nodeVersionProblem(version, ENGINES)).toBeUndefined();
  });

  it('refuses `npm test` on Node.js 20 with one line, before lint, build or any suite runs', () => {
    // A `node` on PATH that is this Node reporting itself as 20.20.2, as the machines' system Node would.
    const bin = tempDir();
    writeExecutable(
      path.join(bin, 'node'),
      `#!/bin/sh\nexec '${process.execPath}' --import 'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"20.20.2"})' "$@"\n`,
    );
    const run = spawnSync('bash', [path.join(REPO_ROOT, 'scripts', 'test.sh')], {
      cwd: REPO_ROOT,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /needs Node\.js 22\.12\.0 or later .* this is Node\.js 20\.20\.2: install Node\.js 24/,
    );
  });
});

describe('scripts/node-runtime.sh', () => {
  /**
   * Sources the script with the machine's `node` being this Node reporting `machineNodeVersion` to
   * `--version` (npm runs on it as on a real machine); returns which node and nodedir it chose.
   */
  function sourceWith(machineNodeVersion: string, env: Record<string, string> = {}) {
    const machine = tempDir();
    writeExecutable(
      path.join(machine, 'bin', 'node'),
      `#!/bin/sh\nif [ "$1" = --version ]; then echo v${machineNodeVersion}; else exec '${process.execPath}' "$@"; fi\n`,
    );
    fs.mkdirSync(path.join(machine, 'include', 'node'), { recursive: true });
    fs.writeFileSync(path.join(machine, 'include', 'node', 'node.h'), '');
    const run = spawnSync(
      'bash',
      ['-c', '. scripts/node-runtime.sh || exit 3; command -v node; echo "nodedir=$npm_config_nodedir"'],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          npm_config_nodedir: '/usr',
          ...env,
          PATH: `${machine}/bin:${process.env.PATH}`,
        },
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    return { machine, status: run.status, stdout: run.stdout.trim().split('\n'), stderr: run.stderr };
  }

  it("keeps a machine's own Node 24, building native modules against its headers rather than npm's configured nodedir", () => {
    const chosen = sourceWith('24.22.3', { WRSAUTH_NODE_HOME: path.join(tempDir(), 'never-made') });
    expect(chosen.status).toBe(0);
    expect(chosen.stdout).toEqual([path.join(chosen.machine, 'bin', 'node'), `nodedir=${chosen.machine}`]);
  });

  it('uses a Node 24 unpacked earlier instead of the machine Node 20, without fetching it again', () => {
    const home = path.join(tempDir(), 'node24');
    writeExecutable(path.join(home, 'bin', 'node'), '#!/bin/sh\necho v24.22.3\n');
    fs.mkdirSync(path.join(home, 'include', 'node'), { recursive: true });
    fs.writeFileSync(path.join(home, 'include', 'node', 'node.h'), '');
    // npm is not reachable: a download attempt would fail the source.
    const chosen = sourceWith('20.20.2', {
      WRSAUTH_NODE_HOME: home,
      npm_config_registry: 'http://127.0.0.1:9/',
    });
    expect(chosen.status).toBe(0);
    expect(chosen.stdout).toEqual([path.join(home, 'bin', 'node'), `nodedir=${home}`]);
    expect(chosen.stderr).not.toContain('fetching');
  });

  it('fetches Node 24 when the unpacked one is another version, and fails saying so when the registry cannot be had', () => {
    const home = path.join(tempDir(), 'node24');
    writeExecutable(path.join(home, 'bin', 'node'), '#!/bin/sh\necho v22.1.0\n');
    const chosen = sourceWith('20.20.2', {
      WRSAUTH_NODE_HOME: home,
      npm_config_registry: 'http://127.0.0.1:9/',
      npm_config_fetch_retries: '0',
      npm_config_cache: path.join(tempDir(), 'empty-cache'),
    });
    expect(chosen.status).toBe(3);
    expect(chosen.stderr).toContain('fetching node-linux-');
    expect(chosen.stderr).toContain('npm pack node-linux-');
    // Nothing half-made is left in place of the old one.
    expect(fs.readdirSync(path.dirname(home))).toEqual(['node24']);
  });
});
