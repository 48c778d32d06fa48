// Order: accepts orders and drives each through the saga; recovers sagas whose driver died.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { currentContext } from '../kit/context.ts';
import { defineService, notFound } from '../kit/index.ts';
import { OrderStore, type OrderRow } from './order-store.ts';
import { OrderSaga, type OrderAuditEvent } from './saga.ts';
import { operations } from './contract.ts';
import { toCents, toDollars } from '../kit/money.ts';

export const AUDIT_EVENTS: readonly OrderAuditEvent[] = [
  'order_creation_started',
  'order_inventory_reserved',
  'order_payment_completed',
  'order_inventory_committed',
  'order_creation_completed',
  'order_creation_failed',
  'order_compensation_started',
  'order_compensated',
  'order_compensation_deferred',
  'order_step_failed',
  'order_recovered',
];

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
    trace_info: { payment_id: o.payment_id, reservation_id: o.reservation_id, steps_completed: o.steps },
    ...extra,
  };
}

export default defineService({
  name: 'order',
  config: {
    /** How long a saga driver owns an unfinished order before recovery may take it over. */
    SAGA_LEASE_MS: z.coerce.number().int().min(100).default(30_000),
    SAGA_RECOVERY_INTERVAL_MS: z.coerce.number().int().min(50).default(5_000),
  },
  auditEvents: AUDIT_EVENTS,
  migrationsDir: fileURLToPath(new URL('./migrations', import.meta.url)),
  setup(kit) {
    const { api, db, config, every, logger } = kit;
    const store = new OrderStore(db, config.SAGA_LEASE_MS);
    const saga = new OrderSaga({
      store,
      inventory: kit.client('inventory'),
      payment: kit.client('payment'),
      audit: kit.audit,
      metrics: kit.metrics,
    });
    // Orders this process is driving right now: recovery must not take them over.
    const driving = new Set<string>();

    const recover = async (): Promise<void> => {
      for (const order of await store.claimAbandoned(20, [...driving])) {
        driving.add(order.id);
        try {
          const done = await saga.recover(order);
          logger.info({ order_id: order.id, from: order.status, to: done.status }, 'saga recovered');
        } finally {
          driving.delete(order.id);
        }
      }
    };
    every(config.SAGA_RECOVERY_INTERVAL_MS, 'saga-recovery', recover);

    api.route({
      ...operations.createOrder,
      async handler({ body }) {
        const started = performance.now();
        const id = `ORD-${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;
        const order = await store.create({
          id,
          correlation_id: currentContext()?.correlationId ?? 'none',
          customer_id: body.customer_id,
          items: body.items,
          shipping_address: body.shipping_address,
        });
        driving.add(id);
        try {
          const confirmed = await saga.run(order);
          return {
            status: 201,
            body: orderView(confirmed, { processing_time_ms: Math.round(performance.now() - started) }),
          };
        } finally {
          driving.delete(id);
        }
      },
    });

    api.route({
      ...operations.getOrder,
      async handler({ params }) {
        const o = await store.get(params.id);
        if (!o) throw notFound(`unknown order ${params.id}`);
        return { body: orderView(o) };
      },
    });

    api.route({
      ...operations.listOrders,
      async handler({ query }) {
        const rows = await store.byCustomer(query.customer_id, query.limit);
        return { body: { customer_id: query.customer_id, orders: rows.map((o) => orderView(o)) } };
      },
    });

    return { beforeReady: recover };
  },
});
