// Which metric and label names a PromQL query may use, and a check of every query against them
// (parsed with @prometheus-io/lezer-promql, the parser of Prometheus's own UI). Names come from the
// catalog (the services' metrics, runtime metrics, target labels), the recording rules, and an
// explicit allow-list of what Kubernetes, kube-state-metrics, cAdvisor, Istio and Prometheus export.
import { parser } from '@prometheus-io/lezer-promql';
import { DEFAULT_LABELS, METRICS, RUNTIME_METRICS, TARGET_LABELS } from '../../catalog/index.ts';
import { RULE_FILES } from '../../alerts/rules.ts';
import { isAlert } from '../../alerts/types.ts';

/** Where a metric comes from: the live proof needs data from `service` metrics everywhere. */
export type Origin = 'service' | 'prometheus' | 'cluster';

export interface KnownMetric {
  readonly origin: Origin;
  readonly labels: ReadonlySet<string>;
}

const SERVICE_LABELS = [...DEFAULT_LABELS, ...TARGET_LABELS];

const ISTIO_LABELS = [
  'reporter',
  'source_workload',
  'source_workload_namespace',
  'source_version',
  'destination_service_name',
  'destination_service_namespace',
  'destination_workload',
  'destination_version',
  'response_code',
  'request_protocol',
  'connection_security_policy',
  ...TARGET_LABELS,
];

/** Series that exist only in a cluster, with the labels queries may use (kube-prometheus-stack). */
export const CLUSTER_METRICS: Readonly<Record<string, readonly string[]>> = {
  // kube-state-metrics
  kube_pod_status_ready: ['namespace', 'pod', 'uid', 'condition'],
  kube_pod_container_status_restarts_total: ['namespace', 'pod', 'uid', 'container'],
  kube_pod_container_resource_requests: ['namespace', 'pod', 'uid', 'container', 'node', 'resource', 'unit'],
  kube_pod_container_resource_limits: ['namespace', 'pod', 'uid', 'container', 'node', 'resource', 'unit'],
  kube_horizontalpodautoscaler_status_desired_replicas: ['namespace', 'horizontalpodautoscaler'],
  kube_horizontalpodautoscaler_status_current_replicas: ['namespace', 'horizontalpodautoscaler'],
  kube_horizontalpodautoscaler_spec_min_replicas: ['namespace', 'horizontalpodautoscaler'],
  kube_horizontalpodautoscaler_spec_max_replicas: ['namespace', 'horizontalpodautoscaler'],
  // cAdvisor (kubelet /metrics/cadvisor)
  container_cpu_usage_seconds_total: ['namespace', 'pod', 'container', 'node', 'cpu', 'id', 'image', 'name'],
  container_memory_working_set_bytes: ['namespace', 'pod', 'container', 'node', 'id', 'image', 'name'],
  container_cpu_cfs_periods_total: ['namespace', 'pod', 'container', 'node', 'id', 'image', 'name'],
  container_cpu_cfs_throttled_periods_total: ['namespace', 'pod', 'container', 'node', 'id', 'image', 'name'],
  // Istio standard metrics (Envoy sidecars), scraped through the pods' merged metrics port
  istio_requests_total: ISTIO_LABELS,
  istio_request_duration_milliseconds_bucket: [...ISTIO_LABELS, 'le'],
};

/** Prometheus's own series: `up` per target, `ALERTS` per pending or firing alert. */
function prometheusMetrics(): Record<string, readonly string[]> {
  const alertLabels = new Set(['alertname', 'alertstate']);
  for (const groups of Object.values(RULE_FILES)) {
    for (const rule of groups().flatMap((g) => g.rules)) {
      if (!isAlert(rule)) continue;
      for (const label of Object.keys(rule.labels)) alertLabels.add(label);
      // Labels an alert keeps from its expression: what it aggregates by, or all target labels.
      for (const m of rule.expr.matchAll(/\bby \(([^)]*)\)/g)) {
        for (const l of (m[1] ?? '').split(',')) alertLabels.add(l.trim());
      }
    }
  }
  alertLabels.delete('le');
  return { up: TARGET_LABELS, ALERTS: [...alertLabels] };
}

