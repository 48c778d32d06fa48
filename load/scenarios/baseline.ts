// Baseline: a steady, modest stream of small orders. The reference every other scenario is compared
// with: latency and error rate of the order saga (order -> inventory -> payment) when nothing is hard.
import { SCALE } from '../lib/env.ts';
import { baseOptions } from '../lib/options.ts';
import { NO_SERVER_ERRORS, sloThresholds } from '../lib/slo.ts';
import { stat, summaryFor } from '../lib/summary.ts';
import { buy, EXPECTED_SECONDS } from '../lib/transactions.ts';

const rate = SCALE.rate(5);

export const options = baseOptions(
  {
    baseline: {
      executor: 'constant-arrival-rate',
      exec: 'placeSmallOrder',
      rate,
      timeUnit: '1s',
      duration: SCALE.duration(120),
      ...SCALE.arrivalVus(rate, EXPECTED_SECONDS.smallOrder),
    },
  },
  { ...sloThresholds(['order']), ...NO_SERVER_ERRORS },
);

export function placeSmallOrder(): void {
  buy({ size: 'small' });
}

export const handleSummary = summaryFor('baseline', (data) => ({
  orderP95Ms: stat(data, 'http_req_duration{target:order}', 'p(95)'),
  orderMedianMs: stat(data, 'http_req_duration{target:order}', 'med'),
}));
