// Order: accepts orders and drives each through the saga; recovers sagas whose driver died.
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { defineService, notFound } from '../kit/index.ts';
import { Checkout } from './checkout.ts';
import { OrderStore } from './order-store.ts';
import { OrderSaga, type OrderAuditEvent } from './saga.ts';
import { operations } from './contract.ts';
import { orderView } from './view.ts';

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
    const checkout = new Checkout({ db, store, saga, driving });

    api.route({
      ...operations.createOrder,
      // One order per key and customer: a retry (same key, same body) gets the first answer, or, if
      // the first request never finished, the outcome of the order it created.
      idempotencyScope: ({ body }) => body.customer_id,
      handler: ({ body, idempotency }) => checkout.place(body, idempotency),
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
      ...operations.exportOrders,
      async handler({ query }) {
        const rows = await store.page(query.after, query.limit);
        const last = rows.length === query.limit ? rows.at(-1) : undefined;
        return { body: { orders: rows.map((o) => orderView(o)), next_after: last?.id ?? null } };
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