export function knownMetrics(): Map<string, KnownMetric> {
  const known = new Map<string, KnownMetric>();
  const add = (name: string, origin: Origin, labels: readonly string[]) =>
    known.set(name, { origin, labels: new Set(labels) });
  for (const m of Object.values(METRICS)) {
    const labels = [...SERVICE_LABELS, ...m.labels];
    if (m.type === 'histogram') {
      add(`${m.name}_bucket`, 'service', [...labels, 'le']);
      add(`${m.name}_sum`, 'service', labels);
      add(`${m.name}_count`, 'service', labels);
    } else add(m.name, 'service', labels);
  }
  for (const name of Object.values(RUNTIME_METRICS)) add(name, 'service', SERVICE_LABELS);
  for (const groups of Object.values(RULE_FILES)) {
    for (const rule of groups().flatMap((g) => g.rules)) {
      if (!isAlert(rule))
        add(rule.record, 'service', ['namespace', 'service', ...Object.keys(rule.labels ?? {})]);
    }
  }
  for (const [name, labels] of Object.entries(prometheusMetrics())) add(name, 'prometheus', labels);
  for (const [name, labels] of Object.entries(CLUSTER_METRICS)) add(name, 'cluster', labels);
  return known;
}

export interface QueryNames {
  /** Metric names the query selects. */
  readonly metrics: readonly string[];
  /** What is wrong: unknown metrics, labels a metric does not have, parse errors. */
  readonly problems: readonly string[];
}

/** Grafana's built-in interval variables, as any valid duration (the check is about names). */
export function withGrafanaIntervals(expr: string, durations = { rate: '1m', range: '1h' }): string {
  return expr
    .replaceAll('$__rate_interval', durations.rate)
    .replaceAll('$__range', durations.range)
    .replaceAll('$__interval', durations.rate);
}

function text(expr: string, node: { readonly from: number; readonly to: number }): string {
  return expr.slice(node.from, node.to);
}

function unquote(s: string): string {
  return s.replace(/^["'`]|["'`]$/g, '');
}

/** Metric names and labels of one PromQL expression, checked against `known`. */
export function checkQuery(exprWithVariables: string, known = knownMetrics()): QueryNames {
  const expr = withGrafanaIntervals(exprWithVariables);
  const tree = parser.parse(expr);
  const problems: string[] = [];
  const metrics: string[] = [];
  const grouping: string[] = [];
  tree.iterate({
    enter: (ref) => {
      if (ref.type.isError)
        problems.push(`syntax error at ${ref.from}: ${expr.slice(ref.from, ref.from + 30)}`);
      if (ref.name === 'GroupingLabels') {
        for (let c = ref.node.firstChild; c; c = c.nextSibling)
          if (c.name === 'LabelName') grouping.push(text(expr, c));
      }
      if (ref.name !== 'VectorSelector') return;
      const node = ref.node;
      const matchers: [string, string][] = [];
      for (const m of node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
        const name = m.getChild('LabelName');
        const value = m.getChild('StringLiteral');
        if (name) matchers.push([text(expr, name), value ? unquote(text(expr, value)) : '']);
      }
      const identifier = node.getChild('Identifier');
      const metric = identifier ? text(expr, identifier) : matchers.find(([l]) => l === '__name__')?.[1];
      if (!metric) return void problems.push(`selector without a metric name: ${text(expr, node)}`);
      metrics.push(metric);
      const def = known.get(metric);
      if (!def) return void problems.push(`unknown metric ${metric}`);
      for (const [label] of matchers) {
        if (label !== '__name__' && !def.labels.has(label)) problems.push(`${metric} has no label ${label}`);
      }
    },
  });
  const available = new Set(metrics.flatMap((m) => [...(known.get(m)?.labels ?? [])]));
  for (const label of grouping) {
    if (!available.has(label)) problems.push(`no metric of the query has the label ${label} it groups by`);
  }
  return { metrics, problems };
}

/** `label_values(<selector>, <label>)`, Grafana's variable query, checked like a query. */
export function checkLabelValues(query: string, known = knownMetrics()): QueryNames {
  const match = /^label_values\((.*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(query.trim());
  if (!match) return { metrics: [], problems: [`not a label_values(selector, label) query: ${query}`] };
  const checked = checkQuery(match[1] as string, known);
  const labels = checked.metrics.flatMap((m) => [...(known.get(m)?.labels ?? [])]);
  const problems = labels.includes(match[2] as string)
    ? checked.problems
    : [...checked.problems, `no metric of ${match[1]} has the label ${match[2]}`];
  return { metrics: checked.metrics, problems };
}
