// The petstore customer journey (docs/journey.md) as one k6 iteration: health, recommendations,
// browse, details, checkout, payment, delivery, tracking, all under ONE correlation ID. Two flavours:
// `purchase` (the order is confirmed and delivered) and `declined` (error recovery: checkout carries
// `X-Fault: payment.decline`, so it must end cleanly: 402 at checkout, payment "declined", delivery
// refused with 409 order_not_confirmed, tracking shows the order failed).
import { check } from 'k6';
import { SUPPLIES, type PetCategory } from '../../catalog/products.ts';
import type { OrderItem } from './carts.ts';
import { commonChecks } from './checks.ts';
import { correlationId } from './correlation.ts';
import { PAYMENT_DECLINE } from './faults.ts';
import { journeyDuration, journeysCompleted } from './metrics.ts';
import type { Response } from './response.ts';
import { jsonBody, type Call } from './store.ts';
import {
  browsePets,
  checkout,
  dateInDays,
  DELIVERY_WINDOWS,
  getPayment,
  getPet,
  getRecommendations,
  getStatus,
  getTracking,
  scheduleDelivery,
  STEP_TAG,
  type Step,
} from './storefront.ts';

export type Flavour = 'purchase' | 'declined';
export const JOURNEY_TAG = 'journey';

/** A customer profile as GET /profiles lists it (the fields the journey reads). */
export interface CustomerProfile {
  readonly id: string;
  readonly preferences: {
    readonly pet_types?: readonly string[] | null;
    readonly living_situation?: string | null;
    readonly budget_range?: { readonly min: number; readonly max: number } | null;
  };
}

/** Returning customers per profile: the advisor sees their order history grow. */
export const CUSTOMERS_PER_PROFILE = 200;
/** Recommendations asked for; the customer looks at up to this many pets before buying. */
const MAX_RESULTS = 3;
/** A pet is bought only while at least this many are in stock, so concurrent journeys do not race for the last one. */
export const MIN_PET_STOCK = 5;
/** Supplies added to the pet: everyday items, not a $2000 aviary. */
const EVERYDAY_SUPPLY_MAX_DOLLARS = 100;
/** Delivery date: pets need 2 days' lead time, the horizon is 30. */
const DELIVERY_IN_DAYS = 3;

type Random = () => number;

function pick<T>(items: readonly T[], random: Random): T | undefined {
  return items[Math.floor(random() * items.length)];
}

/** An everyday supply for the category (any supply when none fits). */
export function supplyFor(category: string | undefined, random: Random = Math.random): string {
  const fitting = SUPPLIES.filter(
    (s) =>
      s.price <= EVERYDAY_SUPPLY_MAX_DOLLARS &&
      (category === undefined || s.forCategories.includes(category as PetCategory)),
  );
  const chosen = pick(fitting.length > 0 ? fitting : SUPPLIES, random);
  if (!chosen) throw new Error('the catalog has no supplies');
  return chosen.sku;
}

export function customerOf(profile: CustomerProfile, random: Random = Math.random): string {
  return `${profile.id}-${1 + Math.floor(random() * CUSTOMERS_PER_PROFILE)}`;
}

/** Parses GET /profiles; throws naming what is wrong. */
export function parseProfiles(body: unknown): CustomerProfile[] {
  const profiles = (body as { profiles?: unknown } | null)?.profiles;
  if (!Array.isArray(profiles) || profiles.length === 0) throw new Error('GET /profiles listed no profiles');
  for (const p of profiles as { id?: unknown; preferences?: unknown }[]) {
    if (typeof p.id !== 'string' || typeof p.preferences !== 'object' || p.preferences === null) {
      throw new Error(`GET /profiles: a profile without id or preferences: ${JSON.stringify(p)}`);
    }
  }
  return profiles as CustomerProfile[];
}

function ids(list: unknown, field: string): string[] {
  if (!Array.isArray(list)) return [];
  return (list as Record<string, unknown>[])
    .map((item) => item[field])
    .filter((v): v is string => typeof v === 'string');
}

interface StepCall {
  readonly res: Response;
  readonly body: Record<string, unknown> | undefined;
  readonly ok: boolean;
}

/** Checks one step's answer (plus correlation ID and version header); check names are fixed strings. */
function stepCheck(
  step: Step,
  res: Response,
  cid: string,
  checks: Record<string, (body: Record<string, unknown> | undefined) => boolean>,
  flavour: Flavour,
): StepCall {
  const body = jsonBody(res);
  const named: Record<string, () => boolean> = {};
  for (const [name, fn] of Object.entries(checks)) named[name] = () => fn(body);
  const ok = check(
    res,
    { ...named, ...commonChecks(res, cid) },
    { [STEP_TAG]: step, [JOURNEY_TAG]: flavour },
  );
  return { res, body, ok };
}

/** One journey under way: its correlation ID, flavour and the verdict of the steps so far. */
interface Walk {
  readonly cid: string;
  readonly flavour: Flavour;
  readonly declined: boolean;
  readonly random: Random;
  readonly started: number;
  readonly tags: Record<string, string>;
  ok: boolean;
}

/** The call options of one step: this journey's correlation ID and tags, plus what it expects. */
function callOf(w: Walk, expect?: readonly number[], fault?: string): Call {
  return {
    correlationId: w.cid,
    tags: w.tags,
    ...(expect ? { expect } : {}),
    ...(fault ? { fault } : {}),
  };
}

/** Checks one step and folds it into the journey's verdict: every step runs even after one failed. */
function stepOf(
  w: Walk,
  step: Step,
  res: Response,
  checks: Record<string, (body: Record<string, unknown> | undefined) => boolean>,
): StepCall {
  const s = stepCheck(step, res, w.cid, checks, w.flavour);
  w.ok = s.ok && w.ok;
  return s;
}

