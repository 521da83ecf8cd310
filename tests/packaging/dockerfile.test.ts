/**
 * The Dockerfile (issue 17: Node 24, a non-root user, a read-only root filesystem, data on a volume, a health
 * check on /healthz) and the run command docs/deploy-server.md gives for it. No Docker daemon runs on these
 * machines, and hadolint cannot be installed here (PyPI is unreachable, and the npm package `hadolint` only
 * wraps a binary it downloads from GitHub), so the properties are read from the file itself; where a
 * `hadolint` is on PATH it lints the file too.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const dockerignore = fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n');
const deployDoc = fs.readFileSync(path.join(ROOT, 'docs', 'deploy-server.md'), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions, continuation lines joined and comments dropped. */
function instructions(text: string): Instruction[] {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => line.trim() !== '');
  return logical.map((line) => {
    const [keyword = '', ...rest] = line.trim().split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
}

const all = instructions(dockerfile);
/** The instructions of the last stage: the image that runs. */
const runtime = all.slice(all.findLastIndex((i) => i.keyword === 'FROM'));
const of = (keyword: string, list = runtime) => list.filter((i) => i.keyword === keyword);
const envValue = (name: string) =>
  of('ENV')
    .map((i) => new RegExp(`(?:^|\\s)${name}=(\\S+)`).exec(i.args)?.[1])
    .find((value) => value !== undefined);

const hadolint = spawnSync('hadolint', ['--version']).status === 0;

describe('Dockerfile', () => {
  it('builds from Node.js 24 at a pinned version, in every stage', () => {
    const froms = of('FROM', all).map((i) => i.args.split(/\s+/)[0]);
    expect(froms.length).toBeGreaterThan(0);
    for (const image of froms) expect(image).toMatch(/^node:24\.\d+\.\d+-[a-z]+(-slim)?$/);
  });

  it('builds the bundle with npm run build:server and ships only dist/server into the running image', () => {
    expect(of('RUN', all).some((i) => i.args.includes('npm run build:server'))).toBe(true);
    expect(of('COPY').map((i) => i.args)).toEqual(['--from=build /src/dist/server /opt/wrsauth/server']);
    expect(of('ENTRYPOINT')[0]?.args).toBe('["node", "/opt/wrsauth/server/main.mjs"]');
    expect(of('CMD')[0]?.args).toBe('["serve"]');
  });

  it('runs as a user that is not root, set before the server starts', () => {
    const users = of('USER');
    const user = users.at(-1)?.args ?? 'root';
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    const userAt = runtime.lastIndexOf(users.at(-1) as Instruction);
    expect(userAt).toBeLessThan(runtime.findIndex((i) => i.keyword === 'ENTRYPOINT'));
  });

  it('keeps the data dir on a volume, the one place it writes (its root filesystem can be read-only)', () => {
    const dataDir = envValue('WRSAUTH_DATA_DIR');
    expect(dataDir).toBe('/var/lib/wrsauth');
    expect(of('VOLUME').map((i) => i.args)).toEqual([`["${dataDir}"]`]);
    // Listening beyond the container's loopback, or a published port would reach nothing.
    expect(envValue('WRSAUTH_HOST')).toBe('0.0.0.0');
  });

  it('checks its health on /healthz of its own port', () => {
    const checks = of('HEALTHCHECK');
    expect(checks).toHaveLength(1);
    expect(checks[0]?.args).toMatch(
      /CMD \[.*http:\/\/127\.0\.0\.1:\$\{process\.env\.WRSAUTH_PORT\}\/healthz/,
    );
    expect(envValue('WRSAUTH_PORT')).toBe('4580');
  });

  it('bakes in no secret: no secret variable or argument, no key file, no data dir, no local node_modules', () => {
    for (const i of [...of('ENV', all), ...of('ARG', all)]) {
      expect(i.args).not.toMatch(/SECRET|TOKEN|PASSWORD|SMTP_URL|TWILIO|DATABASE_URL/i);
    }
    for (const i of [...of('COPY', all), ...of('ADD', all)]) {
      expect(i.args).not.toMatch(/secret\.key|(^|[\s/])[\w-]*\.env(\s|$)/);
    }
    // The build context (COPY . .) leaves out what this machine holds: key and environment files, data dirs
    // (their secret.key and database), builds and the native modules compiled for it.
    for (const entry of [
      '.git',
      'node_modules',
      'dist',
      'out',
      'data',
      'release',
      '*.env',
      '.env*',
      '**/secret.key',
    ]) {
      expect(dockerignore).toContain(entry);
    }
  });

  it('is run, as the docs say, with a read-only root filesystem, a tmpfs for /tmp, the volume, and secrets from an env file', () => {
    const run = /docker run [^\n]*(?:\\\n[^\n]*)*/.exec(deployDoc)?.[0] ?? '';
    expect(run).toContain('--read-only');
    expect(run).toContain('--tmpfs /tmp');
    expect(run).toContain('-v wrsauth-data:/var/lib/wrsauth');
    expect(run).toContain('--env-file /etc/wrsauth/server.env');
    expect(run).not.toMatch(/-e WRSAUTH_SECRET=|--env WRSAUTH_SECRET=/);
  });

  // Only where a hadolint binary is installed: see the header for why it is not on these machines.
  it.runIf(hadolint)('passes hadolint', () => {
    const linted = spawnSync('hadolint', [path.join(ROOT, 'Dockerfile')], { encoding: 'utf8' });
    expect(linted.status, `${linted.stdout}${linted.stderr}`).toBe(0);
  });
});
