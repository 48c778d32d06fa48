// GET /recommendations?customer_id= and POST /recommendations: journey step "ml_recommendations",
// the ml-advisor's answer or the storefront's own picks (advice.ts), never an error.
import type { ServiceClient } from '../../kit/index.ts';
import { currentContext } from '../../kit/context.ts';
import { withinBudget, type Advice, type PastOrder } from '../advice.ts';
import type { PetstoreKit } from '../config.ts';
import { operations } from '../contract.ts';
import type { StepNote } from '../journey.ts';
import type { Storefront } from './storefront.ts';

function historyOf(orders: ServiceClient, config: PetstoreKit['config']) {
  /** A customer's confirmed purchases, or none when the order service cannot tell us in time. */
  return async function history(customerId: string): Promise<{ orders: PastOrder[]; available: boolean }> {
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
  };
}

/** The answer as served: recorded on the journey step, counted and audited when it is a fallback. */
function servedBy({ metrics, audit }: PetstoreKit) {
  const fallbacks = metrics.counter('recommendationFallbacks');
  return function served(
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
  };
}

export function recommendationsForCustomer({ kit, journeys, advisor, orders }: Storefront): void {
  const { api, config } = kit;
  const history = historyOf(orders, config);
  const served = servedBy(kit);
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
}

export function recommendForPreferences({ kit, journeys, advisor }: Storefront): void {
  const { api } = kit;
  const served = servedBy(kit);
  api.route({
    ...operations.recommendForPreferences,
    handler: ({ body }) =>
      journeys.step('ml_recommendations', async (note) => {
        const { user_id: userId, ...preferences } = body;
        const advice = await advisor.forPreferences(preferences, userId);
        return { body: served(advice, note, userId ? { customer_id: userId } : {}) };
      }),
  });
}
