// Request samples from k6's CSV output (one `http_req_duration` row per request, with its status and
// tags) and the numbers the demo reports from them. Every statistic is computed here from the raw
// samples, so the result block, the charts and the JSON report agree to the request.
import { nearestRank } from '../../services/kit/stats.ts';

export interface RequestSample {
  /** Epoch milliseconds at which k6 recorded the request. */
  readonly t: number;
  readonly ms: number;
  /** 0 when no answer came (timeout, connection refused). */
  readonly status: number;
  /** k6's expected_response: false when the scenario did not intend this answer. */
  readonly expected: boolean;
  /** The service the request went to (tag `target`), e.g. order. */
  readonly target: string;
  /** The operation (tag `op`) or, for storefront requests, the journey step (tag `step`). */
  readonly op: string;
}

/** Incremental parser: feed it chunks of the CSV as k6 writes them. */
export class SampleReader {
  readonly samples: RequestSample[] = [];
  #columns: Map<string, number> | undefined;
  #rest = '';

  push(chunk: string): void {
    const lines = (this.#rest + chunk).split('\n');
    this.#rest = lines.pop() ?? '';
    for (const line of lines) this.#line(line);
  }

  #line(line: string): void {
    if (line === '') return;
    const cells = splitCsvLine(line);
    if (!this.#columns) {
      this.#columns = new Map(cells.map((c, i) => [c, i]));
      return;
    }
    const col = (name: string): string => cells[this.#columns!.get(name) ?? -1] ?? '';
    if (col('metric_name') !== 'http_req_duration') return;
    const tags = new URLSearchParams(col('extra_tags'));
    this.samples.push({
      t: Number(col('timestamp')),
      ms: Number(col('metric_value')),
      status: Number(col('status') || 0),
      expected: col('expected_response') === 'true',
      target: tags.get('target') ?? 'unknown',
      op: tags.get('op') ?? 'unknown',
    });
  }
}

/** One CSV record (RFC 4180: a quoted field may hold commas and doubled quotes). */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

/** The enterprise demo document's result block, plus percentiles and the unintended answers. */
export interface ResultBlock {
  total_requests: number;
  successful: number;
  failed: number;
  /** Answers the scenario did not intend (a failure injected on purpose is intended). */
  unexpected: number;
  server_errors: number;
  success_rate_percent: number;
  average_response_time_ms: number;
  p50_response_time_ms: number;
  p95_response_time_ms: number;
  p99_response_time_ms: number;
  max_response_time_ms: number;
  throughput_rps: number;
  duration_s: number;
}

const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** A 2xx answer is a success; anything else (4xx, 5xx, no answer) is a failure. */
export const succeeded = (s: RequestSample): boolean => s.status >= 200 && s.status < 300;

export function resultBlock(samples: readonly RequestSample[], durationS: number): ResultBlock {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const total = samples.length;
  const ok = samples.filter(succeeded).length;
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    total_requests: total,
    successful: ok,
    failed: total - ok,
    unexpected: samples.filter((s) => !s.expected).length,
    server_errors: samples.filter((s) => s.status >= 500 || s.status === 0).length,
    success_rate_percent: total === 0 ? 0 : round((ok / total) * 100),
    average_response_time_ms: total === 0 ? 0 : round(sum / total),
    p50_response_time_ms: round(nearestRank(sorted, 50)),
    p95_response_time_ms: round(nearestRank(sorted, 95)),
    p99_response_time_ms: round(nearestRank(sorted, 99)),
    max_response_time_ms: round(sorted[sorted.length - 1] ?? 0),
    throughput_rps: durationS > 0 ? round(total / durationS) : 0,
    duration_s: round(durationS),
  };
}

export interface TargetBreakdown {
  service: string;
  requests: number;
  failed: number;
  failed_percent: number;
  average_response_time_ms: number;
  p95_response_time_ms: number;
  statuses: Record<string, number>;
}

/** Per service the requests went to: counts, failures by status, latency. */
export function byTarget(samples: readonly RequestSample[]): TargetBreakdown[] {
  const groups = Map.groupBy(samples, (s) => s.target);
  return [...groups]
    .map(([service, group]) => {
      const block = resultBlock(group, 0);
      const statuses: Record<string, number> = {};
      for (const s of group) statuses[String(s.status)] = (statuses[String(s.status)] ?? 0) + 1;
      return {
        service,
        requests: block.total_requests,
        failed: block.failed,
        failed_percent: round(100 - block.success_rate_percent),
        average_response_time_ms: block.average_response_time_ms,
        p95_response_time_ms: block.p95_response_time_ms,
        statuses,
      };
    })
    .sort((a, b) => a.service.localeCompare(b.service));
}

export interface TimelinePoint {
  /** Seconds since the scenario started. */
  t_s: number;
  requests: number;
  failed: number;
  p95_ms: number;
}

/** Requests, failures and p95 per time bucket (for the throughput-over-time chart). */
export function timeline(samples: readonly RequestSample[], startMs: number, bucketS = 1): TimelinePoint[] {
  const buckets = Map.groupBy(samples, (s) => Math.max(0, Math.floor((s.t - startMs) / 1000 / bucketS)));
  const last = Math.max(-1, ...buckets.keys());
  return Array.from({ length: last + 1 }, (_, i) => {
    const group = buckets.get(i) ?? [];
    return {
      t_s: i * bucketS,
      requests: group.length,
      failed: group.filter((s) => !succeeded(s)).length,
      p95_ms: round(
        nearestRank(
          group.map((s) => s.ms).sort((a, b) => a - b),
          95,
        ),
      ),
    };
  });
}
