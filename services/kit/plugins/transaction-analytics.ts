// Transaction-analytics plugin: latency, error patterns, bottlenecks and recommendations computed
// from the service's OWN audit events (not from client-side timings, as the original demo did).
//
// Event convention (what a service emits so an event is analysed):
//   operation:   string  - the timed operation, e.g. 'fraud_check', 'bank_api', 'reserve'
//   duration_ms: number  - how long it took (finite, >= 0)
//   outcome:     'success' | 'failure'   (absent counts as success)
//   error_type:  string  - for failures: a short, stable class of error, e.g. 'bank_declined'
// Example: {event: 'payment_fraud_check_completed', operation: 'fraud_check', duration_ms: 1234, outcome: 'success'}
// Events without both `operation` and a numeric `duration_ms` are ignored.
//
// What the report covers:
// - service_performance (per operation): the last `windowSize` samples (ring buffer) -> count, avg,
//   nearest-rank p50/p95/p99, max, error rate and status.
// - summary and error_analysis: totals since start (or since the last reset).
// - Status and severity: avg > latency threshold -> warning (bottleneck, severity medium);
//   avg > 2x threshold -> critical (severity high). The window's error rate counts too:
//   > error threshold -> warning, > 2x -> critical. Exactly at a threshold is still healthy.
// - Recommendations use the seed's texts, naming `{service}/{operation}`.
//
// Routes: GET /analytics/report (read-only) and POST /analytics/reset (clears all samples and totals;
// for demos and tests, can be disabled with `resetEnabled: false`).
//
// Cost: onAuditEvent is O(1) (two map lookups and a ring-buffer write); sorting happens only when
// a report is requested.
import { nearestRank } from '../stats.ts';
import type { Router } from 'express';
import {
  ANALYTICS_ERROR_THRESHOLD_PERCENT,
  ANALYTICS_LATENCY_THRESHOLD_MS,
} from '../../../catalog/thresholds.ts';
import type { AuditEvent, Plugin, PluginContext } from './plugin.ts';

export const TRANSACTION_ANALYTICS_NAME = 'transaction-analytics';
export const TRANSACTION_ANALYTICS_VERSION = '1.0.0';
export const DEFAULT_WINDOW_SIZE = 2000;
/** Operations and error types come from the service's own code; the caps only guard memory. */
export const MAX_TRACKED_KEYS = 200;
export const OTHER_KEY = '(other)';

export interface TransactionAnalyticsOptions {
  latencyThresholdMs?: number;
  errorThresholdPercent?: number;
  /** Samples kept per operation for avg / percentiles / window error rate. */
  windowSize?: number;
  /** Whether POST /analytics/reset is mounted (default true). */
  resetEnabled?: boolean;
  /** Clock, injectable for tests. */
  now?: () => Date;
}

export type Status = 'healthy' | 'warning' | 'critical';
export type Severity = 'high' | 'medium';

export interface OperationPerformance {
  count: number;
  avg_ms: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  error_count: number;
  error_rate_percent: number;
  status: Status;
}

export interface Bottleneck {
  service: string;
  operation: string;
  average_response_time_ms: number;
  severity: Severity;
  impact: string;
}

export interface CommonError {
  error_type: string;
  count: number;
  operations: string[];
}

export interface AnalyticsReport {
  plugin: { name: string; version: string };
  generated_at: string;
  service: string;
  thresholds: {
    latency_ms: number;
    critical_latency_ms: number;
    error_rate_percent: number;
    critical_error_rate_percent: number;
  };
  summary: {
    since: string;
    total_operations: number;
    total_errors: number;
    error_rate_percent: number;
    avg_response_time_ms: number;
    window: { samples_per_operation: number };
  };
  service_performance: Record<string, OperationPerformance>;
  slowest_operation: {
    service: string;
    operation: string;
    avg_ms: number;
    p95_ms: number;
    max_ms: number;
    count: number;
  } | null;
  bottleneck_analysis: { bottlenecks_found: number; critical_services: Bottleneck[] };
  error_analysis: { error_rate_percent: number; status: Status; common_errors: CommonError[] };
  recommendations: string[];
}

/** Fixed-size ring of recent samples for one operation. */
class SampleWindow {
  readonly durations: Float64Array;
  readonly failed: Uint8Array;
  size = 0;
  next = 0;
  failures = 0;

  constructor(capacity: number) {
    this.durations = new Float64Array(capacity);
    this.failed = new Uint8Array(capacity);
  }

  add(durationMs: number, failure: boolean): void {
    const i = this.next;
    if (this.size === this.durations.length) this.failures -= this.failed[i]!;
    else this.size++;
    this.durations[i] = durationMs;
    this.failed[i] = failure ? 1 : 0;
    if (failure) this.failures++;
    this.next = i + 1 === this.durations.length ? 0 : i + 1;
  }
}

interface ErrorTally {
  count: number;
  operations: Set<string>;
}

