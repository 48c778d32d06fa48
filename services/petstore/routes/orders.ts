// POST /orders and GET|POST /orders/{id}/...: journey steps "create_order", "process_payment",
// "schedule_delivery" and "track_order", over the order service's orders.
import { randomUUID } from 'node:crypto';
import { currentContext } from '../../kit/context.ts';
import { HttpError, notFound, type ServiceClient } from '../../kit/index.ts';
import { operations } from '../contract.ts';
import { deliveryStatus, deliveryWindow, type OrderForDelivery } from '../deliveries.ts';
import type { Storefront } from './storefront.ts';

/** An order as the order service shows it (the fields the storefront reads). */
interface OrderView extends OrderForDelivery {
  customer_id: string;
  total_amount: number | null;
  completed_at: string | null;
  failure: { code: string; reason: string } | null;
  trace_info: { payment_id: string | null; reservation_id: string | null; steps_completed: string[] };
}

function orderFetcher(orders: ServiceClient) {
  return async function fetchOrder(id: string): Promise<OrderView> {
    const res = await orders.call<OrderView>({
      method: 'GET',
      path: `/orders/${id}`,
      operation: 'get_order',
      idempotent: true,
    });
    if (res.status === 404) throw notFound(`unknown order ${id}`);
    if (res.status !== 200)
      throw new HttpError(502, 'unexpected_dependency_answer', `order answered ${res.status} for ${id}`);
    return res.body;
  };
}

export function checkout({ kit: { api, metrics }, journeys, orders }: Storefront): void {
  const checkouts = metrics.counter('storefrontCheckouts');
  const revenue = metrics.counter('storefrontRevenue');
  api.route({
    ...operations.checkout,
    // The client's key is forwarded to the order service (one order per key there too); without one,
    // the storefront makes its own, so its retries of a lost call can never place a second order.
    idempotencyScope: ({ body }) => body.customer_id,
    handler: ({ body, idempotency }) =>
      journeys.step('create_order', async (note) => {
        note.fields({ customer_id: body.customer_id });
        let res;
        try {
          res = await orders.call<Record<string, unknown>>({
            method: 'POST',
            path: '/orders',
            operation: 'create_order',
            idempotent: true,
            headers: { 'idempotency-key': idempotency?.key ?? `petstore-${randomUUID()}` },
            body,
          });
        } catch (err) {
          checkouts.inc({ outcome: 'unavailable' });
          throw err;
        }
        const placed = res.body;
        if (typeof placed.order_id === 'string') note.fields({ order_id: placed.order_id });
        if (res.status === 201) {
          checkouts.inc({ outcome: 'confirmed' });
          const total = Number(placed.total_amount);
          if (Number.isFinite(total)) revenue.inc({}, total);
          note.fields({ total_amount: placed.total_amount });
        } else {
          const code = typeof placed.error === 'string' ? placed.error : `http_${res.status}`;
          checkouts.inc({ outcome: code });
          note.outcome('failure', code);
        }
        // "Still in progress, retry after N s" passes through, so the client's retry is not stored.
        const retryAfter = res.headers.get('retry-after');
        return {
          status: res.status,
          body: placed,
          ...(retryAfter ? { headers: { 'Retry-After': retryAfter } } : {}),
        };
      }),
  });
}

export function orderPayment({ kit: { api }, journeys, orders }: Storefront): void {
  const fetchOrder = orderFetcher(orders);
  api.route({
    ...operations.orderPayment,
    handler: ({ params }) =>
      journeys.step('process_payment', async (note) => {
        note.fields({ order_id: params.id });
        const o = await fetchOrder(params.id);
        note.fields({ customer_id: o.customer_id });
        const paymentId = o.trace_info.payment_id;
        const status =
          o.status === 'confirmed' && paymentId
            ? 'captured'
            : o.failure?.code === 'payment_declined'
              ? 'declined'
              : o.failure?.code === 'fraud_rejected'
                ? 'rejected'
                : o.status === 'failed'
                  ? paymentId
                    ? 'voided'
                    : 'not_charged'
                  : 'pending';
        if (status !== 'captured')
          note.outcome(status === 'pending' ? 'degraded' : 'failure', `payment_${status}`);
        return {
          body: {
            order_id: o.order_id,
            order_status: o.status,
            payment: { payment_id: paymentId, status, amount: o.total_amount },
            ...(o.failure ? { failure: o.failure } : {}),
            correlation_id: currentContext()?.correlationId,
          },
        };
      }),
  });
}

export function scheduleDelivery({
  kit: { api, audit, metrics },
  journeys,
  orders,
  deliveries,
}: Storefront): void {
  const fetchOrder = orderFetcher(orders);
  const scheduled = metrics.counter('deliveriesScheduled');
  api.route({
    ...operations.scheduleDelivery,
    // A retried booking replays its first answer instead of counting as a reschedule.
    idempotencyScope: ({ params }) => params.id,
    handler: ({ params, body }) =>
      journeys.step('schedule_delivery', async (note) => {
        note.fields({ order_id: params.id });
        const o = await fetchOrder(params.id);
        note.fields({ customer_id: o.customer_id });
        const { delivery, rescheduled } = await deliveries.schedule(o, body);
        scheduled.inc({ window: delivery.window });
        audit.emit('delivery_scheduled', { ...delivery, customer_id: o.customer_id, rescheduled });
        return {
          status: rescheduled ? 200 : 201,
          body: { ...delivery, status: deliveryStatus(delivery, Date.now()), rescheduled },
        };
      }),
  });
}

export function trackOrder({ kit: { api }, journeys, orders, deliveries }: Storefront): void {
  const fetchOrder = orderFetcher(orders);
  api.route({
    ...operations.trackOrder,
    handler: ({ params }) =>
      journeys.step('track_order', async (note) => {
        note.fields({ order_id: params.id });
        const o = await fetchOrder(params.id);
        note.fields({ customer_id: o.customer_id });
        const now = Date.now();
        const delivery = await deliveries.get(o.order_id);
        const deliveryState = delivery ? deliveryStatus(delivery, now) : null;
        const timeline = [
          { stage: 'order_placed', at: o.created_at },
          ...(o.trace_info.payment_id && o.status === 'confirmed'
            ? [{ stage: 'payment_captured', at: o.completed_at }]
            : []),
          ...(o.status === 'confirmed' ? [{ stage: 'order_confirmed', at: o.completed_at }] : []),
          ...(o.status === 'failed' ? [{ stage: 'order_failed', at: o.completed_at }] : []),
          ...(delivery
            ? [
                { stage: 'delivery_scheduled', at: delivery.scheduled_at },
                {
                  stage: deliveryState === 'delivered' ? 'delivered' : 'delivery_expected',
                  at: delivery.date,
                },
              ]
            : []),
        ];
        const next =
          o.status !== 'confirmed'
            ? null
            : delivery
              ? null
              : { action: 'schedule_delivery', ...deliveryWindow(o, now) };
        return {
          body: {
            order_id: o.order_id,
            customer_id: o.customer_id,
            status: o.status,
            total_amount: o.total_amount,
            items: o.items,
            payment_id: o.trace_info.payment_id,
            delivery: delivery ? { ...delivery, status: deliveryState } : null,
            timeline,
            next_step: next,
            correlation_id: currentContext()?.correlationId,
          },
        };
      }),
  });
}
