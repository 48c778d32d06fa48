// Requests, latency and errors of every service (RED), against the catalog's objectives.
import { SERVICE_NAMES, SERVICES } from '../../catalog/index.ts';
import { errorRatio, HTTP_BUCKETS, HTTP_REQUESTS, quantile, sumRate } from '../../alerts/promql.ts';
import type { RowSpec } from '../panels.ts';
import { RATE, svc } from '../selectors.ts';

/** The one error-rate objective of the catalog (each service's errorRatePercent; they agree). */
export function errorObjective(): number {
  const values = new Set(SERVICE_NAMES.map((s) => SERVICES[s].slo.errorRatePercent));
  if (values.size !== 1)
    throw new Error('services have different error objectives: give the panel one line each');
  return [...values][0] as number;
}

/** p95 of each service divided by its own objective: 1 = exactly at the objective. */
function p95OverObjective(): string {
  return SERVICE_NAMES.map((s) => {
    const p95 = quantile(0.95, HTTP_BUCKETS, svc(`service="${s}"`), RATE, ['service']);
    return `${p95} / ${SERVICES[s].slo.p95Ms / 1000}`;
  }).join(' or ');
}

const objectives = SERVICE_NAMES.map((s) => `${s} ${SERVICES[s].slo.p95Ms} ms`).join(', ');

export const traffic: RowSpec = {
  title: 'Requests, latency and errors',
  panels: [
    {
      kind: 'timeseries',
      title: 'Request rate by service',
      description: 'Inbound requests per second per service (probes and /metrics excluded).',
      unit: 'reqps',
      queries: [{ expr: sumRate(HTTP_REQUESTS, svc(), RATE, ['service']), legend: '{{service}}' }],
    },
    {
      kind: 'timeseries',
      title: 'Request rate by route',
      description: 'Inbound requests per second per service, method and route template.',
      unit: 'reqps',
      queries: [
        {
          expr: sumRate(HTTP_REQUESTS, svc(), RATE, ['service', 'method', 'route']),
          legend: '{{service}} {{method}} {{route}}',
        },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Latency p50 / p95 / p99',
      description:
        'Request duration percentiles per service, from the request histogram (interpolated within buckets).',
      unit: 's',
      queries: [0.5, 0.95, 0.99].map((q) => ({
        expr: quantile(q, HTTP_BUCKETS, svc(), RATE, ['service']),
        legend: `{{service}} p${q * 100}`,
      })),
    },
    {
      kind: 'timeseries',
      title: 'p95 against its objective',
      description: `Each service's p95 divided by its own objective (${objectives}). Above 1 for 5 minutes fires HighLatency.`,
      unit: 'percentunit',
      queries: [{ expr: p95OverObjective(), legend: '{{service}}' }],
      thresholds: [{ value: 1, color: 'red' }],
    },
    {
      kind: 'timeseries',
      title: 'Error rate (5xx share) by service',
      description: `Share of requests answered 5xx per service. Above ${errorObjective()} % for 2 minutes fires HighErrorRate.`,
      unit: 'percentunit',
      queries: [{ expr: errorRatio(svc(), RATE, ['service']), legend: '{{service}}' }],
      thresholds: [{ value: errorObjective() / 100, color: 'red' }],
      min: 0,
    },
    {
      kind: 'timeseries',
      title: 'Error rate by route',
      description: 'Share of requests answered 5xx per service and route: where the errors come from.',
      unit: 'percentunit',
      queries: [{ expr: errorRatio(svc(), RATE, ['service', 'route']), legend: '{{service}} {{route}}' }],
      thresholds: [{ value: errorObjective() / 100, color: 'red' }],
      min: 0,
    },
  ],
};
