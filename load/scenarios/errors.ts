// Errors: 15 % of orders carry `X-Fault: payment.decline`, so the payment service declines them and
// the order saga compensates (402, order "failed"). Those are intended failures: the order failure
// rate must land within 3 points of 15 %, every declined order must answer exactly as intended, and
// any 5xx is unintended and fails the run. Needs the services started with FAULT_HEADERS_ENABLED=true.
import exec from 'k6/execution';
import { SCALE } from '../lib/env.ts';
import { injectAt } from '../lib/faults.ts';
import { baseOptions } from '../lib/options.ts';
import { NO_SERVER_ERRORS, sloThresholds } from '../lib/slo.ts';
import { stat, summaryFor } from '../lib/summary.ts';
import { buy, EXPECTED_SECONDS } from '../lib/transactions.ts';

export const ERROR_SHARE = 0.15;
const TOLERANCE = 0.03;
const rate = SCALE.rate(10);

export const options = baseOptions(
  {
    errors: {
      executor: 'constant-arrival-rate',
      exec: 'placeOrderMaybeDeclined',
      rate,
      timeUnit: '1s',
      duration: SCALE.duration(300),
      ...SCALE.arrivalVus(rate, EXPECTED_SECONDS.smallOrder),
    },
  },
  {
    // 402 is the expected status of a declined order (and only of those), so http_req_failed counts
    // exactly the unintended answers.
    ...sloThresholds(['order']),
    ...NO_SERVER_ERRORS,
    order_failures: [`rate>${ERROR_SHARE - TOLERANCE}`, `rate<${ERROR_SHARE + TOLERANCE}`],
  },
);

export function placeOrderMaybeDeclined(): void {
  buy({ size: 'small', decline: injectAt(exec.scenario.iterationInTest, ERROR_SHARE) });
}

export const handleSummary = summaryFor('errors', (data) => ({
  targetErrorRatePercent: ERROR_SHARE * 100,
  observedErrorRatePercent: percent(stat(data, 'order_failures', 'rate')),
  unintendedOutcomePercent: percent(stat(data, 'unintended_outcomes', 'rate')),
  serverErrors: stat(data, 'server_errors', 'count') ?? 0,
}));

function percent(rate: number | undefined): number | undefined {
  return rate === undefined ? undefined : Math.round(rate * 10000) / 100;
}
