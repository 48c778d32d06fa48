// What the promoter reads from Prometheus: cumulative counters per version and per scrape target, at
// one instant. The difference of two snapshots is what each version served in between, counted
// exactly (no rate() extrapolation); a target whose counters went down restarted, and counts from 0.
import { addHistograms } from './histogram.ts';
import type { VersionWindow } from './judge.ts';

export interface TargetCounters {
  readonly requests: number;
  readonly errors: number;
  /** Cumulative count per bound of VersionCounters.bounds... */
  readonly buckets: readonly number[];
  /** ...and the +Inf bucket: every request with a recorded duration. */
  readonly observed: number;
}

export interface VersionCounters {
  /** Latency bucket bounds in seconds (finite, ascending). */
  readonly bounds: readonly number[];
  /** Keyed by scrape target (instance). */
  readonly targets: ReadonlyMap<string, TargetCounters>;
}

/** One way of seeing the canary (e.g. `app`: the services' own metrics, `mesh`: Istio's). */
export interface View {
  readonly stable: VersionCounters | undefined;
  readonly canary: VersionCounters | undefined;
}
export type Snapshot = Readonly<Record<string, View>>;

function targetDelta(before: TargetCounters | undefined, after: TargetCounters): TargetCounters {
  if (!before || after.requests < before.requests) return after;
  return {
    requests: after.requests - before.requests,
    errors: Math.max(0, after.errors - before.errors),
    buckets: after.buckets.map((b, i) => Math.max(0, b - (before.buckets[i] ?? 0))),
    observed: Math.max(0, after.observed - before.observed),
  };
}

/** What a version served between two snapshots; undefined when it has no series at the end. */
export function served(
  before: VersionCounters | undefined,
  after: VersionCounters | undefined,
): VersionWindow | undefined {
  if (!after || after.targets.size === 0) return undefined;
  const sameBuckets = before && before.bounds.join() === after.bounds.join();
  let requests = 0;
  let errors = 0;
  let observed = 0;
  const cumulative = after.bounds.map(() => 0);
  for (const [target, counters] of after.targets) {
    const d = targetDelta(sameBuckets ? before.targets.get(target) : undefined, counters);
    requests += d.requests;
    errors += d.errors;
    observed += d.observed;
    d.buckets.forEach((b, i) => (cumulative[i] = (cumulative[i] ?? 0) + b));
  }
  // Counters are integers; float noise from sums in PromQL is rounded away.
  return {
    requests: Math.round(requests),
    errors: Math.round(errors),
    latency: { bounds: after.bounds, cumulative: cumulative.map(Math.round), count: Math.round(observed) },
  };
}

/** Two windows of one version, one after the other. */
export function addWindows(
  a: VersionWindow | undefined,
  b: VersionWindow | undefined,
): VersionWindow | undefined {
  if (!a) return b;
  if (!b) return a;
  // Buckets changed mid-window (a new release of the exporter): keep the newer layout's counts.
  const sameBuckets = a.latency.bounds.join() === b.latency.bounds.join();
  const latency = sameBuckets ? addHistograms(a.latency, b.latency) : b.latency;
  return { requests: a.requests + b.requests, errors: a.errors + b.errors, latency };
}
