// Petstore storefront: the customer journey (health -> recommendations -> browse -> details -> order
// -> payment -> delivery -> tracking) over the pet catalog, the ml-advisor, inventory and the order
// saga. Every step is timed, audited and counted under the correlation ID the client chose.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { currentContext } from '../kit/context.ts';
import { defineService, HttpError, notFound } from '../kit/index.ts';
import type { ServiceClient } from '../kit/index.ts';
import { CUSTOMER_PROFILES } from '../ml-advisor/contract.ts';
import type { PastOrder } from '../ml-advisor/contract.ts';
import { Advisor, withinBudget, type Advice } from './advice.ts';
import { DeliverySchedule, deliveryStatus, deliveryWindow, type OrderForDelivery } from './deliveries.ts';
import { Journeys, type JourneyAuditEvent, type StepNote } from './journey.ts';
import { browse, petById, petView } from './pets.ts';
import { operations } from './contract.ts';

export const AUDIT_EVENTS: readonly (JourneyAuditEvent | 'recommendation_fallback' | 'delivery_scheduled')[] =
  ['journey_step', 'journey_converted', 'recommendation_fallback', 'delivery_scheduled'];

/** An order as the order service shows it (the fields the storefront reads). */
interface OrderView extends OrderForDelivery {
  customer_id: string;
  total_amount: number | null;
  completed_at: string | null;
  failure: { code: string; reason: string } | null;
  trace_info: { payment_id: string | null; reservation_id: string | null; steps_completed: string[] };
}

const DEPENDENCIES = ['ml-advisor', 'order', 'inventory'] as const;
const ms = z.coerce.number().int().min(1).max(60_000);

