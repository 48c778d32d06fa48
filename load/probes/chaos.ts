// The checkout load behind `make chaos` (tools/chaos): orders at a constant rate, each under its own
// Idempotency-Key, through the order service and (a quarter) the storefront, while the chaos loop
// kills order, payment and inventory processes. Every client behaves as a careful one must: lost
// requests, 5xx and "retry after" answers are sent again with the same key and body until a final
// answer. On top of that some keys are sent twice at once, and some are replayed after their final
// answer, which must then name the same order with the same status. A share carries faults through
// the X-Fault header (declines, bank errors, fraud rejections, latency, payment unavailable).
// Each key's outcome is one console line (`{"chaos":"answer",...}`), which the runner reads from k6's
// log file; the audit checks that every order a client was told about is the key's one order.
// CHAOS_SECONDS (default 120) and CHAOS_RATE (orders per second, default 6) size the run.
import http from 'k6/http';
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { largeCart, smallCart } from '../lib/carts.ts';
import { correlationId } from '../lib/correlation.ts';
import { baseUrl } from '../lib/env.ts';
import { FAULT_HEADER, injectAt } from '../lib/faults.ts';
import {
  IDEMPOTENCY_HEADER,
  idempotencyKey,
  mustRetry,
  sendWithRetries,
  type KeyedAnswer,
} from '../lib/idempotency.ts';
import type { Response } from '../lib/response.ts';
import { jsonBody } from '../lib/store.ts';

// k6 provides console (its lines go to --log-output); @types/k6 does not declare it.
declare const console: { log(...data: unknown[]): void };

const SECONDS = Number(__ENV['CHAOS_SECONDS'] ?? '120');
const RATE = Number(__ENV['CHAOS_RATE'] ?? '6');
const STOREFRONT_SHARE = 0.25;
const LARGE_SHARE = 0.2;
const REPLAY_SHARE = 0.3;
const DUPLICATE_SHARE = 0.1;
/** A client keeps retrying one key this long: beyond a kill, a restart and a saga lease. */
const KEY_DEADLINE_SECONDS = 60;
/** Faults by iteration index (mod 20): 8 in 20 orders carry one. */
const FAULTS: Readonly<Record<number, string>> = {
  0: 'payment.decline',
  1: 'payment.decline',
  2: 'payment.bank_error',
  3: 'payment.latency_ms=2000',
  4: 'payment.latency_ms=2000',
  5: 'inventory.latency_ms=1000',
  6: 'payment.unavailable',
  7: 'payment.fraud_reject',
};

export const options: Options = {
  scenarios: {
    checkout: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: `${SECONDS}s`,
      preAllocatedVUs: 10,
      maxVUs: 120,
      gracefulStop: `${KEY_DEADLINE_SECONDS * 2 + 10}s`,
    },
  },
  summaryTrendStats: ['med', 'p(95)', 'count'],
};

interface Outcome {
  status: number;
  error: string | null;
  order_id: string | null;
  attempts: number;
  /** Not lost, not 5xx, no Retry-After: the key's outcome. */
  final: boolean;
}

function outcome({ res, attempts }: KeyedAnswer): Outcome {
  const body = jsonBody(res);
  const orderId = body?.['order_id'];
  return {
    status: res.status,
    error: typeof body?.['error'] === 'string' ? body['error'] : null,
    order_id: typeof orderId === 'string' ? orderId : null,
    attempts,
    final: !mustRetry(res),
  };
}

export default function (): void {
  const i = exec.scenario.iterationInTest;
  const via = injectAt(i, STOREFRONT_SHARE) ? 'petstore' : 'order';
  const customer = `chaos-${i % 97}`;
  const cart = injectAt(i, LARGE_SHARE) ? largeCart() : smallCart();
  const body = JSON.stringify({ customer_id: customer, items: cart.items });
  const key = idempotencyKey();
  const fault = FAULTS[i % 20];
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-Correlation-ID': correlationId(),
    [IDEMPOTENCY_HEADER]: key,
    ...(fault ? { [FAULT_HEADER]: fault } : {}),
  };
  const url = `${baseUrl(via)}/orders`;
  const tags = { target: via, op: 'place_order', name: 'POST /orders' };
  const send = (): Response => http.post(url, body, { headers, timeout: '15s', tags });
  const policy = { attempts: 1000, deadlineSeconds: KEY_DEADLINE_SECONDS };

  // A tenth are sent twice at once: one executes, the other waits (409 + Retry-After), then both
  // must get the same outcome.
  const req = { method: 'POST', url, body, params: { headers, timeout: '15s', tags } } as const;
  const first = injectAt(i, DUPLICATE_SHARE)
    ? (http.batch([req, req]) as Response[]).map((res) => sendWithRetries(send, policy, res))
    : [sendWithRetries(send, policy)];
  const replayed = injectAt(i, REPLAY_SHARE) ? sendWithRetries(send, policy) : undefined;
  console.log(
    JSON.stringify({
      chaos: 'answer',
      via,
      customer_id: customer,
      key,
      fault: fault ?? null,
      answers: first.map(outcome),
      replay: replayed ? outcome(replayed) : null,
    }),
  );
}
