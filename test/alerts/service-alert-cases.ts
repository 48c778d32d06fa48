// promtool cases for the six named alerts. Every group runs one "lane" per service or pod, each with
// its own story (fires, late onset still pending, short blip, healthy), and checks at chosen minutes
// exactly which alerts fire. One sample a minute, 1000 requests a minute per service.
import {
  METRICS,
  ML_MAX_PROCESSING_P95_MS,
  NAMESPACE,
  SERVICE_NAMES,
  SERVICES,
  type ServiceName,
} from '../../catalog/index.ts';
import { HTTP_BUCKETS, HTTP_REQUESTS, le } from '../../alerts/promql.ts';
import type { InputSeries, Labels, PromtoolFile, PromtoolGroup } from './model.ts';
import { counter, gauge, seriesName } from './series.ts';

const R = 1000;
const ns = { namespace: NAMESPACE };
const httpLabels = (s: ServiceName): Labels => ({
  ...ns,
  service: s,
  job: s,
  pod: `${s}-7d4b9c-x1`,
  app: s,
  version: '1.0.0',
  method: 'GET',
  route: '/things',
});
/** Share of something in the step, per step (steps are minutes). */
type Share = (step: number) => number;
const during =
  (from: number, to: number, share: number): Share =>
  (s) =>
    s >= from && s <= to ? share : 0;
const always =
  (share: number): Share =>
  () =>
    share;

function errorSeries(service: ServiceName, errors: Share, steps: number): InputSeries[] {
  const l = httpLabels(service);
  return [
    {
      series: seriesName(HTTP_REQUESTS, { ...l, status_code: '200' }),
      values: counter(steps, (s) => R * (1 - errors(s))),
    },
    {
      series: seriesName(HTTP_REQUESTS, { ...l, status_code: '500' }),
      values: counter(steps, (s) => R * errors(s)),
    },
  ];
}

/** A histogram whose slow share lands between `threshold` and the next bound (seconds). */
function histogramSeries(
  name: string,
  labels: Labels,
  threshold: number,
  slow: Share,
  steps: number,
): InputSeries[] {
  const bounds = METRICS.httpServerDuration.buckets ?? [];
  const next = bounds.find((b) => b > threshold) as number;
  const bucket = (bound: string, fast: boolean) => ({
    series: seriesName(name, { ...labels, le: bound }),
    values: counter(steps, (s) => (fast ? R * (1 - slow(s)) : R)),
  });
  return [bucket(le(threshold), true), bucket(le(next), false), bucket('+Inf', false)];
}

const seconds = (s: ServiceName): number => SERVICES[s].slo.p95Ms / 1000;
const svc = (service: ServiceName): Labels => ({ ...ns, service });

const highErrorRate: PromtoolGroup = {
  name: 'HighErrorRate: over 5 % 5xx for 2m fires; a small one-minute blip and a 1-minute-old burst do not',
  series: [
    ...errorSeries('petstore', during(5, 25, 0.1), 30), // fires, then resolves when the burst ends
    ...errorSeries('order', during(10, 10, 0.15), 30), // blip: 15 % for one minute = 3.75 % over 5m
    ...errorSeries('payment', always(0.01), 30), // healthy
    ...errorSeries('inventory', during(24, 30, 0.3), 30), // true since minute 24: pending at 25
    ...errorSeries('ml-advisor', always(0.1), 30),
  ],
  checks: [
    { at: 12, alertname: 'HighErrorRate', firing: [svc('petstore'), svc('ml-advisor')] },
    { at: 25, alertname: 'HighErrorRate', firing: [svc('petstore'), svc('ml-advisor')] },
    { at: 30, alertname: 'HighErrorRate', firing: [svc('inventory'), svc('ml-advisor')] },
  ],
};

const highErrorRateEverywhere: PromtoolGroup = {
  name: "HighErrorRate: each service's rule fires on its own 5xx",
  series: SERVICE_NAMES.flatMap((s) => errorSeries(s, always(0.1), 10)),
  checks: [{ at: 10, alertname: 'HighErrorRate', firing: SERVICE_NAMES.map(svc) }],
};

const latency = (s: ServiceName, slow: Share) =>
  histogramSeries(HTTP_BUCKETS, httpLabels(s), seconds(s), slow, 30);
const highLatency: PromtoolGroup = {
  name: "HighLatency: p95 over each service's objective for 5m fires; a 2-minute blip does not",
  series: [
    ...latency('petstore', during(1, 20, 0.1)),
    ...latency('order', during(10, 11, 0.15)), // blip: above the objective at minutes 11-14 only
    ...latency('payment', always(0)),
    ...latency('inventory', always(0.02)), // 2 % slow: p95 still under the objective
    ...latency('ml-advisor', during(16, 30, 0.3)), // true since 16: pending at 20
  ],
  checks: [
    { at: 14, alertname: 'HighLatency', firing: [svc('petstore')] },
    { at: 20, alertname: 'HighLatency', firing: [svc('petstore')] },
    { at: 28, alertname: 'HighLatency', firing: [svc('ml-advisor')] },
  ],
};

const highLatencyEverywhere: PromtoolGroup = {
  name: "HighLatency: each service's rule fires over its own objective",
  series: SERVICE_NAMES.flatMap((s) =>
    histogramSeries(HTTP_BUCKETS, httpLabels(s), seconds(s), always(0.1), 10),
  ),
  checks: [{ at: 10, alertname: 'HighLatency', firing: SERVICE_NAMES.map(svc) }],
};

