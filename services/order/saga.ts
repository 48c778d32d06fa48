// The order saga: reserve stock -> charge payment -> commit stock -> confirm; on failure compensate
// (void the payment, release the reservation) and end 'failed' with a reason. Each step is persisted
// before the next call, and every downstream call is idempotent (fixed reservation id, the order id
// as payment Idempotency-Key), so a saga interrupted anywhere can be finished by recovery:
//   pending | reserved | compensating -> compensate;  paid -> roll forward (commit, confirm).
// Once paid, only a definite refusal of the commit (409: the reservation expired) compensates; a
// commit that got no answer may have happened, so it is retried until it answers (make chaos found
// orders refunded while their stock was sold when an unanswered commit was compensated).
import type { Metrics } from '../kit/metrics.ts';
import { HttpError, retryLater, type ServiceClient } from '../kit/index.ts';
import type { AuditLog } from '../kit/audit.ts';
import type { OrderItem, OrderRow, OrderStore } from './order-store.ts';
import { toCents, toDollars } from '../kit/money.ts';

export type OrderAuditEvent =
  | 'order_creation_started'
  | 'order_inventory_reserved'
  | 'order_payment_completed'
  | 'order_inventory_committed'
  | 'order_creation_completed'
  | 'order_creation_failed'
  | 'order_compensation_started'
  | 'order_compensated'
  | 'order_compensation_deferred'
  | 'order_step_failed'
  | 'order_recovered';

interface ReservationAnswer {
  reservation_id: string;
  total_amount: number;
  items: { product_id: string; quantity: number; unit_price: number }[];
}
interface PaymentAnswer {
  payment_id: string;
  status: string;
}
interface ErrorAnswer {
  error: string;
  message: string;
}

/** Who an order's audit lines are about. */
type Who = { order_id: string; customer_id: string } & Record<string, unknown>;

/** Why a saga ended failed: the status code to answer with and a stable error code. */
export class SagaFailure extends HttpError {}

export interface SagaDeps {
  store: OrderStore;
  inventory: ServiceClient;
  payment: ServiceClient;
  audit: AuditLog<OrderAuditEvent>;
  metrics: Metrics;
}

export class OrderSaga {
  private readonly d: SagaDeps;

  constructor(deps: SagaDeps) {
    this.d = deps;
  }

  /** Runs a new order to its end. Resolves with the confirmed order or throws a SagaFailure. */
  async run(order: OrderRow): Promise<OrderRow> {
    const who = { order_id: order.id, customer_id: order.customer_id };
    this.d.audit.emit('order_creation_started', { ...who, items: order.items });
    const reservation = await this.reserveStock(order, who);
    const paid = await this.chargePayment(reservation.order, reservation.totalCents, who);
    return this.commitAndConfirm(paid);
  }

  /** Step 1: the order's reservation, its priced items and total persisted; or the saga fails. */
  private async reserveStock(order: OrderRow, who: Who): Promise<{ order: OrderRow; totalCents: number }> {
    const { store } = this.d;
    // 1. Reserve (prices come from inventory).
    let reserved, reserveMs;
    try {
      ({ res: reserved, ms: reserveMs } = await this.timed('reserve_inventory', who, () =>
        this.d.inventory.call<ReservationAnswer | ErrorAnswer>({
          method: 'POST',
          path: '/reservations',
          operation: 'reserve',
          idempotent: true,
          body: {
            reservation_id: order.reservation_id,
            order_id: order.id,
            // A resumed saga's items already carry prices; the reservation wants the cart only.
            items: order.items.map(({ product_id, quantity }) => ({ product_id, quantity })),
          },
        }),
      ));
    } catch (err) {
      // Unknown whether the reservation happened: release it (or tombstone it) while compensating.
      return this.fail(order, err, { release: true, void: false });
    }
    if (reserved.status === 409 || reserved.status === 422) {
      const e = reserved.body as ErrorAnswer;
      return this.fail(order, new SagaFailure(reserved.status, e.error, e.message, { ...e }), {
        release: false,
        void: false,
      });
    }
    if (reserved.status >= 400)
      return this.fail(order, unexpected('inventory', reserved.status), { release: true, void: false });
    const r = reserved.body as ReservationAnswer;
    const items: OrderItem[] = r.items.map((i) => ({
      product_id: i.product_id,
      quantity: i.quantity,
      unit_price: i.unit_price,
    }));
    const totalCents = toCents(r.total_amount);
    order = await store.transition(order, {
      status: 'reserved',
      step: 'inventory_reserved',
      total_cents: totalCents,
      items,
    });
    this.d.audit.emit('order_inventory_reserved', {
      ...who,
      reservation_id: order.reservation_id,
      total_amount: r.total_amount,
      operation: 'reserve_inventory',
      duration_ms: reserveMs,
      outcome: 'success',
    });
    return { order, totalCents };
  }

