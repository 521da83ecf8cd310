/** Small statistics over repeated samples: medians for timings, and a ratio that says when it cannot be one. */

/** The value below which `p` percent of the samples fall (nearest rank); NaN for no samples. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

/** The middle sample, or the mean of the two middle ones; NaN for no samples. */
export function median(values: readonly number[]): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** large / small, or undefined when either is missing or the baseline is not positive. */
export function ratioOf(large: number | undefined, small: number | undefined): number | undefined {
  if (large === undefined || small === undefined || !Number.isFinite(large) || !(small > 0)) return undefined;
  return large / small;
}
