/**
 * Load from autocannon, in this (the parent) process. Every response's status and latency is kept, so
 * percentiles are exact and can be taken per status (a 503's latency apart from a 200's).
 */
import autocannon from 'autocannon';

export interface LoadSpec {
  /** http://127.0.0.1:PORT */
  origin: string;
  connections: number;
  seconds: number;
  /** Requests per second over all connections; unset means as fast as the server answers. */
  overallRate?: number;
  method?: 'GET' | 'POST';
  path?: string;
  body?: string;
  /** Builds every request afresh (each verify needs its own challenge); overrides path and body. */
  next?: () => { path: string; body: string };
}

export interface LoadResult {
  /** Latencies (ms) of completed responses, by status code. */
  byStatus: Map<number, number[]>;
  responses: number;
  /** Connection errors and timeouts. Any at all makes a measurement invalid. */
  errors: number;
  /** From the start to the last response. */
  seconds: number;
  perSecond: number;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const { next } = spec;
  const instance = autocannon({
    // autocannon takes the path from the URL, not from a `path` option.
    url: `${spec.origin}${spec.path ?? '/'}`,
    connections: spec.connections,
    duration: spec.seconds,
    overallRate: spec.overallRate,
    timeout: 10,
    method: spec.method ?? 'GET',
    ...(spec.body !== undefined && { body: spec.body, headers: JSON_HEADERS }),
    ...(next && {
      requests: [
        { setupRequest: (request) => ({ ...request, method: 'POST', headers: JSON_HEADERS, ...next() }) },
      ],
    }),
  });
  const byStatus = new Map<number, number[]>();
  const startedAt = performance.now();
  let lastResponseAt = startedAt;
  instance.on('response', (_client, status, _bytes, ms) => {
    lastResponseAt = performance.now();
    const list = byStatus.get(status);
    if (list) list.push(ms);
    else byStatus.set(status, [ms]);
  });
  const result = await instance;
  const responses = [...byStatus.values()].reduce((sum, list) => sum + list.length, 0);
  const seconds = (lastResponseAt - startedAt) / 1000;
  return { byStatus, responses, errors: result.errors, seconds, perSecond: responses / seconds };
}

/**
 * `overallRate` as `slices` autocannon instances started 1000/slices ms apart. autocannon lets each
 * connection send its share of a second's requests back to back and then wait for the next second, so one
 * instance arrives in one burst per second; staggered instances spread the same rate across the second.
 * `connections` is per slice.
 */
export async function runPaced(
  spec: LoadSpec & { overallRate: number; slices: number },
): Promise<LoadResult> {
  const runs: Array<Promise<LoadResult>> = [];
  for (let i = 0; i < spec.slices; i++) {
    const share = Math.floor(spec.overallRate / spec.slices) + (i < spec.overallRate % spec.slices ? 1 : 0);
    if (share === 0) continue;
    const connections = Math.min(spec.connections, share);
    runs.push(runLoad({ ...spec, overallRate: share, connections }));
    await sleep(1000 / spec.slices);
  }
  return merge(await Promise.all(runs));
}

/** Results of loads that ran at the same time, as one. */
export function merge(results: LoadResult[]): LoadResult {
  const byStatus = new Map<number, number[]>();
  for (const result of results) {
    for (const [status, list] of result.byStatus)
      byStatus.set(status, [...(byStatus.get(status) ?? []), ...list]);
  }
  const responses = results.reduce((sum, r) => sum + r.responses, 0);
  const seconds = Math.max(...results.map((r) => r.seconds));
  const errors = results.reduce((sum, r) => sum + r.errors, 0);
  const perSecond = results.reduce((sum, r) => sum + r.perSecond, 0);
  return { byStatus, responses, errors, seconds, perSecond };
}

export function countOf(result: LoadResult, status: number): number {
  return result.byStatus.get(status)?.length ?? 0;
}

/** Responses that were not `expected`, by status, e.g. "401×3, 500×1"; empty when there were none. */
export function unexpected(result: LoadResult, expected: number[]): string {
  return [...result.byStatus]
    .filter(([status]) => !expected.includes(status))
    .map(([status, list]) => `${status}×${list.length}`)
    .join(', ');
}

/** Nearest-rank percentile (p in 0..100) of latencies in ms; NaN for none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