  /** Step 2: the payment for the reserved total, persisted as 'paid'; or the saga fails. */
  private async chargePayment(order: OrderRow, totalCents: number, who: Who): Promise<OrderRow> {
    const { store } = this.d;
    // 2. Charge.
    let charged, chargeMs;
    try {
      ({ res: charged, ms: chargeMs } = await this.timed('process_payment', who, () =>
        this.d.payment.call<PaymentAnswer | ErrorAnswer>({
          method: 'POST',
          path: '/payments',
          operation: 'charge',
          idempotent: true,
          headers: { 'idempotency-key': order.id },
          body: { order_id: order.id, customer_id: order.customer_id, amount: toDollars(totalCents) },
        }),
      ));
    } catch (err) {
      return this.fail(order, err, { release: true, void: true });
    }
    if (charged.status !== 201) {
      const e = charged.body as ErrorAnswer;
      const failure =
        charged.status === 402
          ? new SagaFailure(402, e.error, e.message)
          : unexpected('payment', charged.status, e?.message);
      return this.fail(order, failure, { release: true, void: true });
    }
    const paymentId = (charged.body as PaymentAnswer).payment_id;
    order = await store.transition(order, {
      status: 'paid',
      step: 'payment_processed',
      payment_id: paymentId,
    });
    this.d.audit.emit('order_payment_completed', {
      ...who,
      payment_id: paymentId,
      amount: toDollars(totalCents),
      operation: 'process_payment',
      duration_ms: chargeMs,
      outcome: 'success',
    });
    return order;
  }

  /**
   * Finishes an order for a client that retried its request (same Idempotency-Key) after the first
   * driver died: the client still wants the order, so a saga that had not yet charged rolls forward
   * from where it stopped (every step is idempotent); one that was paid or compensating is finished
   * as recovery would. Resolves with the order as it ended (failures included).
   */
  async resume(order: OrderRow): Promise<OrderRow> {
    if (order.status !== 'pending' && order.status !== 'reserved') return this.recover(order);
    this.d.audit.emit(
      'order_recovered',
      { order_id: order.id, found_status: order.status, resolution: 'resume' },
      order.correlation_id,
    );
    try {
      return await this.run(order);
    } catch (err) {
      if (err instanceof HttpError) return (await this.d.store.get(order.id)) as OrderRow;
      throw err;
    }
  }

  /** Finishes a saga whose driver died, from the state it was left in. */
  async recover(order: OrderRow): Promise<OrderRow> {
    const resolution = order.status === 'paid' ? 'roll_forward' : 'compensate';
    this.d.audit.emit(
      'order_recovered',
      { order_id: order.id, found_status: order.status, resolution },
      order.correlation_id,
    );
    try {
      const done =
        order.status === 'paid'
          ? await this.commitAndConfirm(order)
          : await this.fail(order, this.interruption(order), {
              release: true,
              void: order.status !== 'pending',
            });
      this.d.metrics.counter('sagasRecovered').inc({ resolution: 'confirmed' });
      return done;
    } catch (err) {
      if (err instanceof HttpError) {
        const now = (await this.d.store.get(order.id)) as OrderRow;
        // Still 'compensating' means a dependency is down: the next recovery round tries again.
        if (now.status === 'failed')
          this.d.metrics.counter('sagasRecovered').inc({ resolution: 'compensated' });
        return now;
      }
      throw err;
    }
  }

  /** The failure an interrupted saga ends with: the original cause if compensation had started. */
  private interruption(order: OrderRow): SagaFailure {
    return order.status === 'compensating' && order.failure_code
      ? new SagaFailure(500, order.failure_code, order.failure_reason ?? order.failure_code)
      : new SagaFailure(500, 'saga_interrupted', 'order processing was interrupted and rolled back');
  }

  private async commitAndConfirm(order: OrderRow): Promise<OrderRow> {
    const who = { order_id: order.id, customer_id: order.customer_id };
    let committed, commitMs;
    try {
      ({ res: committed, ms: commitMs } = await this.timed('commit_inventory', who, () =>
        this.d.inventory.call<ErrorAnswer>({
          method: 'POST',
          path: `/reservations/${order.reservation_id}/commit`,
          operation: 'commit',
          idempotent: true,
        }),
      ));
    } catch (err) {
      // No answer (inventory down, timing out): the commit may well have happened. A paid order only
      // rolls forward: compensating now would refund a customer whose stock is sold (a committed
      // reservation cannot be released). It stays 'paid'; recovery retries the idempotent commit
      // once the lease expires, and the client is told to come back for the outcome.
      throw commitPending(order, err);
    }
    if (committed.status !== 200) {
      const e = committed.body;
      const failure =
        committed.status === 409
          ? new SagaFailure(409, e.error, e.message)
          : unexpected('inventory', committed.status, e?.message);
      return this.fail(order, failure, { release: true, void: true });
    }
    order = await this.d.store.transition(order, { status: 'confirmed', step: 'order_confirmed' });
    this.d.audit.emit('order_inventory_committed', {
      ...who,
      reservation_id: order.reservation_id,
      operation: 'commit_inventory',
      duration_ms: commitMs,
      outcome: 'success',
    });
    const total = toDollars(order.total_cents ?? 0);
    this.d.metrics.counter('orders').inc({ outcome: 'confirmed' });
    this.d.metrics.counter('orderRevenue').inc({}, total);
    this.d.audit.emit('order_creation_completed', {
      ...who,
      status: 'confirmed',
      total_amount: total,
      payment_id: order.payment_id,
      reservation_id: order.reservation_id,
      operation: 'create_order',
      duration_ms: Date.now() - order.created_at.getTime(),
      outcome: 'success',
    });
    return order;
  }