export function classify(value: number, threshold: number): Status {
  if (value > 2 * threshold) return 'critical';
  if (value > threshold) return 'warning';
  return 'healthy';
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const worst = (a: Status, b: Status): Status =>
  a === 'critical' || b === 'critical'
    ? 'critical'
    : a === 'warning' || b === 'warning'
      ? 'warning'
      : 'healthy';

/** The seed's recommendation texts; `svc` is `{service}/{operation}`, e.g. payment/fraud_check. */
export const recommendationText = {
  critical: (svc: string, avgMs: number) =>
    `CRITICAL: ${svc} is severely slow (avg: ${Math.round(avgMs)}ms). Consider scaling or optimization.`,
  warning: (svc: string, avgMs: number) =>
    `WARNING: ${svc} is slow (avg: ${Math.round(avgMs)}ms). Monitor for potential issues.`,
  highErrorRate: (ratePercent: number) =>
    `High error rate detected: ${round2(ratePercent)}%. Investigate error patterns and root causes.`,
  allHealthy: () => 'All services are performing within acceptable thresholds.',
};

/** Per operation: its latency and error figures, whether it is a bottleneck, and the slowest one. */
function analyseOperations(
  windows: ReadonlyMap<string, SampleWindow>,
  service: string,
  latencyThr: number,
  errorThr: number,
) {
  const performance: Record<string, OperationPerformance> = {};
  const bottlenecks: (Bottleneck & { avgExact: number })[] = [];
  let slowest: AnalyticsReport['slowest_operation'] = null;
  let slowestAvg = -1;

  const operations = [...windows.keys()].sort();
  for (const operation of operations) {
    const w = windows.get(operation)!;
    if (w.size === 0) continue;
    const sorted = w.durations.slice(0, w.size).sort();
    let sum = 0;
    for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
    const avg = sum / sorted.length;
    const errorRate = (w.failures / w.size) * 100;
    const latencyStatus = classify(avg, latencyThr);
    const perf: OperationPerformance = {
      count: w.size,
      avg_ms: round2(avg),
      p50_ms: round2(nearestRank(sorted, 50)),
      p95_ms: round2(nearestRank(sorted, 95)),
      p99_ms: round2(nearestRank(sorted, 99)),
      max_ms: round2(sorted[sorted.length - 1]!),
      error_count: w.failures,
      error_rate_percent: round2(errorRate),
      status: worst(latencyStatus, classify(errorRate, errorThr)),
    };
    performance[operation] = perf;

    if (latencyStatus !== 'healthy') {
      bottlenecks.push({
        service,
        operation,
        average_response_time_ms: perf.avg_ms,
        severity: latencyStatus === 'critical' ? 'high' : 'medium',
        impact: `${Math.round(avg - latencyThr)}ms over threshold`,
        avgExact: avg,
      });
    }
    if (avg > slowestAvg) {
      slowestAvg = avg;
      slowest = {
        service,
        operation,
        avg_ms: perf.avg_ms,
        p95_ms: perf.p95_ms,
        max_ms: perf.max_ms,
        count: perf.count,
      };
    }
  }

  // Worst first: high severity before medium, then slower before faster.
  bottlenecks.sort(
    (a, b) => Number(b.severity === 'high') - Number(a.severity === 'high') || b.avgExact - a.avgExact,
  );
  return { performance, bottlenecks, slowest };
}

/** The five most frequent error types, most frequent first (then by name). */
function mostCommonErrors(errors: ReadonlyMap<string, ErrorTally>): CommonError[] {
  return [...errors.entries()]
    .map(([error_type, t]) => ({ error_type, count: t.count, operations: [...t.operations].sort() }))
    .sort(
      (a, b) => b.count - a.count || (a.error_type < b.error_type ? -1 : a.error_type > b.error_type ? 1 : 0),
    )
    .slice(0, 5);
}

/** One recommendation per bottleneck, one for a high error rate, or "all healthy". */
function recommend(
  bottlenecks: readonly (Bottleneck & { avgExact: number })[],
  errorStatus: ReturnType<typeof classify>,
  overallErrorRate: number,
): string[] {
  const recommendations = bottlenecks.map((b) =>
    b.severity === 'high'
      ? recommendationText.critical(`${b.service}/${b.operation}`, b.avgExact)
      : recommendationText.warning(`${b.service}/${b.operation}`, b.avgExact),
  );
  if (errorStatus !== 'healthy') recommendations.push(recommendationText.highErrorRate(overallErrorRate));
  if (recommendations.length === 0) recommendations.push(recommendationText.allHealthy());
  return recommendations;
}

export class TransactionAnalyticsPlugin implements Plugin {
  readonly name = TRANSACTION_ANALYTICS_NAME;
  readonly version = TRANSACTION_ANALYTICS_VERSION;

  readonly #latencyThresholdMs: number;
  readonly #errorThresholdPercent: number;
  readonly #windowSize: number;
  readonly #resetEnabled: boolean;
  readonly #now: () => Date;

  /** From init; an event's own `service` stands in when the plugin is used without a registry. */
  #service: string | undefined;
  #since: Date;
  #operations = new Map<string, SampleWindow>();
  #errors = new Map<string, ErrorTally>();
  #totalCount = 0;
  #totalErrors = 0;
  #totalDurationMs = 0;

  constructor(options: TransactionAnalyticsOptions = {}) {
    this.#latencyThresholdMs = positive(
      'latencyThresholdMs',
      options.latencyThresholdMs ?? ANALYTICS_LATENCY_THRESHOLD_MS,
    );
    this.#errorThresholdPercent = positive(
      'errorThresholdPercent',
      options.errorThresholdPercent ?? ANALYTICS_ERROR_THRESHOLD_PERCENT,
    );
    const windowSize = options.windowSize ?? DEFAULT_WINDOW_SIZE;
    if (!Number.isInteger(windowSize) || windowSize < 1) {
      throw new RangeError(`windowSize must be a positive integer, got ${windowSize}`);
    }
    this.#windowSize = windowSize;
    this.#resetEnabled = options.resetEnabled ?? true;
    this.#now = options.now ?? (() => new Date());
    this.#since = this.#now();
  }

  init(ctx: PluginContext): void {
    this.#service = ctx.service;
    ctx.logger.info(
      {
        plugin: this.name,
        plugin_version: this.version,
        latency_threshold_ms: this.#latencyThresholdMs,
        error_threshold_percent: this.#errorThresholdPercent,
        window_size: this.#windowSize,
      },
      `Transaction Analytics Plugin v${this.version} initialized`,
    );
  }

  onAuditEvent(event: AuditEvent): void {
    const { operation, duration_ms: duration } = event;
    if (typeof operation !== 'string' || operation === '') return;
    if (typeof duration !== 'number' || !Number.isFinite(duration) || duration < 0) return;
    const failure = event.outcome === 'failure';
    this.#service ??= event.service;

    let window = this.#operations.get(operation);
    if (!window) {
      const key = this.#operations.size < MAX_TRACKED_KEYS ? operation : OTHER_KEY;
      window = this.#operations.get(key);
      if (!window) {
        window = new SampleWindow(this.#windowSize);
        this.#operations.set(key, window);
      }
    }
    window.add(duration, failure);

    this.#totalCount++;
    this.#totalDurationMs += duration;
    if (!failure) return;
    this.#totalErrors++;
    const errorType =
      typeof event.error_type === 'string' && event.error_type !== ''
        ? event.error_type.slice(0, 100)
        : 'unknown';
    let tally = this.#errors.get(errorType);
    if (!tally) {
      const key = this.#errors.size < MAX_TRACKED_KEYS ? errorType : OTHER_KEY;
      tally = this.#errors.get(key);
      if (!tally) {
        tally = { count: 0, operations: new Set() };
        this.#errors.set(key, tally);
      }
    }
    tally.count++;
    tally.operations.add(operation);
  }

  /** Clears all samples and totals. */
  reset(): void {
    this.#operations = new Map();
    this.#errors = new Map();
    this.#totalCount = 0;
    this.#totalErrors = 0;
    this.#totalDurationMs = 0;
    this.#since = this.#now();
  }

  routes(router: Router): void {
    router.get('/analytics/report', (_req, res) => {
      res.json(this.report());
    });
    if (this.#resetEnabled) {
      router.post('/analytics/reset', (_req, res) => {
        this.reset();
        res.json({ reset: true, since: this.#since.toISOString() });
      });
    }
  }

  report(): AnalyticsReport {
    const service = this.#service ?? 'unknown';
    const latencyThr = this.#latencyThresholdMs;
    const errorThr = this.#errorThresholdPercent;
    const { performance, bottlenecks, slowest } = analyseOperations(
      this.#operations,
      service,
      latencyThr,
      errorThr,
    );

    const overallErrorRate = this.#totalCount === 0 ? 0 : (this.#totalErrors / this.#totalCount) * 100;
    const errorStatus = classify(overallErrorRate, errorThr);

    const commonErrors = mostCommonErrors(this.#errors);
    const recommendations = recommend(bottlenecks, errorStatus, overallErrorRate);

    return {
      plugin: { name: this.name, version: this.version },
      generated_at: this.#now().toISOString(),
      service,
      thresholds: {
        latency_ms: latencyThr,
        critical_latency_ms: 2 * latencyThr,
        error_rate_percent: errorThr,
        critical_error_rate_percent: 2 * errorThr,
      },
      summary: {
        since: this.#since.toISOString(),
        total_operations: this.#totalCount,
        total_errors: this.#totalErrors,
        error_rate_percent: round2(overallErrorRate),
        avg_response_time_ms: this.#totalCount === 0 ? 0 : round2(this.#totalDurationMs / this.#totalCount),
        window: { samples_per_operation: this.#windowSize },
      },
      service_performance: performance,
      slowest_operation: slowest,
      bottleneck_analysis: {
        bottlenecks_found: bottlenecks.length,
        critical_services: bottlenecks.map(({ avgExact: _avgExact, ...b }) => b),
      },
      error_analysis: {
        error_rate_percent: round2(overallErrorRate),
        status: errorStatus,
        common_errors: commonErrors,
      },
      recommendations,
    };
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}
