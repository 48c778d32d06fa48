// Options every scenario shares; scenarios add their own `scenarios` and thresholds.
import type { Options } from 'k6/options';
import type { Thresholds } from './slo.ts';

/** Statistics the summary (and thresholds on them) report for every trend. */
export const TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'];

export function baseOptions(scenarios: NonNullable<Options['scenarios']>, thresholds: Thresholds): Options {
  return { scenarios, thresholds, summaryTrendStats: TREND_STATS, setupTimeout: '60s' };
}
