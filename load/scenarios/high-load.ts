// High load: small and large orders side by side (12 per second, half of them large by default:
// above baseline and below the local knee that `stress` finds). Large orders cost more than the
// payment service's fraud-check threshold, so they pay its deliberate 500-1500 ms delay; the summary
// shows p50/p95 per size (tag `size`) and their difference, which is the fraud check made visible.
// HIGH_LOAD_LARGE_SHARE (default 0.5) sets the large orders' share: `make demo` runs mostly large
// orders, as the enterprise demo document's high-load test does.
import { SCALE } from '../lib/env.ts';
import { baseOptions } from '../lib/options.ts';
import { NO_SERVER_ERRORS, orderSizeThresholds, sloThresholds } from '../lib/slo.ts';
import { stat, summaryFor } from '../lib/summary.ts';
import { buy, EXPECTED_SECONDS } from '../lib/transactions.ts';

const ORDERS_PER_SECOND = 12;

function parseShare(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 0.5;
  const share = Number(raw);
  if (!Number.isFinite(share) || share <= 0 || share >= 1)
    throw new Error(`HIGH_LOAD_LARGE_SHARE must be a number in (0, 1), got "${raw}"`);
  return share;
}

const largeShare = parseShare(__ENV['HIGH_LOAD_LARGE_SHARE']);
// Whole orders per second on each side, at least one, so both sizes are always measured.
const largeUnscaled = Math.min(
  ORDERS_PER_SECOND - 1,
  Math.max(1, Math.round(ORDERS_PER_SECOND * largeShare)),
);
const smallRate = SCALE.rate(ORDERS_PER_SECOND - largeUnscaled);
const largeRate = SCALE.rate(largeUnscaled);
const duration = SCALE.duration(120);

export const options = baseOptions(
  {
    small_orders: {
      executor: 'constant-arrival-rate',
      exec: 'placeSmallOrder',
      rate: smallRate,
      timeUnit: '1s',
      duration,
      ...SCALE.arrivalVus(smallRate, EXPECTED_SECONDS.smallOrder),
    },
    large_orders: {
      executor: 'constant-arrival-rate',
      exec: 'placeLargeOrder',
      rate: largeRate,
      timeUnit: '1s',
      duration,
      ...SCALE.arrivalVus(largeRate, EXPECTED_SECONDS.largeOrder),
    },
  },
  { ...sloThresholds(['order']), ...orderSizeThresholds(), ...NO_SERVER_ERRORS },
);

export function placeSmallOrder(): void {
  buy({ size: 'small' });
}

export function placeLargeOrder(): void {
  buy({ size: 'large' });
}

const SMALL = 'http_req_duration{op:place_order,size:small}';
const LARGE = 'http_req_duration{op:place_order,size:large}';

export const handleSummary = summaryFor('high-load', (data) => {
  const small = { p50: stat(data, SMALL, 'med'), p95: stat(data, SMALL, 'p(95)') };
  const large = { p50: stat(data, LARGE, 'med'), p95: stat(data, LARGE, 'p(95)') };
  const diff = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? undefined : Math.round(a - b);
  return {
    smallOrderMs: small,
    largeOrderMs: large,
    // What large orders pay on top of small ones: the fraud-check delay (plus their extra items).
    largeMinusSmallMedianMs: diff(large.p50, small.p50),
    largeMinusSmallP95Ms: diff(large.p95, small.p95),
  };
});
