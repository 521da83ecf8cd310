// The staging app folder electron-builder packs (electron-builder.yml: directories.app = release/app), the
// second package.json of its two-package.json layout. It holds only what ships:
//   out/main, out/preload, out/renderer   the built desktop client (npm run build);
//   server/main.js                        the verification server, bundled with esbuild (its own code only;
//                                         its npm packages stay packages);
//   package.json                          the runtime dependencies those two import, pinned to the versions
//                                         the development tree has, and nothing else;
//   package-lock.json                     the development tree's lockfile cut down to those packages, so the
//                                         stage installs exactly the tested versions (npm ci), from npm's
//                                         cache alone when offline;
//   node_modules                          installed here, and native modules rebuilt for Electron here.
// The development tree's node_modules are built for the system's Node, which the tests run on; nothing
// here writes to them (the rebuild's buildPath and projectRootPath are both the staging folder).
//
// `node scripts/stage-app.mjs [--no-install] [--offline] [--rebuild <electron version>]`
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './ensure-built.mjs';

export const STAGE_DIR = path.join(ROOT, 'release', 'app');

/** What `npm run build` writes, copied into the stage. */
export const DESKTOP_OUTPUTS = ['out/main', 'out/preload', 'out/renderer'];

/** Loaded by a variable specifier, which no bundler sees (src/main/token-vault.ts): shipped by name. */
export const LOADED_BY_NAME = ['keytar'];

const rootPackage = () => JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** "fastify/types" → "fastify", "@fastify/cors/x" → "@fastify/cors"; undefined for Node's and Electron's own. */
export function packageNameOf(specifier) {
  if (specifier.startsWith('node:') || specifier.startsWith('.') || specifier.startsWith('/'))
    return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  if (name === 'electron' || builtinModules.includes(name)) return undefined;
  return name;
}

/** The npm packages a bundle imports, from esbuild's metafile. */
export function externalPackages(metafile) {
  const names = new Set();
  for (const input of Object.values(metafile.inputs)) {
    for (const imported of input.imports) {
      if (!imported.external) continue;
      const name = packageNameOf(imported.path);
      if (name) names.add(name);
    }
  }
  return [...names].sort();
}

/**
 * The staged package.json: the root's identity, the built main as entry, and exactly the packages the
 * shipped code imports, each at the version installed in the development tree. An import the root does not
 * declare as a runtime dependency is an error rather than a silently missing module at run time.
 */
export function stagePackageJson(root, imported, installedVersion) {
  const dependencies = {};
  const optionalDependencies = {};
  for (const name of imported) {
    const target = root.dependencies?.[name]
      ? dependencies
      : root.optionalDependencies?.[name]
        ? optionalDependencies
        : undefined;
    if (!target) {
      throw new Error(`the shipped code imports ${name}, which package.json does not list in dependencies`);
    }
    target[name] = installedVersion(name);
  }
  return {
    name: root.name,
    productName: 'WRSAuth',
    version: root.version,
    description: root.description,
    author: { name: 'WRS Health', email: 'support@wrshealth.com' },
    license: root.license,
    private: true,
    type: 'module',
    main: 'out/main/index.js',
    dependencies,
    ...(Object.keys(optionalDependencies).length ? { optionalDependencies } : {}),
  };
}

/** Where Node would find `name` from the package at lockfile path `from` ("" is the root). */
function resolveInLock(packages, from, name) {
  let dir = from;
  for (;;) {
    const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!dir) return undefined;
    const up = dir.lastIndexOf('/node_modules/');
    dir = up === -1 ? '' : dir.slice(0, up);
  }
}

/**
 * The root lockfile cut down to what `dependencies` (and `optionalDependencies`) need, every entry at the
 * path it has in the development tree, so Node resolves each import in the stage to the version the tests
 * ran. A required dependency the lockfile lacks is an error; a missing optional one or optional peer is not.
 */
export function stageLockfile(rootLock, manifest) {
  const packages = rootLock.packages ?? {};
  const kept = new Set();
  const visit = (from, name, optional) => {
    const at = resolveInLock(packages, from, name);
    if (!at) {
      if (optional) return;
      throw new Error(`package-lock.json has no ${name} for ${from || 'the root'}: run npm install`);
    }
    if (kept.has(at)) return;
    kept.add(at);
    const entry = packages[at];
    const peerMeta = entry.peerDependenciesMeta ?? {};
    for (const dep of Object.keys(entry.dependencies ?? {})) visit(at, dep, false);
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) visit(at, dep, true);
    for (const dep of Object.keys(entry.peerDependencies ?? {}))
      visit(at, dep, Boolean(peerMeta[dep]?.optional));
  };
  for (const name of Object.keys(manifest.dependencies ?? {})) visit('', name, false);
  for (const name of Object.keys(manifest.optionalDependencies ?? {})) visit('', name, true);

  const root = {
    name: manifest.name,
    version: manifest.version,
    license: manifest.license,
    dependencies: manifest.dependencies,
    ...(manifest.optionalDependencies && { optionalDependencies: manifest.optionalDependencies }),
  };
  const entries = [...kept].sort().map((at) => {
    // Nothing in the stage is a development dependency, whatever else depended on it at the root.
    const { dev, devOptional, ...entry } = packages[at];
    return [at, devOptional && !entry.optional ? { ...entry, optional: true } : entry];
  });
  return {
    name: manifest.name,
    version: manifest.version,
    lockfileVersion: 3,
    requires: true,
    packages: { '': root, ...Object.fromEntries(entries) },
  };
}