  /**
   * Compensates and ends the order failed, then throws the failure. If a compensating call cannot be
   * made now (its service is down), the order stays 'compensating' and recovery finishes it later.
   */
  private async fail(
    order: OrderRow,
    cause: unknown,
    undo: { release: boolean; void: boolean },
  ): Promise<never> {
    const failure =
      cause instanceof HttpError
        ? cause
        : new SagaFailure(500, 'internal_error', (cause as Error)?.message ?? String(cause));
    const who = { order_id: order.id, customer_id: order.customer_id };
    await this.d.store.transition(order, {
      status: 'compensating',
      step: 'compensation_started',
      failure_code: failure.code,
      failure_reason: failure.message,
      failure_status: failure.status,
    });
    this.d.audit.emit('order_compensation_started', { ...who, reason: failure.code });
    // Each compensation is attempted even if another fails (stock goes back on sale while payment is
    // down); the order ends 'failed' only when all succeeded, otherwise recovery retries later.
    const undos: [boolean, string, () => Promise<{ status: number }>][] = [
      [
        undo.void,
        'void_payment',
        () =>
          this.d.payment.call({
            method: 'POST',
            path: '/payments/void',
            operation: 'void',
            idempotent: true,
            body: { idempotency_key: order.id, reason: `order failed: ${failure.code}` },
          }),
      ],
      [
        undo.release,
        'release_inventory',
        () =>
          this.d.inventory.call({
            method: 'POST',
            path: `/reservations/${order.reservation_id}/release`,
            operation: 'release',
            idempotent: true,
            body: { reason: `order failed: ${failure.code}` },
          }),
      ],
    ];
    const problems: string[] = [];
    for (const [wanted, step, call] of undos) {
      if (!wanted) continue;
      try {
        const res = await call();
        if (res.status >= 400) throw new Error(`HTTP ${res.status}`);
        this.d.metrics.counter('sagaCompensations').inc({ step, reason: failure.code });
      } catch (err) {
        problems.push(`${step}: ${(err as Error).message}`);
      }
    }
    if (problems.length) {
      this.d.audit.emit('order_compensation_deferred', { ...who, reason: problems.join('; ') });
      throw Object.assign(failure, {
        details: { ...failure.details, order_id: order.id, status: 'compensating' },
      });
    }
    await this.d.store.transition(order, { status: 'failed', step: 'compensated' });
    if (undo.void || undo.release) this.d.audit.emit('order_compensated', { ...who, reason: failure.code });
    this.d.metrics.counter('orders').inc({ outcome: 'failed' });
    this.d.audit.emit('order_creation_failed', {
      ...who,
      status: 'failed',
      reason: failure.code,
      message: failure.message,
      operation: 'create_order',
      duration_ms: Date.now() - order.created_at.getTime(),
      outcome: 'failure',
      error_type: failure.code,
    });
    throw Object.assign(failure, { details: { ...failure.details, order_id: order.id, status: 'failed' } });
  }

  /**
   * Times a downstream step. Successful steps report their duration on the step's audit event;
   * failed ones emit order_step_failed, so the analytics plugin sees every step's latency and errors.
   */
  private async timed<T extends { status: number }>(
    operation: string,
    who: Record<string, unknown>,
    fn: () => Promise<T>,
  ): Promise<{ res: T; ms: number }> {
    const started = performance.now();
    const fields = (errorType: string) => ({
      ...who,
      operation,
      duration_ms: Math.round(performance.now() - started),
      outcome: 'failure',
      error_type: errorType,
    });
    try {
      const res = await fn();
      if (res.status >= 400) this.d.audit.emit('order_step_failed', fields(`http_${res.status}`));
      return { res, ms: Math.round(performance.now() - started) };
    } catch (err) {
      this.d.audit.emit('order_step_failed', fields((err as HttpError).code ?? 'error'));
      throw err;
    }
  }
}

function commitPending(order: OrderRow, cause: unknown): HttpError {
  return retryLater(
    409,
    'order_in_progress',
    `order ${order.id} is paid; committing its stock failed (${(cause as Error)?.message ?? String(cause)}) and is retried`,
    Math.max(0, order.lease_until.getTime() - Date.now()),
    { order_id: order.id, status: order.status },
  );
}

function unexpected(dependency: string, status: number, message?: string): SagaFailure {
  return new SagaFailure(
    502,
    'dependency_error',
    `${dependency} answered HTTP ${status}${message ? `: ${message}` : ''}`,
  );
}
