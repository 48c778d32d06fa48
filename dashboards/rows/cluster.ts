// Pod scaling and resource use against requests and limits: kube-state-metrics and cAdvisor series,
// which exist only in a cluster (kube-prometheus-stack scrapes them).
import { MEMORY_LIMIT_ALERT_PERCENT } from '../../catalog/index.ts';
import { sel } from '../../alerts/promql.ts';
import type { RowSpec } from '../panels.ts';
import { containers, RATE } from '../selectors.ts';

const hpa = (metric: string) =>
  `max by (horizontalpodautoscaler) (${metric}{${sel('namespace="$namespace"', 'horizontalpodautoscaler=~"$service"')}})`;
const resource = (metric: string, name: 'cpu' | 'memory') =>
  `sum by (container) (${metric}{${containers(`resource="${name}"`)}})`;
const workingSet = `sum by (container) (container_memory_working_set_bytes{${containers()}})`;

export const scaling: RowSpec = {
  title: 'Pod scaling (cluster)',
  panels: [
    {
      kind: 'timeseries',
      title: 'HPA desired vs current replicas',
      description:
        'Replicas each HorizontalPodAutoscaler wants (desired) and has (current). Desired above current for long: pods cannot be scheduled or do not get ready.',
      unit: 'short',
      queries: [
        {
          expr: hpa('kube_horizontalpodautoscaler_status_desired_replicas'),
          legend: '{{horizontalpodautoscaler}} desired',
        },
        {
          expr: hpa('kube_horizontalpodautoscaler_status_current_replicas'),
          legend: '{{horizontalpodautoscaler}} current',
        },
      ],
      width: 12,
    },
    {
      kind: 'timeseries',
      title: 'HPA bounds',
      description: "Each autoscaler's minimum and maximum replicas (catalog scaling bounds of the profile).",
      unit: 'short',
      queries: [
        {
          expr: hpa('kube_horizontalpodautoscaler_spec_min_replicas'),
          legend: '{{horizontalpodautoscaler}} min',
        },
        {
          expr: hpa('kube_horizontalpodautoscaler_spec_max_replicas'),
          legend: '{{horizontalpodautoscaler}} max',
        },
      ],
      width: 12,
    },
  ],
};

export const resources: RowSpec = {
  title: 'Resources vs requests and limits (cluster)',
  panels: [
    {
      kind: 'timeseries',
      title: 'CPU used vs requested and limit',
      description:
        'CPU cores used by each service container (all pods) against the sum of its requests and limits.',
      unit: 'short',
      queries: [
        {
          expr: `sum by (container) (rate(container_cpu_usage_seconds_total{${containers()}}[${RATE}]))`,
          legend: '{{container}} used',
        },
        { expr: resource('kube_pod_container_resource_requests', 'cpu'), legend: '{{container}} requested' },
        { expr: resource('kube_pod_container_resource_limits', 'cpu'), legend: '{{container}} limit' },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Memory used vs requested and limit',
      description:
        'Working set of each service container (all pods) against the sum of its memory requests and limits.',
      unit: 'bytes',
      queries: [
        { expr: workingSet, legend: '{{container}} used' },
        {
          expr: resource('kube_pod_container_resource_requests', 'memory'),
          legend: '{{container}} requested',
        },
        { expr: resource('kube_pod_container_resource_limits', 'memory'), legend: '{{container}} limit' },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Memory share of limit (per pod)',
      description: `Working set of each container as a share of its memory limit. Above ${MEMORY_LIMIT_ALERT_PERCENT} % for 5 minutes fires HighMemory; at 100 % the kernel OOM-kills it.`,
      unit: 'percentunit',
      queries: [
        {
          expr: `max by (pod, container) (container_memory_working_set_bytes{${containers()}}) / max by (pod, container) (kube_pod_container_resource_limits{${containers('resource="memory"')}})`,
          legend: '{{pod}}',
        },
      ],
      thresholds: [{ value: MEMORY_LIMIT_ALERT_PERCENT / 100, color: 'red' }],
      min: 0,
    },
    {
      kind: 'timeseries',
      title: 'CPU throttling',
      description:
        'Share of CPU periods in which a container was throttled at its limit: above a few percent, latency suffers before CPU looks full.',
      unit: 'percentunit',
      queries: [
        {
          expr: `sum by (container) (rate(container_cpu_cfs_throttled_periods_total{${containers()}}[${RATE}])) / sum by (container) (rate(container_cpu_cfs_periods_total{${containers()}}[${RATE}]))`,
          legend: '{{container}}',
        },
      ],
      thresholds: [{ value: 0.05, color: 'orange' }],
      min: 0,
    },
  ],
};
