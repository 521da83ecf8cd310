// Builds the client when its output is missing, or older than its sources when those are named, so that a
// script never runs a client that is not there (or, for the desktop suite, one built from older code).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The newest modification time of any file under these folders (0 when there are none). */
function newestMtime(dirs) {
  let newest = 0;
  const visit = (dir) => {
    for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const dir of dirs) visit(path.join(ROOT, dir));
  return newest;
}

/**
 * Why the build must run, or undefined when its output is there and up to date.
 * @param {{ outputs: string[], sources?: string[] }} build paths relative to the repository root
 */
export function buildReason({ outputs, sources = [] }) {
  const missing = outputs.find((file) => !fs.existsSync(path.join(ROOT, file)));
  if (missing) return `${missing} is missing`;
  const oldest = Math.min(...outputs.map((file) => fs.statSync(path.join(ROOT, file)).mtimeMs));
  return newestMtime(sources) > oldest ? `${sources.join(', ')} changed since the last build` : undefined;
}

/**
 * Runs `command` when `buildReason` says so, printing `notice` first. True when the output is ready.
 * @param {{ outputs: string[], sources?: string[], command: string[], notice: string }} build
 */
export function ensureBuilt(build) {
  if (buildReason(build) === undefined) return true;
  console.log(build.notice);
  const [command, ...args] = build.command;
  const result = spawnSync(command, args, {
    cwd: ROOT,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  return result.status === 0;
}
