// Recommendations for the storefront: ask the ml-advisor (through the kit's client: timeout, retry,
// circuit breaker) within the storefront's own budget; when it is slow, down or its circuit is open,
// answer with the v1 rules computed here from the same model code, marked as a fallback.
import type { ServiceClient } from '../kit/index.ts';
import { HttpError } from '../kit/index.ts';
import { derivePreferences, rulesModel } from '../ml-advisor/contract.ts';
import type { PastOrder, Preferences } from '../ml-advisor/contract.ts';

export type StorefrontFallbackReason =
  'advisor_unavailable' | 'advisor_timeout' | 'circuit_open' | 'advisor_error';

const TIMED_OUT = Symbol('timed out');

/** Resolves to TIMED_OUT after ms; the abandoned call finishes (or fails) on its own, unobserved. */
export async function withinBudget<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  work.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function reasonOf(err: unknown): StorefrontFallbackReason {
  if (!(err instanceof HttpError)) return 'advisor_error';
  const reason = err.details?.reason;
  return reason === 'circuit_open'
    ? 'circuit_open'
    : reason === 'timeout'
      ? 'advisor_timeout'
      : 'advisor_unavailable';
}

export interface Advice {
  body: Record<string, unknown>;
  /** Set when the storefront answered from its own rules. */
  storefrontFallback?: StorefrontFallbackReason;
  /** Set when the advisor answered, but with its own fallback. */
  advisorFallback?: string;
}

interface AdvisorAnswer {
  fallback_used?: boolean;
  fallback_reason?: string;
}

export class Advisor {
  private readonly client: ServiceClient;
  private readonly budgetMs: number;

  constructor(client: ServiceClient, budgetMs: number) {
    this.client = client;
    this.budgetMs = budgetMs;
  }

  /** The ml-advisor's answer, or the local rules when it cannot give one in time. */
  private async ask(
    call: () => Promise<{ status: number; body: unknown }>,
    fallback: () => Record<string, unknown>,
  ): Promise<Advice> {
    const started = performance.now();
    let reason: StorefrontFallbackReason;
    try {
      const res = await withinBudget(call(), this.budgetMs);
      if (res === TIMED_OUT) reason = 'advisor_timeout';
      else if (res.status === 200) {
        const body = res.body as AdvisorAnswer & Record<string, unknown>;
        return {
          body: { ...body, source: 'ml-advisor' },
          ...(body.fallback_used ? { advisorFallback: body.fallback_reason ?? 'unknown' } : {}),
        };
      } else reason = 'advisor_error';
    } catch (err) {
      reason = reasonOf(err);
    }
    return {
      body: {
        ...fallback(),
        model_version: rulesModel.version,
        a_b_test_variant: null,
        processing_time_ms: Math.round((performance.now() - started) * 100) / 100,
        fallback_used: true,
        fallback_reason: reason,
        source: 'storefront-fallback',
      },
      storefrontFallback: reason,
    };
  }

  /** From the customer's profile and purchases (GET /recommend/user/{id}). */
  forCustomer(customerId: string, orders: readonly PastOrder[], maxResults: number): Promise<Advice> {
    const purchased = [
      ...new Set(
        orders
          .filter((o) => o.status === undefined || o.status === 'confirmed')
          .flatMap((o) => o.items.map((i) => i.product_id)),
      ),
    ];
    const query = new URLSearchParams({ max_results: String(maxResults) });
    if (purchased.length) query.set('purchased', purchased.join(','));
    return this.ask(
      () =>
        this.client.call({
          method: 'GET',
          path: `/recommend/user/${encodeURIComponent(customerId)}?${query.toString()}`,
          operation: 'recommend_user',
          idempotent: true,
        }),
      () => {
        const derived = derivePreferences(customerId, orders);
        const preferences = { ...derived.preferences, max_recommendations: maxResults };
        return {
          recommendations: rulesModel.recommend(preferences),
          user_id: customerId,
          profile_id: derived.profile_id,
          preferences,
          basis: { ...derived.basis, purchased },
        };
      },
    );
  }

  /** From stated preferences (POST /recommendations). */
  forPreferences(preferences: Preferences, userId: string | undefined): Promise<Advice> {
    return this.ask(
      () =>
        this.client.call({
          method: 'POST',
          path: '/recommendations',
          operation: 'recommend',
          // Recommending has no side effect: safe to retry.
          idempotent: true,
          body: { ...preferences, ...(userId ? { user_id: userId } : {}) },
        }),
      () => ({
        recommendations: rulesModel.recommend(preferences),
        ...(userId ? { user_id: userId } : {}),
      }),
    );
  }
}
