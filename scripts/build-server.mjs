// `npm run build:server`: the verification server as something to install, without this checkout.
//   dist/server/main.mjs            the server and its admin CLI, one ESM file (esbuild): its own code and
//                                   every pure-JavaScript package it uses (fastify, kysely, pg, oidc-provider…)
//   dist/server/web/                the built web client (out/renderer), served at / and by the OpenID
//                                   Connect login prompt (server/config.ts finds it there by default)
//   dist/server/package.json        production manifest: only the native modules, which no bundle can hold,
//   dist/server/package-lock.json   at the versions the tests ran (the checkout's lockfile cut down to them)
//   dist/wrsauth-server-<version>.tgz   the same folder, as `server/`, to copy to a host and extract
// On the host: `npm ci --omit=dev` in server/, then `node server/main.mjs serve` (or any CLI verb).
//
// `node scripts/build-server.mjs [--no-web-build]` (--no-web-build: copy the existing out/renderer instead)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './ensure-built.mjs';
import { minimumOf } from './require-node.mjs';
import { packageNameOf, stageLockfile } from './stage-app.mjs';

export const DIST_DIR = path.join(ROOT, 'dist');
export const BUNDLE_DIR = path.join(DIST_DIR, 'server');

/**
 * Packages left out of the bundle. better-sqlite3 and @node-rs/argon2 load a compiled `.node` file for the
 * host (and server/db/database.ts, server/argon2-threads.ts resolve them by name for their worker threads);
 * pg-native is pg's optional native client, which the server never asks for (pg only requires it when
 * `pg.native` is read), so it is neither bundled nor installed.
 */
export const NATIVE_PACKAGES = ['@node-rs/argon2', 'better-sqlite3'];
const NEVER_LOADED = ['pg-native'];

/** The oldest Node.js the bundle's syntax is built for; package.json's engines (and a start-up check) ask for more. */
export const NODE_TARGET = 'node22';

const rootPackage = () => JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

export const tarballName = (version) => `wrsauth-server-${version}.tgz`;

/** The npm packages the bundle still imports: must be exactly the native ones, or the install misses one. */
function importedPackages(metafile) {
  const names = new Set();
  for (const input of Object.values(metafile.inputs)) {
    for (const imported of input.imports) {
      // "<runtime>" is esbuild's own helper module, not a package.
      const name =
        imported.external && !imported.path.startsWith('<') ? packageNameOf(imported.path) : undefined;
      if (name && !NEVER_LOADED.includes(name)) names.add(name);
    }
  }
  return [...names].sort();
}

/**
 * The bundle's package.json: the native modules at the versions installed in the checkout (both ship prebuilt
 * binaries for Linux, macOS and Windows, so the install compiles nothing), and `npm start` as `serve`.
 */
export function serverPackageJson(root, installedVersion) {
  return {
    name: `${root.name}-server`,
    version: root.version,
    description: 'WRSAuth verification server (bundle built by npm run build:server)',
    license: root.license,
    private: true,
    type: 'module',
    engines: root.engines,
    main: 'main.mjs',
    scripts: { start: 'node main.mjs serve' },
    dependencies: Object.fromEntries(NATIVE_PACKAGES.map((name) => [name, installedVersion(name)])),
  };
}

function installedVersion(name) {
  const file = path.join(ROOT, 'node_modules', name, 'package.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')).version;
}

/**
 * Runs before the server's own code: the CommonJS packages inside an ESM bundle still call require() (for
 * node: builtins and the native modules), so the module gets one; and an older Node.js than package.json's
 * engines is refused in one line, as `npm run server` refuses it (scripts/require-node.mjs), rather than
 * failing somewhere deep in a run.
 */
export function banner(enginesRange) {
  const need = minimumOf(enginesRange);
  return [
    "import { createRequire as wrsauthCreateRequire } from 'node:module';",
    'const require = wrsauthCreateRequire(import.meta.url);',
    '{',
    `  const need = ${JSON.stringify(need)};`,
    "  const have = process.versions.node.split('.').map(Number);",
    '  const at = need.findIndex((part, i) => have[i] !== part);',
    '  if (at >= 0 && have[at] < need[at]) {',
    `    console.error(\`wrsauth: the server needs Node.js ${need.join('.')} or later (24 LTS is its runtime), and this is Node.js \${process.versions.node}\`);`,
    '    process.exit(1);',
    '  }',
    '}',
  ].join('\n');
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
}

/**
 * Writes dist/server (replacing an earlier one) and the tarball; returns the tarball's path.
 * @param {{ buildWeb?: boolean, log?: (line: string) => void }} options
 */
export async function buildServer(options = {}) {
  const log = options.log ?? ((line) => console.log(line));
  const root = rootPackage();
  fs.rmSync(BUNDLE_DIR, { recursive: true, force: true });
  fs.mkdirSync(BUNDLE_DIR, { recursive: true });
  const web = path.join(BUNDLE_DIR, 'web');
  if (options.buildWeb !== false) {
    // Straight into the bundle, not into out/renderer: a server or test serving the checkout's web client
    // meanwhile never sees its files emptied out from under it.
    log('building the web client into dist/server/web');
    run('npx', [
      'vite',
      'build',
      '--config',
      'src/renderer/vite.config.ts',
      '--outDir',
      web,
      '--logLevel',
      'warn',
    ]);
  } else {
    const webBuild = path.join(ROOT, 'out', 'renderer');
    if (!fs.existsSync(path.join(webBuild, 'index.html'))) {
      throw new Error('out/renderer is missing: build the web client, or leave out --no-web-build');
    }
    fs.cpSync(webBuild, web, { recursive: true });
  }
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [path.join(ROOT, 'server', 'main.ts')],
    outfile: path.join(BUNDLE_DIR, 'main.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: NODE_TARGET,
    external: [...NATIVE_PACKAGES, ...NEVER_LOADED],
    metafile: true,
    logLevel: 'warning',
    legalComments: 'linked',
    banner: { js: banner(root.engines.node) },
  });
  const imported = importedPackages(result.metafile);
  const unexpected = imported.filter((name) => !NATIVE_PACKAGES.includes(name));
  if (unexpected.length)
    throw new Error(`the bundle imports ${unexpected.join(', ')}, which it does not install`);

  const manifest = serverPackageJson(root, installedVersion);
  fs.writeFileSync(path.join(BUNDLE_DIR, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const rootLock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
  const lock = stageLockfile(rootLock, manifest);
  fs.writeFileSync(path.join(BUNDLE_DIR, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);

  const tarball = path.join(DIST_DIR, tarballName(root.version));
  fs.rmSync(tarball, { force: true });
  // Recorded as root's, not as this machine's builder: extracted by root (into /opt) the files belong to root,
  // so the service's own user cannot change its code; extracted by anyone else, they are theirs.
  const tar = spawnSync(
    'tar',
    ['-czf', tarball, '--owner=0', '--group=0', '--numeric-owner', '-C', DIST_DIR, 'server'],
    { stdio: 'inherit' },
  );
  if (tar.status !== 0) throw new Error('tar failed');
  log(
    `built ${path.relative(ROOT, BUNDLE_DIR)} (installs ${NATIVE_PACKAGES.join(', ')}) and ${path.relative(ROOT, tarball)}`,
  );
  return tarball;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildServer({ buildWeb: !process.argv.includes('--no-web-build') }).catch((error) => {
    console.error(`Could not build the server: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  });
}
