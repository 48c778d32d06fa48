// The load behind the observability live proof (test/observability/live-proof.ts, make observe-test):
// a short mix that makes every series the dashboard and the alerts read exist, faults included.
//   journeys     customer journeys through the storefront, every fourth one with a declined payment
//                (orders, revenue, payments, fraud checks, deliveries, saga compensations, funnel)
//   errors       inventory reservations carrying X-Fault inventory.error: 5xx that HighErrorRate sees
//                (faults apply to business routes; stock reads are not one)
//   degraded     recommendations with a failing or slow model (fallbacks by reason) and orders whose
//                reservation fails half the time (the order service retries its keyed reserve call)
//   burst        one burst of parallel checkouts held by a slow, then refusing order service
//                (the storefront's bulkhead for order overflows: rejections)
//   refund       one small order, then its payment refunded
// OBSERVE_SECONDS (default 20) sets the length. Nothing here is a gate: the proof judges the metrics.
import { check } from 'k6';
import http from 'k6/http';
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { PRODUCTS } from '../../catalog/products.ts';
import { smallCart } from '../lib/carts.ts';
import { correlationId } from '../lib/correlation.ts';
import { baseUrl } from '../lib/env.ts';
import { FAULT_HEADER } from '../lib/faults.ts';
import { customerOf, parseProfiles, walkJourney, type CustomerProfile } from '../lib/journey.ts';
import { jsonBody, placeOrder } from '../lib/store.ts';
import { getProfiles, getRecommendations } from '../lib/storefront.ts';

const SECONDS = Number(__ENV['OBSERVE_SECONDS'] ?? '20');
const BURST = 260; // more than the storefront's bulkhead for order holds (64 running + 128 queued)

const rate = (exec: string, perSecond: number) => ({
  executor: 'constant-arrival-rate' as const,
  exec,
  rate: perSecond,
  timeUnit: '1s',
  duration: `${SECONDS}s`,
  preAllocatedVUs: 4,
  maxVUs: 20,
});

export const options: Options = {
  scenarios: {
    journeys: rate('journey', 2),
    errors: rate('failingReservation', 6),
    degraded: rate('degraded', 3),
    burst: { executor: 'per-vu-iterations', exec: 'burst', vus: 1, iterations: 1, startTime: '3s' },
    refund: { executor: 'per-vu-iterations', exec: 'refund', vus: 1, iterations: 1, startTime: '2s' },
  },
  batch: BURST,
  batchPerHost: BURST,
  summaryTrendStats: ['med', 'p(95)', 'count'],
};

export function setup(): readonly CustomerProfile[] {
  return parseProfiles(jsonBody(getProfiles({ correlationId: correlationId() })));
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;
const iteration = () => exec.scenario.iterationInTest;

export function journey(profiles: readonly CustomerProfile[]): void {
  walkJourney(pick(profiles), iteration() % 4 === 3 ? 'declined' : 'purchase');
}

export function failingReservation(): void {
  const res = http.post(
    `${baseUrl('inventory')}/reservations`,
    JSON.stringify({ items: [{ product_id: pick(PRODUCTS).sku, quantity: 1 }] }),
    {
      headers: {
        'Content-Type': 'application/json',
        [FAULT_HEADER]: 'inventory.error',
        'X-Correlation-ID': correlationId(),
      },
      tags: { name: 'POST /reservations (failing)' },
      responseCallback: http.expectedStatuses(500),
    },
  );
  check(res, { 'injected 5xx': (r) => r.status === 500 });
}

export function degraded(profiles: readonly CustomerProfile[]): void {
  const call = (fault: string) => ({ correlationId: correlationId(), fault });
  const customer = customerOf(pick(profiles));
  switch (iteration() % 3) {
    case 0:
      getRecommendations(customer, 3, call('ml-advisor.model_error'));
      break;
    case 1:
      getRecommendations(customer, 3, call('ml-advisor.model_latency_ms=600'));
      break;
    default:
      placeOrder({ customer_id: customer, items: smallCart().items }, 'small', {
        ...call('inventory.error=0.5'),
        expect: [201, 402, 409, 503],
      });
  }
}

export function burst(): void {
  // The order service holds each checkout 2 s and then refuses it (503, no order is created), so all
  // of them are in flight at once and the storefront's bulkhead for order overflows.
  const headers = {
    'Content-Type': 'application/json',
    [FAULT_HEADER]: 'order.latency_ms=2000,order.unavailable',
    'X-Correlation-ID': correlationId(),
  };
  const responses = http.batch(
    Array.from({ length: BURST }, () => ({
      method: 'POST',
      url: `${baseUrl('petstore')}/orders`,
      body: JSON.stringify({ customer_id: 'probe-burst', items: smallCart().items }),
      params: { headers, timeout: '30s', tags: { name: 'POST /orders (burst)' } },
    })),
  );
  check(responses, { 'burst answered': (rs) => rs.every((r) => r.status > 0) });
}

export function refund(): void {
  const cid = correlationId();
  const order = jsonBody(
    placeOrder({ customer_id: 'probe-refund', items: smallCart().items }, 'small', { correlationId: cid }),
  );
  const paymentId = (order?.['trace_info'] as { payment_id?: string } | undefined)?.payment_id;
  if (!paymentId) return void check(order, { 'refund: order confirmed with a payment': () => false });
  const res = http.post(
    `${baseUrl('payment')}/payments/${encodeURIComponent(paymentId)}/refund`,
    JSON.stringify({ reason: 'observability probe' }),
    {
      headers: { 'Content-Type': 'application/json', 'X-Correlation-ID': cid },
      tags: { name: 'POST /payments/{id}/refund' },
    },
  );
  check(res, { refunded: (r) => r.status === 200 });
}
