// Refuses, in one line, a Node.js older than package.json's `engines.node`, before a native module built for
// another Node fails somewhere deep in a run. Kept to syntax that old Nodes still parse.
//   usage: node scripts/require-node.mjs   (exit 1 with the line on stderr when the version is too old)
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const PACKAGE_JSON = fileURLToPath(new URL('../package.json', import.meta.url));

/** The least version a `>=X.Y[.Z]` engines range allows, as [major, minor, patch]. */
export function minimumOf(range) {
  const match = /^\s*>=\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(range);
  if (!match) throw new Error(`package.json engines.node must read ">=X.Y[.Z]", not "${range}"`);
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

/** Why this Node cannot run the project, or undefined when it can. */
export function nodeVersionProblem(version, range) {
  const have = version.replace(/^v/, '').split('.').map(Number);
  const need = minimumOf(range);
  for (let i = 0; i < 3; i++) {
    if ((have[i] ?? 0) > need[i]) return undefined;
    if ((have[i] ?? 0) < need[i]) {
      return (
        `WRSAuth needs Node.js ${need.join('.')} or later (24 LTS is the project's runtime), and this is ` +
        `Node.js ${have.join('.')}: install Node.js 24, or run \`. scripts/node-runtime.sh\` to bring it ` +
        'from the npm registry (see the README).'
      );
    }
  }
  return undefined;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  const { engines } = JSON.parse(fs.readFileSync(PACKAGE_JSON, 'utf8'));
  const problem = nodeVersionProblem(process.versions.node, engines.node);
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
}
