// The promoter's metrics backend: instant queries for the cumulative counters of both versions, per
// scrape target, from two views of the same traffic:
//   app  - the services' own request histogram (label `version`, catalog/metrics.ts);
//   mesh - Istio's standard metrics as the destination's sidecar reports them (`destination_version`):
//          they also count what never reached the app (a crashing canary's 503s, resets).
// The local demo has no mesh, so only the app view; the cluster promoter judges both.
import { DEFAULT_LABELS, type METRICS, type TARGET_LABELS } from '../../catalog/metrics.ts';
import { HTTP_BUCKETS, HTTP_REQUESTS, SERVER_ERROR, sel } from '../../alerts/promql.ts';
import type { ServiceName } from '../../catalog/services.ts';
import type { Sample } from '../observe/prometheus.ts';
import type { Snapshot, TargetCounters, VersionCounters, View } from './counters.ts';
import type { MetricsBackend } from './promotion.ts';

/** A Prometheus instant query (tools/observe/prometheus.ts locally, the API server proxy in a cluster). */
export type InstantQuery = (expr: string) => Promise<readonly Sample[]>;

export interface Versions {
  readonly stable: string;
  readonly canary: string;
}

export interface MetricSource {
  readonly name: string;
  /** Cumulative requests, errors (5xx) and latency buckets, summed by version, target (and le). */
  readonly requests: string;
  readonly errors: string;
  readonly buckets: string;
  readonly versionLabel: string;
  /** Bucket bounds (`le`) per second: 1 for seconds, 1000 for milliseconds. */
  readonly lePerSecond: number;
}

/** Istio's standard metrics (https://istio.io/latest/docs/reference/config/metrics/). */
export const MESH_METRICS = {
  requests: 'istio_requests_total',
  durationBuckets: 'istio_request_duration_milliseconds_bucket',
} as const;

/** The scrape target a counter belongs to (a pod, or a local process): resets are per target. */
const TARGET: (typeof TARGET_LABELS)[number] = 'instance';
const versionMatcher = (v: Versions): string =>
  `"${[v.stable, v.canary].map((x) => x.replace(/\./g, '\\\\.')).join('|')}"`;

/** The services' own histogram (alerts/promql.ts's series and 5xx), by the `version` label. */
export function appSource(service: ServiceName, versions: Versions): MetricSource {
  const [app, version] = DEFAULT_LABELS;
  // Typed against the catalog's label names: a renamed label fails to compile here.
  const route: (typeof METRICS.httpServerDuration.labels)[number] = 'route';
  // Users' traffic only: the admin endpoint (fault switches) is not what a canary is judged on.
  const selector = sel(
    `${app}="${service}"`,
    `${version}=~${versionMatcher(versions)}`,
    `${route}!~"/admin/.*"`,
  );
  const by = `${version}, ${TARGET}`;
  return {
    name: 'app',
    requests: `sum by (${by}) (${HTTP_REQUESTS}{${selector}})`,
    errors: `sum by (${by}) (${HTTP_REQUESTS}{${sel(selector, SERVER_ERROR)}})`,
    buckets: `sum by (${by}, le) (${HTTP_BUCKETS}{${selector}})`,
    versionLabel: version,
    lePerSecond: 1,
  };
}

/** Istio's view, as the destination's sidecar reports it (the dashboard's canary row selects alike). */
export function meshSource(service: ServiceName, namespace: string, versions: Versions): MetricSource {
  const selector = sel(
    'reporter="destination"',
    `destination_service_namespace="${namespace}"`,
    `destination_service_name="${service}"`,
    `destination_version=~${versionMatcher(versions)}`,
  );
  const by = `destination_version, ${TARGET}`;
  return {
    name: 'mesh',
    requests: `sum by (${by}) (${MESH_METRICS.requests}{${selector}})`,
    errors: `sum by (${by}) (${MESH_METRICS.requests}{${sel(selector, 'response_code=~"5.."')}})`,
    buckets: `sum by (${by}, le) (${MESH_METRICS.durationBuckets}{${selector}})`,
    versionLabel: 'destination_version',
    lePerSecond: 1000,
  };
}

interface Accumulated {
  requests: number;
  errors: number;
  buckets: Map<number, number>;
  observed: number;
}

function versionCounters(per: Map<string, Accumulated> | undefined): VersionCounters | undefined {
  if (!per || per.size === 0) return undefined;
  const bounds = [...new Set([...per.values()].flatMap((a) => [...a.buckets.keys()]))].sort((x, y) => x - y);
  const targets = new Map<string, TargetCounters>();
  for (const [target, a] of per) {
    targets.set(target, {
      requests: a.requests,
      errors: a.errors,
      buckets: bounds.map((b) => a.buckets.get(b) ?? 0),
      observed: a.observed,
    });
  }
  return { bounds, targets };
}

/** One view of the canary from the three queries of a source. */
export async function readView(query: InstantQuery, source: MetricSource, versions: Versions): Promise<View> {
  const [requests, errors, buckets] = await Promise.all([
    query(source.requests),
    query(source.errors),
    query(source.buckets),
  ]);
  const byVersion = new Map<string, Map<string, Accumulated>>();
  const entry = (s: Sample): Accumulated => {
    const version = s.labels[source.versionLabel] ?? '';
    const target = s.labels[TARGET] ?? '';
    const targets = byVersion.get(version) ?? new Map<string, Accumulated>();
    byVersion.set(version, targets);
    const a = targets.get(target) ?? { requests: 0, errors: 0, buckets: new Map(), observed: 0 };
    targets.set(target, a);
    return a;
  };
  for (const s of requests) entry(s).requests += s.value;
  for (const s of errors) entry(s).errors += s.value;
  for (const s of buckets) {
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le) / source.lePerSecond;
    if (le === Infinity) entry(s).observed += s.value;
    else if (Number.isFinite(le)) entry(s).buckets.set(le, (entry(s).buckets.get(le) ?? 0) + s.value);
  }
  return {
    stable: versionCounters(byVersion.get(versions.stable)),
    canary: versionCounters(byVersion.get(versions.canary)),
  };
}

export function prometheusMetrics(
  query: InstantQuery,
  sources: readonly MetricSource[],
  versions: Versions,
): MetricsBackend {
  return {
    snapshot: async (): Promise<Snapshot> => {
      const views = await Promise.all(
        sources.map(async (s) => [s.name, await readView(query, s, versions)] as const),
      );
      return Object.fromEntries(views);
    },
  };
}