function installedVersion(name) {
  const file = path.join(ROOT, 'node_modules', name, 'package.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')).version;
}

async function bundle(esbuild, options) {
  const result = await esbuild.build({
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    metafile: true,
    logLevel: 'warning',
    ...options,
  });
  return externalPackages(result.metafile);
}

/**
 * Writes the stage (replacing an earlier one, node_modules included) and returns its package.json.
 * @param {{ stageDir?: string, install?: boolean, offline?: boolean, rebuildFor?: string,
 *           rebuild?: (options: object) => Promise<unknown>, log?: (line: string) => void }} options
 */
export async function stageApp(options = {}) {
  const stageDir = options.stageDir ?? STAGE_DIR;
  const log = options.log ?? ((line) => console.log(line));
  for (const dir of DESKTOP_OUTPUTS) {
    if (!fs.existsSync(path.join(ROOT, dir))) {
      throw new Error(`${dir} is missing: run npm run build first`);
    }
  }
  fs.rmSync(stageDir, { recursive: true, force: true });
  fs.mkdirSync(stageDir, { recursive: true });
  for (const dir of DESKTOP_OUTPUTS) {
    fs.cpSync(path.join(ROOT, dir), path.join(stageDir, dir), { recursive: true });
  }

  const esbuild = await import('esbuild');
  // The server's own code in one ESM file; import.meta.dirname then points at <app>/server, so its default
  // web root (../out/renderer) is the staged client.
  const serverImports = await bundle(esbuild, {
    entryPoints: [path.join(ROOT, 'server', 'main.ts')],
    outfile: path.join(stageDir, 'server', 'main.js'),
    target: 'node22',
  });
  // The built main process is already a bundle; this only asks esbuild what it still imports.
  const mainImports = await bundle(esbuild, {
    entryPoints: [path.join(stageDir, 'out', 'main', 'index.js')],
    write: false,
    outdir: path.join(stageDir, '.imports'),
  });
  const imported = [...new Set([...serverImports, ...mainImports, ...LOADED_BY_NAME])].sort();
  const manifest = stagePackageJson(rootPackage(), imported, installedVersion);
  fs.writeFileSync(path.join(stageDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const rootLock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
  const lock = stageLockfile(rootLock, manifest);
  fs.writeFileSync(path.join(stageDir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  log(
    `staged ${path.relative(ROOT, stageDir)}: ${imported.length} runtime packages (${imported.join(', ')})`,
  );

  if (options.install !== false) {
    // Exactly the lockfile (npm ci reads no package metadata, only tarballs, which npm's cache holds after
    // the development tree's own npm ci). No install scripts: native modules are built by the rebuild
    // below, for Electron, not for this Node.
    const args = ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'];
    if (options.offline) args.push('--offline');
    const result = spawnSync('npm', args, {
      cwd: stageDir,
      stdio: ['ignore', 'inherit', 'inherit'],
      shell: process.platform === 'win32',
    });
    if (result.status !== 0) throw new Error(`npm ci in ${stageDir} failed`);
  }
  if (options.rebuildFor) {
    const rebuild = options.rebuild ?? (await import('@electron/rebuild')).rebuild;
    log(`rebuilding native modules in ${path.relative(ROOT, stageDir)} for Electron ${options.rebuildFor}`);
    await rebuild(nativeRebuildOptions(stageDir, options.rebuildFor));
  }
  return manifest;
}

/** @electron/rebuild walks node_modules between buildPath and projectRootPath: both are the stage. */
export function nativeRebuildOptions(stageDir, electronVersion) {
  return {
    buildPath: stageDir,
    projectRootPath: stageDir,
    electronVersion,
    force: true,
    onlyModules: ['better-sqlite3', 'keytar'],
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const rebuildAt = argv.indexOf('--rebuild');
  stageApp({
    install: !argv.includes('--no-install'),
    offline: argv.includes('--offline'),
    rebuildFor: rebuildAt >= 0 ? argv[rebuildAt + 1] : undefined,
  }).catch((error) => {
    console.error(`Could not stage the app: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  });
}
