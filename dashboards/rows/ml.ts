// The ML advisor: traffic, speed, confidence, fallbacks and accuracy per A/B variant.
import { METRICS, ML_MAX_PROCESSING_P95_MS } from '../../catalog/index.ts';
import { mean, quantile, shareOf, sumRate } from '../../alerts/promql.ts';
import type { RowSpec } from '../panels.ts';
import { RATE, svc } from '../selectors.ts';

const M = METRICS;

export const ml: RowSpec = {
  title: 'ML advisor (A/B variants)',
  panels: [
    {
      kind: 'timeseries',
      title: 'Recommendations by variant',
      description:
        'Recommendation answers per second by A/B variant, split by whether the rules fallback answered.',
      unit: 'reqps',
      queries: [
        {
          expr: sumRate(M.recommendations.name, svc(), RATE, ['variant', 'fallback']),
          legend: '{{variant}} fallback={{fallback}}',
        },
      ],
      stacked: true,
    },
    {
      kind: 'timeseries',
      title: 'Processing time p95 by variant',
      description: `p95 time to produce a recommendation per variant. Above ${ML_MAX_PROCESSING_P95_MS} ms for 3 minutes fires MLAdvisorHighProcessingTime.`,
      unit: 's',
      queries: [
        {
          expr: quantile(0.95, `${M.recommendationDuration.name}_bucket`, svc(), RATE, ['variant']),
          legend: '{{variant}}',
        },
      ],
      thresholds: [{ value: ML_MAX_PROCESSING_P95_MS / 1000, color: 'red' }],
    },
    {
      kind: 'timeseries',
      title: 'Mean confidence by variant',
      description: 'Mean confidence score (0..1) of the recommendations served, per variant.',
      unit: 'percentunit',
      queries: [
        { expr: mean(M.recommendationConfidence.name, svc(), RATE, ['variant']), legend: '{{variant}}' },
      ],
      min: 0,
      max: 1,
    },
    {
      kind: 'timeseries',
      title: 'Fallback share by variant',
      description:
        'Share of recommendations answered by the rules fallback instead of the model, per variant.',
      unit: 'percentunit',
      queries: [
        {
          expr: shareOf(M.recommendations.name, svc(), 'fallback="true"', RATE, ['variant']),
          legend: '{{variant}}',
        },
      ],
      min: 0,
    },
    {
      kind: 'timeseries',
      title: 'Fallbacks by reason',
      description:
        'Fallbacks per second by service and reason: ml-advisor (model_error, timeout) and the storefront, which answers by rules when the advisor is unavailable, slow or its circuit is open.',
      unit: 'ops',
      queries: [
        {
          expr: sumRate(M.recommendationFallbacks.name, svc(), RATE, ['service', 'reason']),
          legend: '{{service}} {{reason}}',
        },
      ],
    },
    {
      kind: 'bargauge',
      title: 'Offline accuracy by variant',
      description:
        "Hit rate at k of each model variant on the shipped evaluation set, measured at the advisor's start.",
      unit: 'percentunit',
      queries: [
        { expr: `max by (variant) (${M.modelOfflineAccuracy.name}{${svc()}})`, legend: '{{variant}}' },
      ],
      min: 0,
      max: 1,
    },
  ],
};