export default defineService({
  name: 'petstore',
  config: {
    /** How long the storefront waits for the ml-advisor before answering from its own rules. */
    ADVISOR_BUDGET_MS: ms.default(700),
    /** How long recommendations wait for the customer's order history (then: profile only). */
    HISTORY_BUDGET_MS: ms.default(250),
    /** How long pet details wait for live stock (then: stock unknown). */
    STOCK_BUDGET_MS: ms.default(800),
    /** While the advisor's circuit is not closed, probe it this often so it closes without traffic. */
    ADVISOR_PROBE_MS: ms.default(2_000),
    /** Journeys kept for GET /journeys/{id} and the conversion figures. */
    JOURNEY_RETENTION_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 365)
      .default(72),
  },
  auditEvents: AUDIT_EVENTS,
  migrationsDir: fileURLToPath(new URL('./migrations', import.meta.url)),
  setup(kit) {
    const { api, audit, config, metrics, db } = kit;
    const journeys = new Journeys({ db, audit, metrics });
    kit.every(10_000, 'publish-conversion', () => journeys.publishConversion());
    kit.every(3_600_000, 'prune-journeys', async () => {
      await journeys.prune(config.JOURNEY_RETENTION_HOURS);
    });
    const advisorClient = kit.client('ml-advisor');
    const orders = kit.client('order');
    const inventory = kit.client('inventory');
    const advisor = new Advisor(advisorClient, config.ADVISOR_BUDGET_MS);
    const deliveries = new DeliverySchedule(db);

    kit.every(config.ADVISOR_PROBE_MS, 'advisor-recovery-probe', async () => {
      if (advisorClient.circuitState === 'closed') return;
      await advisorClient
        .call({ method: 'GET', path: '/readyz', operation: 'recovery_probe', idempotent: false })
        .catch(() => {});
    });

    async function fetchOrder(id: string): Promise<OrderView> {
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
    }

    /** A customer's confirmed purchases, or none when the order service cannot tell us in time. */
    async function history(customerId: string): Promise<{ orders: PastOrder[]; available: boolean }> {
      try {
        const res = await withinBudget(
          orders.call<{ orders: PastOrder[] }>({
            method: 'GET',
            path: `/orders?customer_id=${encodeURIComponent(customerId)}&limit=50`,
            operation: 'order_history',
            idempotent: true,
          }),
          config.HISTORY_BUDGET_MS,
        );
        if (typeof res === 'symbol' || res.status !== 200) return { orders: [], available: false };
        return { orders: res.body.orders, available: true };
      } catch {
        return { orders: [], available: false };
      }
    }

    const fallbacks = metrics.counter('recommendationFallbacks');
    function served(
      advice: Advice,
      note: StepNote,
      fields: Record<string, unknown>,
    ): Record<string, unknown> {
      const recs = (advice.body.recommendations as { pet_id: string }[] | undefined) ?? [];
      note.fields({ ...fields, pet_ids: recs.map((r) => r.pet_id), source: advice.body.source });
      if (advice.storefrontFallback) {
        fallbacks.inc({ reason: advice.storefrontFallback });
        audit.emit('recommendation_fallback', { ...fields, reason: advice.storefrontFallback });
        note.outcome('degraded', advice.storefrontFallback);
      } else if (advice.advisorFallback) {
        note.outcome('degraded', `advisor_${advice.advisorFallback}`);
      }
      return { ...advice.body, correlation_id: currentContext()?.correlationId };
    }

    api.route({
      ...operations.status,
      handler: () =>
        journeys.step('health', async (note) => {
          const entries = await Promise.all(
            DEPENDENCIES.map(async (name) => {
              const client: ServiceClient = kit.client(name);
              const started = performance.now();
              let ready = false;
              try {
                const res = await withinBudget(
                  client.call({ method: 'GET', path: '/readyz', operation: 'readyz', idempotent: false }),
                  1000,
                );
                ready = typeof res !== 'symbol' && res.status === 200;
              } catch {
                // Not answering: not ready.
              }
              return [
                name,
                {
                  ready,
                  circuit: client.circuitState,
                  latency_ms: Math.round((performance.now() - started) * 100) / 100,
                },
              ] as const;
            }),
          );
          const notReady = entries.filter(([, d]) => !d.ready).map(([n]) => n);
          if (notReady.length) note.outcome('degraded', `not_ready:${notReady.join(',')}`);
          return {
            body: {
              status: notReady.length ? 'degraded' : 'ok',
              service: 'petstore',
              version: config.SERVICE_VERSION,
              dependencies: Object.fromEntries(entries),
              correlation_id: currentContext()?.correlationId,
            },
          };
        }),
    });

    api.route({
      ...operations.listProfiles,
      handler: () => ({ body: { profiles: CUSTOMER_PROFILES } }),
    });

    api.route({
      ...operations.getProfile,
      handler({ params }) {
        const profile = CUSTOMER_PROFILES.find((p) => p.id === params.id);
        if (!profile) throw notFound(`unknown profile ${params.id}; see GET /profiles`);
        return { body: profile };
      },
    });

    api.route({
      ...operations.recommendationsForCustomer,
      handler: ({ query }) =>
        journeys.step('ml_recommendations', async (note) => {
          const past = await history(query.customer_id);
          const advice = await advisor.forCustomer(query.customer_id, past.orders, query.max_results);
          return {
            body: {
              ...served(advice, note, { customer_id: query.customer_id }),
              customer_id: query.customer_id,
              order_history_available: past.available,
            },
          };
        }),
    });

    api.route({
      ...operations.recommendForPreferences,
      handler: ({ body }) =>
        journeys.step('ml_recommendations', async (note) => {
          const { user_id: userId, ...preferences } = body;
          const advice = await advisor.forPreferences(preferences, userId);
          return { body: served(advice, note, userId ? { customer_id: userId } : {}) };
        }),
    });

    api.route({
      ...operations.listPets,
      handler: ({ query }) =>
        journeys.step('browse_pets', async (note) => {
          const page = browse(query);
          note.fields({ filters: query, results: page.total });
          return { body: { ...page, filters: query } };
        }),
    });

    api.route({
      ...operations.getPet,
      handler: ({ params }) =>
        journeys.step('pet_details', async (note) => {
          const pet = petById(params.id);
          note.fields({ pet_id: params.id });
          if (!pet) throw notFound(`unknown pet ${params.id}; see GET /pets`);
          let stock: Record<string, unknown> = { status: 'unknown', available: null };
          let price = pet.price;
          try {
            const res = await withinBudget(
              inventory.call<{ available: number; price: number }>({
                method: 'GET',
                path: `/stock/${pet.id}`,
                operation: 'stock',
                idempotent: true,
              }),
              config.STOCK_BUDGET_MS,
            );
            if (typeof res !== 'symbol' && res.status === 200) {
              const { available } = res.body;
              price = res.body.price;
              stock = {
                status: available === 0 ? 'out_of_stock' : available < 5 ? 'low_stock' : 'in_stock',
                available,
              };
            }
          } catch {
            // Inventory down: still show the pet, without a stock figure.
          }
          if (stock.status === 'unknown') note.outcome('degraded', 'stock_unknown');
          return { body: { ...petView(pet), price, stock } };
        }),
    });

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

    api.route({
      ...operations.getJourney,
      async handler({ params }) {
        const j = await journeys.get(params.correlation_id);
        if (!j) throw notFound(`no journey with correlation ID ${params.correlation_id}`);
        return { body: j };
      },
    });

    api.route({
      ...operations.listJourneys,
      handler: async () => ({ body: await journeys.conversion() }),
    });
  },
});
