// The Electron security scan: runs Doyensec's Electronegativity over the client's source, writes its SARIF
// report, then parses that report and fails on any finding of medium severity or higher. The tool itself
// exits 0 whatever it finds, and its SARIF carries no severity, so each SARIF result is matched to the
// severity the scan returned for it; a result that matches nothing counts as high (fail closed).
//
//   node scripts/electronegativity.mjs [--input DIR] [--sarif FILE]
//
// Offline by construction: the tool fetches translations and Electron's release list from the internet
// through `got`. Here `got` is replaced by one that refuses at once, and any socket to a non-loopback
// address is refused too, so nothing leaves this machine. The one check that needs that release list
// (AvailableSecurityFixesGlobalCheck) is left out; the Electron version is kept current by its pin instead.
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const FAILING_SEVERITIES = new Set(['MEDIUM', 'HIGH']);
const NEEDS_INTERNET = ['AvailableSecurityFixesGlobalCheck'];

function refuseNetwork() {
  const offline = () => Promise.reject(new Error('network access is disabled for this scan'));
  const stubGot = Object.assign(offline, { head: offline, get: offline });
  const load = Module._load;
  Module._load = function loadWithoutGot(request, ...rest) {
    return request === 'got' ? stubGot : load.call(this, request, ...rest);
  };
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function loopbackOnly(...args) {
    const options = typeof args[0] === 'object' && args[0] !== null ? args[0] : { host: args[1] };
    const host = options.host ?? 'localhost';
    if (options.path === undefined && !['localhost', '127.0.0.1', '::1'].includes(host)) {
      throw new Error(`network access to ${host} is disabled for this scan`);
    }
    return connect.apply(this, args);
  };
}

/** The tool writes its report with fs.writeFile and does not wait for it: read once the JSON is whole. */
async function readWhenWritten(file) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`Electronegativity wrote no readable SARIF to ${file}: ${error}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

function installedElectronVersion() {
  return JSON.parse(fs.readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
}

const { values } = parseArgs({
  options: {
    input: { type: 'string', default: 'src' },
    sarif: { type: 'string', default: 'test-results/electronegativity.sarif' },
  },
});
const input = path.resolve(values.input);
const sarifFile = path.resolve(values.sarif);
fs.mkdirSync(path.dirname(sarifFile), { recursive: true });
fs.rmSync(sarifFile, { force: true });

refuseNetwork();
const electronegativity = require('@doyensec/electronegativity');
const scan = electronegativity.default ?? electronegativity;
const result = await scan({
  input,
  output: sarifFile,
  isSarif: true,
  isRelative: true,
  isVerbose: false,
  excludeFromScan: NEEDS_INTERNET,
  electronVersionOverride: installedElectronVersion(),
  parserPlugins: [],
});

const parseErrors = result.errors.filter((error) => !error.tolerable);
const sarif = await readWhenWritten(sarifFile);
const findings = sarif.runs.flatMap((run) => run.results);
const severityOf = (finding) => {
  const { uri } = finding.locations[0].physicalLocation.artifactLocation;
  const { startLine } = finding.locations[0].physicalLocation.region;
  const match = result.issues.find(
    (issue) =>
      issue.id === finding.ruleId &&
      (issue.file === uri || (issue.file === 'N/A' && uri === 'file:///')) &&
      Math.max(issue.location.line, 1) === startLine,
  );
  return match?.severity.name ?? 'HIGH';
};

let failing = 0;
for (const finding of findings) {
  const severity = severityOf(finding);
  const failed = FAILING_SEVERITIES.has(severity);
  if (failed) failing += 1;
  const { artifactLocation, region } = finding.locations[0].physicalLocation;
  console.log(
    `${failed ? 'FAIL' : 'ok  '} ${severity} ${finding.ruleId} ${artifactLocation.uri}:${region.startLine} ${finding.message.text}`,
  );
}
for (const error of parseErrors) console.log(`FAIL could not scan ${error.file}: ${error.message}`);

const summary = `Electronegativity: ${findings.length} finding${findings.length === 1 ? '' : 's'} in ${path.relative(process.cwd(), input) || '.'}, ${failing} medium or higher`;
if (failing > 0 || parseErrors.length > 0) {
  console.log(`${summary}; ${parseErrors.length} files could not be scanned. SARIF: ${sarifFile}`);
  process.exit(1);
}
console.log(`${summary}. SARIF: ${sarifFile}`);
