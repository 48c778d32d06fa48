// POST /orders: one order per Idempotency-Key. The order row and its key are committed together, so a
// retried request (the first one's process died, or it answered 5xx) finds the order the first one
// created and finishes it, instead of creating a second one. With a key, an order that failed for a
// reason on our side (a dependency down, a crash: 5xx without a key) answers a final 409 order_failed:
// retrying that key can never change the outcome, and a 5xx would invite retries (and trip callers'
// circuit breakers) for nothing.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { currentContext } from '../kit/context.ts';
import { retryLater, type Database, type IdempotentCall, type Reply } from '../kit/index.ts';
import { FINAL, type OrderRow, type OrderStore } from './order-store.ts';
import { SagaFailure, type OrderSaga } from './saga.ts';
import type { CreateOrderBody } from './contract.ts';
import { orderView } from './view.ts';

/** How long a retried request waits for another driver to finish its order before "retry later". */
const RESUME_WAIT_MS = 3_000;

export interface CheckoutDeps {
  db: Database;
  store: OrderStore;
  saga: OrderSaga;
  /** Orders this process is driving right now (recovery leaves them alone). */
  driving: Set<string>;
}

export class Checkout {
  private readonly d: CheckoutDeps;

  constructor(deps: CheckoutDeps) {
    this.d = deps;
  }

  async place(body: CreateOrderBody, call: IdempotentCall | undefined): Promise<Reply> {
    const started = performance.now();
    if (call?.resource) return this.resume(call.resource, started);
    const id = `ORD-${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;
    const order = await this.d.db.transaction(async (tx) => {
      const row = await this.d.store.create(
        {
          id,
          correlation_id: currentContext()?.correlationId ?? 'none',
          customer_id: body.customer_id,
          items: body.items,
          shipping_address: body.shipping_address,
          idempotency_key: call?.key,
        },
        tx,
      );
      if (call) await call.bind(tx, id);
      return row;
    });
    return this.drive(id, async () => {
      try {
        return confirmed(await this.d.saga.run(order), started);
      } catch (err) {
        throw call ? keyedFailure(err) : err;
      }
    });
  }

  /** The order a previous request with the same key created: finish it (or wait for its driver). */
  private async resume(id: string, started: number): Promise<Reply> {
    const deadline = Date.now() + RESUME_WAIT_MS;
    let order = await this.d.store.get(id);
    while (order && !FINAL.includes(order.status)) {
      const claimed = this.d.driving.has(id) ? undefined : await this.d.store.claim(id);
      if (claimed) {
        order = await this.drive(id, () => this.d.saga.resume(claimed));
        break;
      }
      if (Date.now() > deadline) break;
      await sleep(200);
      order = await this.d.store.get(id);
    }
    if (!order) throw new Error(`order ${id} bound to an idempotency key does not exist`);
    try {
      return answer(order, started);
    } catch (err) {
      throw keyedFailure(err);
    }
  }

  private async drive<T>(id: string, fn: () => Promise<T>): Promise<T> {
    this.d.driving.add(id);
    try {
      return await fn();
    } finally {
      this.d.driving.delete(id);
    }
  }
}

/** A saga failure as a keyed request is answered: final, 4xx (see the header). */
function keyedFailure(err: unknown): unknown {
  if (!(err instanceof SagaFailure) || err.status < 500) return err;
  return new SagaFailure(
    409,
    'order_failed',
    `the order failed (${err.code}: ${err.message}) and was rolled back; a new order needs a new Idempotency-Key`,
    { ...err.details, failure: { code: err.code, reason: err.message } },
  );
}

function confirmed(order: OrderRow, started: number): Reply {
  return {
    status: 201,
    body: orderView(order, { processing_time_ms: Math.round(performance.now() - started) }),
  };
}

/** The answer an order gives as it stands: confirmed, its failure, or "still in progress". */
function answer(order: OrderRow, started: number): Reply {
  if (order.status === 'confirmed') return confirmed(order, started);
  if (order.failure_code) {
    throw new SagaFailure(
      order.failure_status ?? 500,
      order.failure_code,
      order.failure_reason ?? order.failure_code,
      { order_id: order.id, status: order.status },
    );
  }
  const leaseMs = Math.max(0, order.lease_until.getTime() - Date.now());
  throw retryLater(409, 'order_in_progress', `order ${order.id} is still being processed; retry`, leaseMs, {
    order_id: order.id,
    status: order.status,
  });
}
