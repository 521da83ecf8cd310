/**
 * Measured figures, most of them ratios to a baseline, some absolute against a budget (the renderer's KB),
 * a few for information only (no target): the table printed at the end, and bench-results.json (shared with
 * other benches).
 */
import fs from 'node:fs';

export type Target = { atLeast: number } | { atMost: number } | { between: [number, number] };

export interface Ratio {
  key: string;
  /** Undefined when the measurement could not be taken. */
  value?: number;
  /** Unset for a figure reported as information, which neither passes nor fails the run. */
  target?: Target;
  /** Why the figure cannot be trusted (errors, non-200 answers, a pool that ran out); unset when valid. */
  invalid?: string;
  /** Decimals shown in the table; 3 unless set (an absolute figure such as KB may want fewer). */
  digits?: number;
}

export function describeTarget(target: Target | undefined): string {
  if (!target) return '(information)';
  if ('atLeast' in target) return `>= ${target.atLeast}`;
  if ('atMost' in target) return `<= ${target.atMost}`;
  return `${target.between[0]}-${target.between[1]}`;
}

export function meets(target: Target, value: number): boolean {
  if ('atLeast' in target) return value >= target.atLeast;
  if ('atMost' in target) return value <= target.atMost;
  return value >= target.between[0] && value <= target.between[1];
}

export function verdict(ratio: Ratio): 'pass' | 'FAIL' | 'INVALID' | 'info' {
  if (!ratio.target) return 'info';
  if (ratio.invalid || ratio.value === undefined || !Number.isFinite(ratio.value)) return 'INVALID';
  return meets(ratio.target, ratio.value) ? 'pass' : 'FAIL';
}

export function formatTable(ratios: Ratio[]): string {
  const rows = [
    ['ratio', 'value', 'target', 'result'],
    ...ratios.map((r) => [
      r.key,
      r.value === undefined ? '-' : r.value.toFixed(r.digits ?? 3),
      describeTarget(r.target),
      verdict(r),
    ]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  const lines = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  '));
  const invalid = ratios.filter((r) => r.invalid).map((r) => `  ${r.key} is INVALID: ${r.invalid}`);
  return [lines[0], lines[0]?.replace(/./g, '-'), ...lines.slice(1), ...invalid].join('\n');
}

/**
 * Merges the ratios into the results file, keeping every other key. An invalid ratio is written as null,
 * so an old figure does not outlive a run that could not measure it.
 */
export function writeResults(file: string, ratios: Ratio[]): void {
  let existing: Record<string, unknown> = {};
  if (fs.existsSync(file)) {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error(`${file} does not hold a JSON object; not overwriting it`);
    }
    existing = parsed as Record<string, unknown>;
  }
  for (const ratio of ratios) {
    const valid = !ratio.invalid && ratio.value !== undefined && Number.isFinite(ratio.value);
    existing[ratio.key] = valid ? Number((ratio.value as number).toFixed(4)) : null;
  }
  fs.writeFileSync(file, `${JSON.stringify(existing, null, 2)}\n`);
}
