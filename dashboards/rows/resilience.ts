// Calls between services: outcomes, latency, retries, circuit breakers, bulkheads, injected faults.
import { METRICS } from '../../catalog/index.ts';
import { quantile, sumRate } from '../../alerts/promql.ts';
import type { RowSpec } from '../panels.ts';
import { RATE, svc } from '../selectors.ts';

const CLIENT = METRICS.httpClientDuration.name;

export const resilience: RowSpec = {
  title: 'Downstream calls, circuit breakers and retries',
  panels: [
    {
      kind: 'timeseries',
      title: 'Downstream calls by outcome',
      description:
        'Calls per second from each service to each dependency, by outcome (success, http_error, timeout, circuit_open, bulkhead_full, network_error).',
      unit: 'reqps',
      queries: [
        {
          expr: sumRate(`${CLIENT}_count`, svc(), RATE, ['service', 'target', 'outcome']),
          legend: '{{service}} → {{target}} {{outcome}}',
        },
      ],
      stacked: true,
    },
    {
      kind: 'timeseries',
      title: 'Downstream call p95',
      description:
        'p95 duration of calls to each dependency, as the caller sees it (includes retries and waiting).',
      unit: 's',
      queries: [
        {
          expr: quantile(0.95, `${CLIENT}_bucket`, svc(), RATE, ['service', 'target']),
          legend: '{{service}} → {{target}}',
        },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Retries',
      description:
        'Retries per second of idempotent calls, per caller and dependency. Retries hide failures from users but add load.',
      unit: 'reqps',
      queries: [
        {
          expr: sumRate(METRICS.httpClientRetries.name, svc(), RATE, ['service', 'target']),
          legend: '{{service}} → {{target}}',
        },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Circuit breakers open',
      description:
        'Circuit breakers not closed, per caller and dependency (1 = open or half-open). While open, calls fail fast with circuit_open instead of waiting.',
      unit: 'short',
      queries: [
        {
          expr: `max by (service, target, state) (${METRICS.circuitBreakerState.name}{${svc('state!="closed"')}})`,
          legend: '{{service}} → {{target}} {{state}}',
        },
      ],
      thresholds: [{ value: 1, color: 'red' }],
      min: 0,
      max: 1,
    },
    {
      kind: 'timeseries',
      title: 'Bulkhead rejections',
      description:
        'Calls rejected because too many calls to one dependency were already in flight (64 running, 128 queued): the caller protects itself from a slow dependency.',
      unit: 'reqps',
      queries: [
        {
          expr: sumRate(METRICS.bulkheadRejections.name, svc(), RATE, ['service', 'target']),
          legend: '{{service}} → {{target}}',
        },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Faults injected',
      description:
        'Deliberate faults per second (X-Fault header, admin endpoint or FAULT_* environment), by service and fault. Always zero in the production profile.',
      unit: 'ops',
      queries: [
        {
          expr: sumRate(METRICS.faultsInjected.name, svc(), RATE, ['service', 'fault']),
          legend: '{{service}} {{fault}}',
        },
      ],
    },
  ],
};
