// Live model performance from what was actually served: every recommendation request is recorded,
// and the report is computed from those records only (nothing estimated, nothing constant).
import { nearestRank } from '../../kit/stats.ts';
import type { Variant } from './recommendation.ts';

export type FallbackReason = 'model_error' | 'timeout';

export interface ServedRequest {
  /** The A/B arm the user was assigned to (a fallback still counts for that arm). */
  readonly variant: Variant;
  readonly latencyMs: number;
  /** confidence_score of every recommendation returned. */
  readonly confidences: readonly number[];
  readonly fallbackUsed: boolean;
  readonly fallbackReason?: FallbackReason;
}

export interface VariantReport {
  readonly requests: number;
  readonly average_confidence: number | null;
  readonly latency_p95_ms: number | null;
  readonly fallbacks: number;
}

export interface PerformanceReport {
  readonly requests: number;
  /** Percentiles over the most recent `window` requests (nearest rank); null before any request. */
  readonly latency_ms: { readonly p50: number | null; readonly p95: number | null; readonly window: number };
  /** Mean confidence of every recommendation served. */
  readonly average_confidence: number | null;
  readonly fallbacks: number;
  readonly fallback_rate: number;
  readonly fallbacks_by_reason: Readonly<Record<FallbackReason, number>>;
  readonly variants: Readonly<Record<Variant, VariantReport>>;
}

const ascending = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);

/** Nearest-rank percentile of unsorted samples (null when there are none: no latency is not 0 ms). */
export function percentileOf(values: readonly number[], p: number): number | null {
  return values.length === 0 ? null : nearestRank(ascending(values), p);
}

/** Fixed-size ring of recent values: memory stays bounded however long the service runs. */
class RecentWindow {
  private readonly values: number[] = [];
  private next = 0;
  private readonly size: number;
  constructor(size: number) {
    this.size = size;
  }
  push(value: number): void {
    if (this.values.length < this.size) this.values.push(value);
    else this.values[this.next] = value;
    this.next = (this.next + 1) % this.size;
  }
  snapshot(): number[] {
    return [...this.values];
  }
}

interface Totals {
  requests: number;
  confidenceSum: number;
  confidenceCount: number;
  fallbacks: number;
  latencies: RecentWindow;
}

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;
const mean = (sum: number, count: number): number | null => (count === 0 ? null : round(sum / count, 4));

export class PerformanceTracker {
  readonly window: number;
  private readonly all: Totals;
  private readonly byVariant: Record<Variant, Totals>;
  private readonly byReason: Record<FallbackReason, number> = { model_error: 0, timeout: 0 };

  constructor(window = 1000) {
    if (!Number.isInteger(window) || window < 1) throw new RangeError('window must be a positive integer');
    this.window = window;
    const totals = (): Totals => ({
      requests: 0,
      confidenceSum: 0,
      confidenceCount: 0,
      fallbacks: 0,
      latencies: new RecentWindow(window),
    });
    this.all = totals();
    this.byVariant = { v1: totals(), v2: totals() };
  }

  record(request: ServedRequest): void {
    if (!Number.isFinite(request.latencyMs) || request.latencyMs < 0)
      throw new RangeError('latencyMs must be >= 0');
    for (const t of [this.all, this.byVariant[request.variant]]) {
      t.requests += 1;
      t.latencies.push(request.latencyMs);
      for (const c of request.confidences) t.confidenceSum += c;
      t.confidenceCount += request.confidences.length;
      if (request.fallbackUsed) t.fallbacks += 1;
    }
    if (request.fallbackUsed) this.byReason[request.fallbackReason ?? 'model_error'] += 1;
  }

  report(): PerformanceReport {
    const latencies = ascending(this.all.latencies.snapshot());
    const variant = (t: Totals): VariantReport => ({
      requests: t.requests,
      average_confidence: mean(t.confidenceSum, t.confidenceCount),
      latency_p95_ms: percentileOf(t.latencies.snapshot(), 95),
      fallbacks: t.fallbacks,
    });
    return {
      requests: this.all.requests,
      latency_ms: {
        p50: latencies.length === 0 ? null : nearestRank(latencies, 50),
        p95: latencies.length === 0 ? null : nearestRank(latencies, 95),
        window: this.window,
      },
      average_confidence: mean(this.all.confidenceSum, this.all.confidenceCount),
      fallbacks: this.all.fallbacks,
      fallback_rate: this.all.requests === 0 ? 0 : round(this.all.fallbacks / this.all.requests, 4),
      fallbacks_by_reason: { ...this.byReason },
      variants: { v1: variant(this.byVariant.v1), v2: variant(this.byVariant.v2) },
    };
  }
}
