/**
 * The desktop client's logs on disk, for IT's support bundle: <userData>/logs/main.log (the main process)
 * and server.log (the embedded server), each rotated to *.1.log at 1 MB. The app logs no secret by design
 * (the server's redaction lives in its logger); every line is still passed through redactSecrets here, so a
 * mistake elsewhere does not end up in a file someone mails to a help desk.
 */
import fs from 'node:fs';
import path from 'node:path';

const REDACTED = '[redacted]';

const RULES: Array<[RegExp, string]> = [
  // Authorization headers and bearer tokens.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // key: value and key=value for anything named like a secret (JSON quotes included).
  [
    /("?(?:password|passwd|secret|token|sessionToken|deviceToken|authorization|cookie|code|apiKey|api_key)"?\s*[:=]\s*)("[^"]*"|[^\s,;}]+)/gi,
    `$1${REDACTED}`,
  ],
  // Credentials inside URLs.
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, `$1${REDACTED}@`],
  // Long random-looking runs: tokens, keys, hashes.
  [/\b[A-Za-z0-9_-]{32,}={0,2}/g, REDACTED],
  // A verification code on its own.
  [/(?<![\d.:-])\d{6}(?!\d|[.:-]\d)/g, REDACTED],
];

export function redactSecrets(line: string): string {
  let redacted = line;
  for (const [pattern, replacement] of RULES) redacted = redacted.replace(pattern, replacement);
  return redacted;
}

/** One log file, appended line by line, rotated once it passes maxBytes. Never throws at its caller. */
export class LogFile {
  private size: number | undefined;

  constructor(
    readonly file: string,
    private readonly maxBytes = 1024 * 1024,
  ) {}

  write(line: string): void {
    const text = `${new Date().toISOString()} ${redactSecrets(line.replace(/\r?\n$/, ''))}\n`;
    try {
      if (this.size === undefined) {
        // Created on the first line, not at start: a run that logs nothing leaves nothing behind.
        fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
        this.size = fs.existsSync(this.file) ? fs.statSync(this.file).size : 0;
      }
      if (this.size + text.length > this.maxBytes && this.size > 0) {
        fs.renameSync(this.file, this.file.replace(/\.log$/, '.1.log'));
        this.size = 0;
      }
      fs.appendFileSync(this.file, text, { mode: 0o600 });
      this.size += Buffer.byteLength(text);
    } catch {
      // A full or read-only disk must not stop sign-in.
    }
  }
}

type ConsoleMethod = 'log' | 'info' | 'warn' | 'error';

/** Copies every console line of this process into the log file, keeping the console output as it was. */
export function teeConsole(log: LogFile, target: Pick<Console, ConsoleMethod> = console): void {
  for (const method of ['log', 'info', 'warn', 'error'] as const) {
    const original = target[method].bind(target);
    target[method] = (...args: unknown[]) => {
      original(...args);
      log.write(args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(' '));
    };
  }
}

/** Splits a stream's chunks into lines for the log file (the embedded server's stdout and stderr). */
export function lineWriter(log: LogFile): (chunk: Buffer | string) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) log.write(line);
  };
}