/** Steps 1-3: health, recommendations, browsing the profile's kind of pet within budget. */
function lookAround(w: Walk, prefs: CustomerProfile['preferences'], customer: string) {
  // 1 health: the storefront answers even when a dependency is not ready ("degraded").
  stepOf(w, 'health', getStatus(callOf(w)), {
    'journey: status answered': (b) => b?.['status'] === 'ok' || b?.['status'] === 'degraded',
  });

  // 2 recommendations from profile and order history (the storefront's own picks when the advisor is slow).
  const recs = stepOf(w, 'ml_recommendations', getRecommendations(customer, MAX_RESULTS, callOf(w)), {
    'journey: recommendations listed': (b) => ids(b?.['recommendations'], 'pet_id').length > 0,
  });

  // 3 browse the profile's kind of pet within budget.
  const category = pick(prefs.pet_types ?? [], w.random);
  const budget = prefs.budget_range?.max;
  const browse = stepOf(
    w,
    'browse_pets',
    browsePets(
      {
        ...(category ? { category } : {}),
        ...(budget ? { max_price: budget } : {}),
        page_size: 5,
      },
      callOf(w),
    ),
    { 'journey: pets listed': (b) => Array.isArray(b?.['pets']) },
  );
  return { recs, browse, category };
}

/** Step 4: details of the recommended (then browsed) pets until one is in stock; none left: supplies only. */
function chooseItems(w: Walk, recs: StepCall, browse: StepCall, category: string | undefined): OrderItem[] {
  const candidates = [
    ...new Set([...ids(recs.body?.['recommendations'], 'pet_id'), ...ids(browse.body?.['pets'], 'id')]),
  ];
  let pet: { id: string; category: string | undefined } | undefined;
  for (const petId of candidates.slice(0, MAX_RESULTS)) {
    const details = stepOf(w, 'pet_details', getPet(petId, callOf(w)), {
      'journey: pet details with stock': (b) => b?.['id'] === petId && typeof b['stock'] === 'object',
    });
    const available = (details.body?.['stock'] as { available?: unknown } | undefined)?.available;
    if (typeof available === 'number' && available >= MIN_PET_STOCK) {
      const c = details.body?.['category'];
      pet = { id: petId, category: typeof c === 'string' ? c : undefined };
      break;
    }
  }
  return [
    ...(pet ? [{ product_id: pet.id, quantity: 1 }] : []),
    { product_id: supplyFor(pet?.category ?? category, w.random), quantity: 1 },
  ];
}

/** Step 5 checkout: the order saga behind the storefront. Returns the order's id when it names one. */
function placeOrder(w: Walk, customer: string, items: OrderItem[]): string | undefined {
  const { declined, cid } = w;
  const placed = stepOf(
    w,
    'create_order',
    checkout(
      { customer_id: customer, items },
      callOf(w, declined ? [402] : [201], declined ? PAYMENT_DECLINE : undefined),
    ),
    {
      'journey: checkout answered as intended': (b) =>
        declined
          ? b?.['error'] === 'payment_declined' && b['status'] === 'failed'
          : b?.['status'] === 'confirmed' && b['correlation_id'] === cid,
      'journey: checkout names the order': (b) => typeof b?.['order_id'] === 'string',
    },
  );
  const orderId = placed.body?.['order_id'];
  return typeof orderId === 'string' ? orderId : undefined;
}

/** Steps 6-8: payment as the saga settled it, delivery (booked, or 409 for a failed order), tracking. */
function followOrder(w: Walk, orderId: string): void {
  const { declined } = w;
  stepOf(w, 'process_payment', getPayment(orderId, callOf(w)), {
    'journey: payment settled as intended': (b) =>
      (b?.['payment'] as { status?: unknown } | undefined)?.status === (declined ? 'declined' : 'captured'),
  });

  const delivery = {
    date: dateInDays(DELIVERY_IN_DAYS),
    window: pick(DELIVERY_WINDOWS, w.random) ?? 'morning',
  };
  stepOf(w, 'schedule_delivery', scheduleDelivery(orderId, delivery, callOf(w, declined ? [409] : [201])), {
    'journey: delivery answered as intended': (b) =>
      declined
        ? b?.['error'] === 'order_not_confirmed'
        : b?.['date'] === delivery.date && typeof b['delivery_id'] === 'string',
  });

  stepOf(w, 'track_order', getTracking(orderId, callOf(w)), {
    'journey: tracking shows the end state': (b) =>
      b?.['order_id'] === orderId &&
      (declined
        ? b['status'] === 'failed' && b['delivery'] === null
        : b['status'] === 'confirmed' && b['delivery'] !== null),
  });
}

/** One whole journey for a customer of `profile`; returns true when every step answered as intended. */
export function walkJourney(
  profile: CustomerProfile,
  flavour: Flavour,
  random: Random = Math.random,
): boolean {
  const w: Walk = {
    cid: correlationId(),
    flavour,
    declined: flavour === 'declined',
    random,
    started: Date.now(),
    tags: { [JOURNEY_TAG]: flavour },
    ok: true,
  };
  const customer = customerOf(profile, random);
  const { recs, browse, category } = lookAround(w, profile.preferences, customer);
  const orderId = placeOrder(w, customer, chooseItems(w, recs, browse, category));
  if (orderId === undefined) w.ok = false;
  else followOrder(w, orderId);
  journeysCompleted.add(w.ok, w.tags);
  journeyDuration.add(Date.now() - w.started, w.tags);
  return w.ok;
}
