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
import { jsonBody, type Call, type Response } from './store.ts';
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

/** One whole journey for a customer of `profile`; returns true when every step answered as intended. */
export function walkJourney(
  profile: CustomerProfile,
  flavour: Flavour,
  random: Random = Math.random,
): boolean {
  const cid = correlationId();
  const started = Date.now();
  const tags = { [JOURNEY_TAG]: flavour };
  const call = (expect?: readonly number[], fault?: string): Call => ({
    correlationId: cid,
    tags,
    ...(expect ? { expect } : {}),
    ...(fault ? { fault } : {}),
  });
  const declined = flavour === 'declined';
  const customer = customerOf(profile, random);
  const prefs = profile.preferences;
  let ok = true;
  // Every step runs even after one went wrong (`ok &&= step()` would skip the rest).
  const record = (s: StepCall): StepCall => {
    ok = s.ok && ok;
    return s;
  };
  const done = (): boolean => {
    journeysCompleted.add(ok, tags);
    journeyDuration.add(Date.now() - started, tags);
    return ok;
  };

  // 1 health: the storefront answers even when a dependency is not ready ("degraded").
  record(
    stepCheck(
      'health',
      getStatus(call()),
      cid,
      {
        'journey: status answered': (b) => b?.['status'] === 'ok' || b?.['status'] === 'degraded',
      },
      flavour,
    ),
  );

  // 2 recommendations from profile and order history (the storefront's rules when the advisor is slow).
  const recs = record(
    stepCheck(
      'ml_recommendations',
      getRecommendations(customer, MAX_RESULTS, call()),
      cid,
      {
        'journey: recommendations listed': (b) => ids(b?.['recommendations'], 'pet_id').length > 0,
      },
      flavour,
    ),
  );

  // 3 browse the profile's kind of pet within budget.
  const category = pick(prefs.pet_types ?? [], random);
  const budget = prefs.budget_range?.max;
  const browse = record(
    stepCheck(
      'browse_pets',
      browsePets(
        {
          ...(category ? { category } : {}),
          ...(budget ? { max_price: budget } : {}),
          page_size: 5,
        },
        call(),
      ),
      cid,
      { 'journey: pets listed': (b) => Array.isArray(b?.['pets']) },
      flavour,
    ),
  );

  // 4 details of the recommended (then browsed) pets until one is in stock; none left: supplies only.
  const candidates = [
    ...new Set([...ids(recs.body?.['recommendations'], 'pet_id'), ...ids(browse.body?.['pets'], 'id')]),
  ];
  let pet: { id: string; category: string | undefined } | undefined;
  for (const petId of candidates.slice(0, MAX_RESULTS)) {
    const details = record(
      stepCheck(
        'pet_details',
        getPet(petId, call()),
        cid,
        {
          'journey: pet details with stock': (b) => b?.['id'] === petId && typeof b['stock'] === 'object',
        },
        flavour,
      ),
    );
    const available = (details.body?.['stock'] as { available?: unknown } | undefined)?.available;
    if (typeof available === 'number' && available >= MIN_PET_STOCK) {
      const c = details.body?.['category'];
      pet = { id: petId, category: typeof c === 'string' ? c : undefined };
      break;
    }
  }
  const items: OrderItem[] = [
    ...(pet ? [{ product_id: pet.id, quantity: 1 }] : []),
    { product_id: supplyFor(pet?.category ?? category, random), quantity: 1 },
  ];

  // 5 checkout: the order saga behind the storefront.
  const placed = record(
    stepCheck(
      'create_order',
      checkout(
        { customer_id: customer, items },
        call(declined ? [402] : [201], declined ? PAYMENT_DECLINE : undefined),
      ),
      cid,
      {
        'journey: checkout answered as intended': (b) =>
          declined
            ? b?.['error'] === 'payment_declined' && b['status'] === 'failed'
            : b?.['status'] === 'confirmed' && b['correlation_id'] === cid,
        'journey: checkout names the order': (b) => typeof b?.['order_id'] === 'string',
      },
      flavour,
    ),
  );
  const orderId = placed.body?.['order_id'];
  if (typeof orderId !== 'string') {
    ok = false;
    return done();
  }

  // 6 payment as the saga settled it.
  record(
    stepCheck(
      'process_payment',
      getPayment(orderId, call()),
      cid,
      {
        'journey: payment settled as intended': (b) =>
          (b?.['payment'] as { status?: unknown } | undefined)?.status ===
          (declined ? 'declined' : 'captured'),
      },
      flavour,
    ),
  );

  // 7 delivery: booked for a confirmed order, refused (409) for a failed one.
  const delivery = {
    date: dateInDays(DELIVERY_IN_DAYS),
    window: pick(DELIVERY_WINDOWS, random) ?? 'morning',
  };
  record(
    stepCheck(
      'schedule_delivery',
      scheduleDelivery(orderId, delivery, call(declined ? [409] : [201])),
      cid,
      {
        'journey: delivery answered as intended': (b) =>
          declined
            ? b?.['error'] === 'order_not_confirmed'
            : b?.['date'] === delivery.date && typeof b['delivery_id'] === 'string',
      },
      flavour,
    ),
  );

  // 8 tracking: the order's end state.
  record(
    stepCheck(
      'track_order',
      getTracking(orderId, call()),
      cid,
      {
        'journey: tracking shows the end state': (b) =>
          b?.['order_id'] === orderId &&
          (declined
            ? b['status'] === 'failed' && b['delivery'] === null
            : b['status'] === 'confirmed' && b['delivery'] !== null),
      },
      flavour,
    ),
  );

  return done();
}
