// The six alerts of the petstore document, with its names, from the catalog's thresholds. Error rate
// and latency are per-service objectives: one rule per service, labelled with it.
import {
  CRASH_LOOP_RESTARTS,
  CRASH_LOOP_WINDOW,
  MEMORY_LIMIT_ALERT_PERCENT,
  METRICS,
  ML_MAX_PROCESSING_P95_MS,
  NAMESPACE,
  SERVICE_NAMES,
  SERVICES,
} from '../catalog/index.ts';
import { errorRatio, HTTP_BUCKETS, quantile, sel, servicesSel } from './promql.ts';
import { runbook, type AlertingRule, type RuleGroup } from './types.ts';

const percent = (share: number): string => `${Number((share * 100).toPrecision(6))} %`;
const ns = `namespace="${NAMESPACE}"`;

function highErrorRate(): AlertingRule[] {
  return SERVICE_NAMES.map((service) => ({ service, pct: SERVICES[service].slo.errorRatePercent })).map(
    ({ service, pct }) => ({
      alert: 'HighErrorRate',
      expr: `${errorRatio(servicesSel([service]), '5m')} > ${pct / 100}`,
      for: '2m',
      labels: { service, severity: 'warning' },
      annotations: {
        summary: `{{ $labels.service }} answers more than ${pct} % of requests with 5xx`,
        description: `More than ${pct} % of the requests to {{ $labels.service }} (namespace {{ $labels.namespace }}) failed with a 5xx over the last 5 minutes, for 2 minutes. Look first at the dashboard's error rate by route, then at the service's log lines with level error and at its downstream calls (outcome != success).`,
        runbook_url: runbook('HighErrorRate'),
      },
    }),
  );
}

function highLatency(): AlertingRule[] {
  return SERVICE_NAMES.map((service) => ({ service, ms: SERVICES[service].slo.p95Ms })).map(
    ({ service, ms }) => ({
      alert: 'HighLatency',
      expr: `${quantile(0.95, HTTP_BUCKETS, servicesSel([service]), '5m')} > ${ms / 1000}`,
      for: '5m',
      labels: { service, severity: 'warning' },
      annotations: {
        summary: `{{ $labels.service }} p95 latency above its ${ms} ms objective`,
        description: `The 95th percentile of {{ $labels.service }}'s request duration has been above ${ms} ms for 5 minutes. Look first at the dashboard's latency by route and at the downstream call durations (a slow dependency shows there), then at CPU throttling and replicas.`,
        runbook_url: runbook('HighLatency'),
      },
    }),
  );
}

function serviceDown(): AlertingRule {
  const absent = SERVICE_NAMES.map((s) => `absent(up{${servicesSel([s])}})`);
  return {
    alert: 'ServiceDown',
    expr: [`up{${servicesSel()}} == 0`, ...absent].join(' or '),
    for: '1m',
    labels: { severity: 'critical' },
    annotations: {
      summary: '{{ $labels.service }} cannot be scraped',
      description:
        'Prometheus has not been able to scrape {{ $labels.service }} for 1 minute (the pod label names the target), or no target of it exists at all (no pod label: every pod is gone). Look first at `kubectl -n {{ $labels.namespace }} get pods -l app={{ $labels.service }}` and the pod events, then at the readiness probe and the ServiceMonitor.',
      runbook_url: runbook('ServiceDown'),
    },
  };
}

function mlAdvisorProcessingTime(): AlertingRule {
  const seconds = ML_MAX_PROCESSING_P95_MS / 1000;
  const buckets = `${METRICS.recommendationDuration.name}_bucket`;
  return {
    alert: 'MLAdvisorHighProcessingTime',
    expr: `${quantile(0.95, buckets, servicesSel(['ml-advisor']), '5m', ['namespace', 'service', 'variant'])} > ${seconds}`,
    for: '3m',
    labels: { severity: 'warning' },
    annotations: {
      summary: `ml-advisor takes over ${ML_MAX_PROCESSING_P95_MS} ms (p95) for variant {{ $labels.variant }}`,
      description: `The 95th percentile time to produce a recommendation for A/B variant {{ $labels.variant }} has been above ${ML_MAX_PROCESSING_P95_MS} ms for 3 minutes. The storefront falls back to rules when the advisor is slow, so users get degraded recommendations. Look first at the dashboard's ML row (latency and fallbacks by variant), then at the advisor pod's CPU and its VPA recommendation.`,
      runbook_url: runbook('MLAdvisorHighProcessingTime'),
    },
  };
}

function podCrashLooping(): AlertingRule {
  return {
    alert: 'PodCrashLooping',
    expr: `max by (namespace, pod, container) (increase(kube_pod_container_status_restarts_total{${ns}}[${CRASH_LOOP_WINDOW}])) >= ${CRASH_LOOP_RESTARTS}`,
    labels: { severity: 'warning' },
    annotations: {
      summary: 'Container {{ $labels.container }} of {{ $labels.pod }} keeps restarting',
      description: `Container {{ $labels.container }} of pod {{ $labels.pod }} restarted ${CRASH_LOOP_RESTARTS} times or more within ${CRASH_LOOP_WINDOW}. Look first at \`kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} -c {{ $labels.container }} --previous\` and the last termination reason (OOMKilled, failed probe, exit code).`,
      runbook_url: runbook('PodCrashLooping'),
    },
  };
}

function highMemory(): AlertingRule {
  const byContainer = 'max by (namespace, pod, container)';
  const used = `${byContainer} (container_memory_working_set_bytes{${sel(ns, 'container!=""', 'container!="POD"')}})`;
  const limit = `${byContainer} (kube_pod_container_resource_limits{${sel(ns, 'resource="memory"')}})`;
  return {
    alert: 'HighMemory',
    expr: `${used} / ${limit} > ${MEMORY_LIMIT_ALERT_PERCENT / 100}`,
    for: '5m',
    labels: { severity: 'warning' },
    annotations: {
      summary: `{{ $labels.pod }}/{{ $labels.container }} uses more than ${percent(MEMORY_LIMIT_ALERT_PERCENT / 100)} of its memory limit`,
      description: `The working set of container {{ $labels.container }} in pod {{ $labels.pod }} has been above ${MEMORY_LIMIT_ALERT_PERCENT} % of its memory limit for 5 minutes: the kernel OOM-kills it at the limit. Look first at the dashboard's memory panel (a steady climb is a leak, a plateau an undersized limit), then at the VPA recommendation.`,
      runbook_url: runbook('HighMemory'),
    },
  };
}

export function serviceAlerts(): RuleGroup {
  return {
    name: 'petstore.alerts',
    rules: [
      ...highErrorRate(),
      ...highLatency(),
      serviceDown(),
      mlAdvisorProcessingTime(),
      podCrashLooping(),
      highMemory(),
    ],
  };
}
