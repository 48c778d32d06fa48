// One load generator for every HTTP measurement: autocannon as a library, in the bench process, against
// servers in other processes (so generator and server never share an event loop).
import autocannon, { type Options } from 'autocannon';

export interface LoadResult {
  /** Mean requests per second over the run (every status). */
  rps: number;
  /** 2xx answers per second. */
  okPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  /** Answers per HTTP status code. */
  statuses: Record<string, number>;
}

export async function load(opts: Options): Promise<LoadResult> {
  const r = await autocannon({ timeout: 30, ...opts });
  const seconds = r.duration;
  return {
    rps: r.requests.average,
    okPerSecond: r['2xx'] / seconds,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    total: r.requests.total,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    seconds,
    statuses: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, s.count])),
  };
}