const upLabels = (s: ServiceName): Labels => ({
  ...ns,
  service: s,
  job: s,
  pod: `${s}-7d4b9c-x1`,
  instance: '10.244.1.7:15020',
  endpoint: 'http-metrics',
});
const up = (s: ServiceName, value: (step: number) => number): InputSeries => ({
  series: seriesName('up', upLabels(s)),
  values: gauge(10, value),
});
const serviceDown: PromtoolGroup = {
  name: 'ServiceDown: a target down for 1m or no target at all fires; one failed scrape does not',
  series: [
    up('petstore', () => 1),
    up('order', (s) => (s >= 5 ? 0 : 1)),
    up('payment', (s) => (s === 6 ? 0 : 1)), // one failed scrape: pending at 6, resolved at 7
    // inventory: no series at all (every pod gone)
    up('ml-advisor', () => 1),
  ],
  checks: [
    { at: 5, alertname: 'ServiceDown', firing: [svc('inventory')] },
    { at: 7, alertname: 'ServiceDown', firing: [upLabels('order'), svc('inventory')] },
    { at: 10, alertname: 'ServiceDown', firing: [upLabels('order'), svc('inventory')] },
  ],
};

const variant = (v: string, slow: Share) =>
  histogramSeries(
    `${METRICS.recommendationDuration.name}_bucket`,
    { ...httpLabels('ml-advisor'), variant: v },
    ML_MAX_PROCESSING_P95_MS / 1000,
    slow,
    20,
  );
const ml = (v: string): Labels => ({ ...svc('ml-advisor'), variant: v });
const mlProcessing: PromtoolGroup = {
  name: 'MLAdvisorHighProcessingTime: p95 over 2 s for 3m fires per variant; a small blip does not',
  series: [
    ...variant('v1', (s) => (s === 3 ? 0.15 : s >= 8 ? 0.3 : 0)), // blip at 3, then slow from 8
    ...variant('v2', during(1, 20, 0.1)),
  ],
  checks: [
    { at: 6, alertname: 'MLAdvisorHighProcessingTime', firing: [ml('v2')] },
    { at: 10, alertname: 'MLAdvisorHighProcessingTime', firing: [ml('v2')] },
    { at: 14, alertname: 'MLAdvisorHighProcessingTime', firing: [ml('v1'), ml('v2')] },
  ],
};

const pod = (name: string, container: string): Labels => ({ ...ns, pod: name, container });
const restarts = (p: Labels, at: readonly number[]): InputSeries => ({
  series: seriesName('kube_pod_container_status_restarts_total', {
    ...p,
    job: 'kube-state-metrics',
    service: 'kube-prometheus-stack-kube-state-metrics',
    uid: `uid-${p.pod}`,
  }),
  values: counter(40, (s) => (at.includes(s) ? 1 : 0)),
});
const looping = pod('petstore-7d4b9c-x1', 'petstore');
const podCrashLooping: PromtoolGroup = {
  name: 'PodCrashLooping: 2 restarts within 15m fires; a single restart does not',
  series: [
    restarts(looping, [3, 8, 13]),
    restarts(pod('order-5f6c7d-y2', 'order'), [5]),
    restarts(pod('payment-6b7c8d-z3', 'payment'), []),
  ],
  checks: [
    { at: 6, alertname: 'PodCrashLooping', firing: [] },
    { at: 14, alertname: 'PodCrashLooping', firing: [looping] },
    { at: 40, alertname: 'PodCrashLooping', firing: [] },
  ],
};

const LIMIT = 512 * 1024 * 1024;
const memory = (p: Labels, share: Share): InputSeries[] => [
  {
    series: seriesName('container_memory_working_set_bytes', {
      ...p,
      job: 'kubelet',
      service: 'kube-prometheus-stack-kubelet',
      metrics_path: '/metrics/cadvisor',
    }),
    values: gauge(15, (s) => Math.round(LIMIT * share(s))),
  },
  ...['memory', 'cpu'].map((resource) => ({
    series: seriesName('kube_pod_container_resource_limits', {
      ...p,
      resource,
      unit: resource === 'memory' ? 'byte' : 'core',
      job: 'kube-state-metrics',
    }),
    values: gauge(15, () => (resource === 'memory' ? LIMIT : 0.5)),
  })),
];
const full = pod('petstore-7d4b9c-x1', 'petstore');
const late = pod('payment-6b7c8d-z3', 'payment');
const highMemory: PromtoolGroup = {
  name: 'HighMemory: over 90 % of the memory limit for 5m fires; 3 minutes do not',
  series: [
    ...memory(full, always(0.95)),
    ...memory(pod('order-5f6c7d-y2', 'order'), (s) => (s >= 2 && s <= 4 ? 0.95 : 0.5)),
    ...memory(pod('inventory-8c9d0e-w4', 'inventory'), always(0.5)),
    ...memory(late, (s) => (s >= 7 ? 0.95 : 0.5)),
  ],
  checks: [
    { at: 4, alertname: 'HighMemory', firing: [] },
    { at: 10, alertname: 'HighMemory', firing: [full] },
    { at: 14, alertname: 'HighMemory', firing: [full, late] },
  ],
};

export const SERVICE_ALERT_TESTS: PromtoolFile = {
  name: 'service-alerts',
  ruleFiles: ['petstore-alerts'],
  evaluationMinutes: 1,
  groups: [
    highErrorRate,
    highErrorRateEverywhere,
    highLatency,
    highLatencyEverywhere,
    serviceDown,
    mlProcessing,
    podCrashLooping,
    highMemory,
  ],
};
