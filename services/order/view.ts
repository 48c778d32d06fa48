// How an order looks on the wire (GET and POST /orders alike).
import { toCents, toDollars } from '../kit/money.ts';
import type { OrderRow } from './order-store.ts';

export function orderView(o: OrderRow, extra: Record<string, unknown> = {}) {
  return {
    order_id: o.id,
    correlation_id: o.correlation_id,
    customer_id: o.customer_id,
    status: o.status,
    items: o.items.map((i) => ({
      ...i,
      ...(i.unit_price !== undefined ? { line_total: toDollars(toCents(i.unit_price) * i.quantity) } : {}),
    })),
    total_amount: o.total_cents === null ? null : toDollars(o.total_cents),
    shipping_address: o.shipping_address,
    failure: o.failure_code ? { code: o.failure_code, reason: o.failure_reason } : null,
    created_at: o.created_at.toISOString(),
    completed_at: o.completed_at?.toISOString() ?? null,
    idempotency_key: o.idempotency_key,
    trace_info: { payment_id: o.payment_id, reservation_id: o.reservation_id, steps_completed: o.steps },
    ...extra,
  };
}
