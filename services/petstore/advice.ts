// Recommendations for the storefront: ask the ml-advisor over HTTP (through the kit's client: timeout,
// retry, circuit breaker) within the storefront's own budget; when it is slow, down or its circuit is
// open, answer with the storefront's own catalog picks (picks.ts), marked as a fallback.
import { namedProfile } from '../../catalog/profiles.ts';
import type { ServiceClient } from '../kit/index.ts';
import { HttpError } from '../kit/index.ts';
import type { Preferences } from '../ml-advisor/contract.ts';
import { petById } from './pets.ts';
import { catalogPicks, PICKS_VERSION } from './picks.ts';

/** A past order as the order service lists it (GET /orders?customer_id=): what the storefront reads. */
export interface PastOrder {
  readonly status?: string;
  readonly items: readonly { readonly product_id: string; readonly quantity: number }[];
}

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
  /** Set when the storefront answered with its own picks. */
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

  /** The ml-advisor's answer, or the storefront's picks when it cannot give one in time. */
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
        model_version: PICKS_VERSION,
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
        // The profile the customer id names (if any), minus the pets the customer already bought.
        const profile = namedProfile(customerId);
        const bought = purchased.filter((id) => petById(id) !== undefined);
        const preferences = {
          ...profile?.preferences,
          exclude_pets: [...new Set([...(profile?.preferences.exclude_pets ?? []), ...bought])],
          max_recommendations: maxResults,
        };
        return {
          recommendations: catalogPicks(preferences, maxResults),
          user_id: customerId,
          profile_id: profile?.id ?? null,
          preferences,
          basis: { purchased },
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
        recommendations: catalogPicks(preferences, preferences.max_recommendations),
        ...(userId ? { user_id: userId } : {}),
      }),
    );
  }
}
