// Mixed workload: what a shop sees on a normal busy day. Buyers place orders (30 % large, 5 % declined
// on purpose through the fault header), browsers look up stock, trackers look up orders, all at once.
// Every service's SLO applies; declined orders are intended (402), 5xx never is.
// Needs FAULT_HEADERS_ENABLED=true on the services for the declines.
import { baseOptions } from '../lib/options.ts';
import { NO_SERVER_ERRORS, orderSizeThresholds, sloThresholds } from '../lib/slo.ts';
import { stat, summaryFor } from '../lib/summary.ts';
import { buyerFor, setupWorkload, workloadScenarios, type WorkloadRates } from '../lib/workload.ts';

export { browser, tracker } from '../lib/workload.ts';

const RATES: WorkloadRates = {
  buyPerSecond: 6,
  browsePerSecond: 10,
  trackPerSecond: 4,
  largeShare: 0.3,
  declineShare: 0.05,
};

export const options = baseOptions(workloadScenarios(RATES, 120), {
  ...sloThresholds(['order', 'inventory']),
  ...orderSizeThresholds(),
  ...NO_SERVER_ERRORS,
});

export const setup = setupWorkload;
export const buyer = buyerFor(RATES);

export const handleSummary = summaryFor('mixed', (data) => ({
  orderP95Ms: stat(data, 'http_req_duration{target:order}', 'p(95)'),
  inventoryP95Ms: stat(data, 'http_req_duration{target:inventory}', 'p(95)'),
  ordersConfirmed: stat(data, 'orders_confirmed', 'count') ?? 0,
  ordersFailed: stat(data, 'orders_failed', 'count') ?? 0,
}));
