// The customer journey through the storefront: funnel, conversion, failing steps, slow steps.
import { JOURNEY_STEPS, METRICS } from '../../catalog/index.ts';
import { quantile, shareOf } from '../../alerts/promql.ts';
import type { RowSpec } from '../panels.ts';
import { RANGE, RATE, svc } from '../selectors.ts';

const M = METRICS;

export const journey: RowSpec = {
  title: 'Customer journey',
  panels: [
    {
      kind: 'bargauge',
      title: 'Journey funnel',
      description: `Successful journey steps in the selected time range, in journey order (${JOURNEY_STEPS.join(' → ')}). Where the bars drop, customers leave or fail.`,
      unit: 'short',
      queries: JOURNEY_STEPS.map((step) => ({
        expr: `sum(increase(${M.journeySteps.name}{${svc(`step="${step}"`, 'outcome="success"')}}[${RANGE}]))`,
        legend: step,
      })),
      width: 8,
      height: 9,
    },
    {
      kind: 'stat',
      title: 'Conversion',
      description:
        'Journeys that ended in a confirmed order, as a share of the journeys started, over the selected range.',
      unit: 'percentunit',
      queries: [
        {
          expr: `sum(increase(${M.journeysConverted.name}{${svc()}}[${RANGE}])) / sum(increase(${M.journeysStarted.name}{${svc()}}[${RANGE}]))`,
          legend: 'conversion',
        },
      ],
      width: 4,
      height: 9,
    },
    {
      kind: 'timeseries',
      title: 'Step failure share',
      description:
        'Share of journey steps that failed, per step (degraded steps, e.g. recommendations from the fallback, are not failures).',
      unit: 'percentunit',
      queries: [
        {
          expr: shareOf(M.journeySteps.name, svc(), 'outcome="failure"', RATE, ['step']),
          legend: '{{step}}',
        },
      ],
      width: 6,
      height: 9,
      min: 0,
    },
    {
      kind: 'timeseries',
      title: 'Step duration p95',
      description: 'p95 duration of each journey step as the storefront serves it.',
      unit: 's',
      queries: [
        {
          expr: quantile(0.95, `${M.journeyStepDuration.name}_bucket`, svc(), RATE, ['step']),
          legend: '{{step}}',
        },
      ],
      width: 6,
      height: 9,
    },
  ],
};
