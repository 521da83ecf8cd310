/** What every admin CLI verb shares: its handler type, option parsing, and running against the data dir's services. */
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import pino from 'pino';
import type { ServerConfig } from '../config';
import { createLogger } from '../logger';
import { openServices } from '../runtime';
import { AdminInputError } from '../services/validators';

export type Handler = (config: ServerConfig, args: string[]) => Promise<void>;

export function options<T extends Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>>(
  args: string[],
  spec: T,
) {
  try {
    return parseArgs({ args, options: spec, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new AdminInputError((error as Error).message.split('\n')[0] ?? 'bad arguments');
  }
}

export function required(value: string | undefined, flag: string): string {
  if (!value) throw new AdminInputError(`${flag} is required`);
  return value;
}

/**
 * A password option. `-` reads it from standard input instead (one line; its newline is not part of it), so
 * the password stays out of `ps`, the shell's history and sudo's log.
 */
export async function passwordOption(value: string | undefined, flag: string): Promise<string> {
  const given = required(value, flag);
  if (given !== '-') return given;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (!password) throw new AdminInputError(`${flag} -: standard input held no password`);
  if (/[\r\n]/.test(password)) throw new AdminInputError(`${flag} -: give the password on one line`);
  return password;
}

export function wholeNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new AdminInputError(`${flag} must be a whole number`);
  return Number(value);
}

/** Writes to stdout, waiting while the pipe is full: an export of a million events never piles up in memory. */
export async function writeOut(chunk: string): Promise<void> {
  if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
}

/** Runs an admin command against the data dir, quietly: only warnings reach stderr. */
export async function withServices<T>(
  config: ServerConfig,
  work: (s: Awaited<ReturnType<typeof openServices>>['services']) => Promise<T>,
  extra: { allowMissingKeys?: boolean } = {},
) {
  const opened = await openServices(config, { log: createLogger('warn', pino.destination(2)), ...extra });
  try {
    return await work(opened.services);
  } finally {
    await opened.close();
  }
}

/** `--username U` or `--all` (exactly one), and `--reason`: what the revoke-* verbs take. */
export function oneUserOrAll(args: string[]) {
  const o = options(args, {
    username: { type: 'string' },
    all: { type: 'boolean' },
    reason: { type: 'string' },
  });
  if ((o.username === undefined) === !o.all) {
    throw new AdminInputError('give either --username U or --all');
  }
  return o;
}
