// Service health: are the targets up, ready and staying up; how busy and how big is each process.
import { METRICS, RUNTIME_METRICS } from '../../catalog/index.ts';
import { sel } from '../../alerts/promql.ts';
import type { RowSpec } from '../panels.ts';
import { containers, svc } from '../selectors.ts';

export const health: RowSpec = {
  title: 'Service health',
  panels: [
    {
      kind: 'stat',
      title: 'Targets up',
      description:
        'Pods of each service Prometheus scrapes successfully (`up`). Red at 0: the service is down or cannot be scraped (alert ServiceDown).',
      unit: 'short',
      queries: [
        {
          expr: `sum by (service) (up{${sel('namespace="$namespace"', 'service=~"$service"')}})`,
          legend: '{{service}}',
        },
      ],
      base: 'red',
      thresholds: [{ value: 1, color: 'green' }],
      width: 8,
      height: 5,
    },
    {
      kind: 'stat',
      title: 'Pods ready',
      description:
        'Pods whose readiness probe (GET /readyz) passes, from kube-state-metrics (cluster only). Fewer ready than up: pods starting or draining.',
      unit: 'short',
      queries: [
        {
          expr: `sum by (namespace) (kube_pod_status_ready{${sel('namespace="$namespace"', 'condition="true"', 'pod=~"($service)-.*"')}})`,
          legend: 'ready pods',
        },
      ],
      base: 'red',
      thresholds: [{ value: 1, color: 'green' }],
      width: 8,
      height: 5,
    },
    {
      kind: 'stat',
      title: 'Restarts (1h)',
      description:
        'Container restarts in the last hour per service, from kube-state-metrics (cluster only). Two within 15 minutes fire PodCrashLooping.',
      unit: 'short',
      queries: [
        {
          expr: `sum by (container) (increase(kube_pod_container_status_restarts_total{${containers()}}[1h]))`,
          legend: '{{container}}',
        },
      ],
      thresholds: [
        { value: 1, color: 'orange' },
        { value: 2, color: 'red' },
      ],
      width: 8,
      height: 5,
    },
    {
      kind: 'timeseries',
      title: 'Requests in flight',
      description: `Inbound requests being served right now (\`${METRICS.httpServerInFlight.name}\`), per pod. A climb without more traffic means requests are stuck waiting.`,
      unit: 'short',
      queries: [
        { expr: `sum by (service, pod) (${METRICS.httpServerInFlight.name}{${svc()}})`, legend: '{{pod}}' },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Process memory (RSS)',
      description:
        "Resident memory of each service process (prom-client's process_resident_memory_bytes). Works without a cluster; the Resources row compares the container with its limit.",
      unit: 'bytes',
      queries: [
        { expr: `sum by (service, pod) (${RUNTIME_METRICS.residentMemory}{${svc()}})`, legend: '{{pod}}' },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Event loop lag (p99)',
      description:
        'p99 delay of the Node.js event loop per process (nodejs_eventloop_lag_p99_seconds). Above ~100 ms every request on that process waits: CPU saturation or blocking work.',
      unit: 's',
      queries: [
        { expr: `max by (service, pod) (${RUNTIME_METRICS.eventLoopLagP99}{${svc()}})`, legend: '{{pod}}' },
      ],
      thresholds: [{ value: 0.1, color: 'orange' }],
    },
  ],
};
