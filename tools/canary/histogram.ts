// Latency histograms as Prometheus keeps them: cumulative counts per upper bound (`le`, seconds),
// the +Inf bucket being the total. Quantiles follow histogram_quantile (linear within a bucket, the
// highest finite bound when the rank falls into +Inf), so the numbers match what Grafana shows.

export interface Histogram {
  /** Finite upper bounds in seconds, strictly ascending. */
  readonly bounds: readonly number[];
  /** Cumulative count at each bound (requests at most that long). */
  readonly cumulative: readonly number[];
  /** Every request (the +Inf bucket). */
  readonly count: number;
}

export const emptyHistogram = (bounds: readonly number[]): Histogram => ({
  bounds,
  cumulative: bounds.map(() => 0),
  count: 0,
});

/** Why a histogram cannot be used, or undefined when it is well formed. */
export function histogramProblem(h: Histogram): string | undefined {
  if (h.bounds.length !== h.cumulative.length) return 'bounds and counts differ in length';
  if (!Number.isFinite(h.count) || h.count < 0) return `total ${h.count} is not a count`;
  let previousBound = -Infinity;
  let previousCount = 0;
  for (const [i, bound] of h.bounds.entries()) {
    const count = h.cumulative[i] as number;
    if (!(bound > previousBound) || !Number.isFinite(bound)) return 'bounds are not strictly ascending';
    if (!Number.isFinite(count) || count < previousCount) return 'cumulative counts decrease';
    previousBound = bound;
    previousCount = count;
  }
  if (previousCount > h.count) return 'a bucket holds more than the total';
  return undefined;
}

/** The q-quantile in seconds (histogram_quantile semantics); undefined without observations. */
export function quantile(h: Histogram, q: number): number | undefined {
  if (h.count === 0) return undefined;
  const rank = q * h.count;
  let below = 0;
  let lower = 0;
  for (const [i, upper] of h.bounds.entries()) {
    const cum = h.cumulative[i] as number;
    if (cum >= rank && cum > below) return lower + ((upper - lower) * (rank - below)) / (cum - below);
    below = cum;
    lower = upper;
  }
  return h.bounds.at(-1);
}

/** Requests slower than `bound` (which must be one of the bounds: the count is then exact). */
export function countAbove(h: Histogram, bound: number): number {
  const i = h.bounds.indexOf(bound);
  if (i < 0) throw new RangeError(`${bound} s is not a bucket bound`);
  return h.count - (h.cumulative[i] as number);
}

/** The histograms restricted to the bounds they all share (cumulative counts stay exact). */
export function commonBounds(histograms: readonly Histogram[]): number[] {
  const [first, ...rest] = histograms;
  if (!first) return [];
  return first.bounds.filter((b) => rest.every((h) => h.bounds.includes(b)));
}

/**
 * The smallest shared bound at or above the q-quantile of the pooled histograms (the highest shared
 * bound when the quantile lies beyond them). Pooling keeps a test on the counts above it exact: the
 * bound depends only on the pooled sample, which is the same under every relabelling of requests.
 */
export function pooledTailBound(histograms: readonly Histogram[], q: number): number | undefined {
  const bounds = commonBounds(histograms);
  const total = histograms.reduce((n, h) => n + h.count, 0);
  for (const bound of bounds) {
    const cum = histograms.reduce((n, h) => n + (h.cumulative[h.bounds.indexOf(bound)] as number), 0);
    if (cum >= q * total) return bound;
  }
  return bounds.at(-1);
}

/** Adds histograms with identical bounds (the windows of one version). */
export function addHistograms(a: Histogram, b: Histogram): Histogram {
  if (a.bounds.length !== b.bounds.length || a.bounds.some((x, i) => x !== b.bounds[i])) {
    throw new Error('cannot add histograms with different buckets');
  }
  return {
    bounds: a.bounds,
    cumulative: a.cumulative.map((c, i) => c + (b.cumulative[i] as number)),
    count: a.count + b.count,
  };
}
