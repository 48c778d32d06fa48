// Self-test of the shared lib, run by real k6 in `make test` (no services needed): the generators,
// formats and schedules the scenarios rely on, checked in the runtime that uses them. Any failed
// check fails the `checks` threshold, so k6 exits 99.
import { check } from 'k6';
import { FRAUD_CHECK_THRESHOLD_DOLLARS } from '../catalog/thresholds.ts';
import { PRODUCTS, SUPPLIES } from '../catalog/products.ts';
import { canaryConfig, DEFAULT_CANARY_VERSION, DEFAULT_STABLE_VERSION } from './lib/canary.ts';
import { cartTotal, customerId, largeCart, smallCart } from './lib/carts.ts';
import { CORRELATION_ID_PATTERN, correlationId } from './lib/correlation.ts';
import { injectAt } from './lib/faults.ts';
import { idempotencyKey, mustRetry, withKey } from './lib/idempotency.ts';
import { customerOf, parseProfiles, supplyFor } from './lib/journey.ts';
import { phaseAt } from './lib/phases.ts';
import { scaler } from './lib/scale.ts';
import { dateInDays } from './lib/storefront.ts';

export const options = {
  scenarios: { selftest: { executor: 'shared-iterations', vus: 1, iterations: 1 } },
  thresholds: { checks: ['rate==1'] },
};

const DRAWS = 2000;
const skus = new Set(PRODUCTS.map((p) => p.sku));

/** A fixed instant, so formats that carry the time can be checked exactly. */
const fixed = new Date(Date.UTC(2026, 10, 21, 15, 30, 12));

const throws = (fn: () => unknown): boolean => {
  try {
    fn();
    return false;
  } catch {
    return true;
  }
};

/** Carts: within the fraud-check bands, known SKUs, catalog prices. */
function carts(): void {
  const smalls = Array.from({ length: DRAWS }, () => smallCart());
  const larges = Array.from({ length: DRAWS }, () => largeCart());
  check(null, {
    'small carts stay under the fraud-check threshold': () =>
      smalls.every((c) => c.totalDollars > 0 && c.totalDollars < FRAUD_CHECK_THRESHOLD_DOLLARS),
    'large carts exceed the fraud-check threshold': () =>
      larges.every((c) => c.totalDollars > FRAUD_CHECK_THRESHOLD_DOLLARS),
    'carts hold known SKUs, each once, with positive quantities': () =>
      [...smalls, ...larges].every(
        (c) =>
          c.items.length > 0 &&
          new Set(c.items.map((i) => i.product_id)).size === c.items.length &&
          c.items.every((i) => skus.has(i.product_id) && i.quantity >= 1),
      ),
    'cart totals use catalog prices': () =>
      cartTotal([{ product_id: 'golden-retriever-001', quantity: 2 }]) === 2400,
    'carts draw pets as well as supplies': () =>
      [...smalls, ...larges].some((c) => c.items.some((i) => !i.product_id.startsWith('SUP-'))),
    'customer ids come from the pool': () => /^CUST-\d{5}$/.test(customerId()),
  });
}

/** Idempotency keys and what is retried with them. */
function idempotencyKeys(): void {
  const keys = Array.from({ length: 500 }, () => idempotencyKey());
  const answer = (status: number, headers: Record<string, string> = {}) => ({ status, headers });
  check(null, {
    'idempotency keys are 32 hex characters, each new': () =>
      keys.every((k) => /^[0-9a-f]{32}$/.test(k)) && new Set(keys).size === keys.length,
    'withKey adds a key and keeps the other headers': () => {
      const h = withKey({ 'X-Correlation-ID': 'TXN-1' });
      return h['X-Correlation-ID'] === 'TXN-1' && /^[0-9a-f]{32}$/.test(h['Idempotency-Key'] ?? '');
    },
    'lost requests, 5xx and "retry after" answers are retried with the key': () =>
      mustRetry(answer(0)) &&
      mustRetry(answer(503)) &&
      mustRetry(answer(500)) &&
      mustRetry(answer(409, { 'Retry-After': '1' })),
    'final answers are not retried': () =>
      [201, 400, 402, 409, 422].every((status) => !mustRetry(answer(status))),
  });
}

/** Correlation IDs: format, time, uniqueness. */
function correlationIds(): void {
  const ids = Array.from({ length: 500 }, () => correlationId());
  check(null, {
    'correlation ids have the TXN format': () => ids.every((id) => CORRELATION_ID_PATTERN.test(id)),
    'correlation ids carry the UTC time': () =>
      correlationId(fixed, () => 0).startsWith('TXN-20261121-153012-') &&
      correlationId(fixed, () => 0.999).endsWith('-zzzzzz'),
    'correlation ids are unique': () => new Set(ids).size === ids.length,
  });
}

/** Fault injection hits its share. */
function faultInjection(): void {
  const injectedOf = (n: number, share: number) =>
    Array.from({ length: n }, (_, i) => injectAt(i, share)).filter(Boolean).length;
  check(null, {
    'fault injection hits the share exactly over 20 iterations': () => injectedOf(20, 0.15) === 3,
    'fault injection stays within 3 points of 15 % from 12 iterations on': () =>
      Array.from({ length: 300 }, (_, k) => k + 12).every(
        (n) => Math.abs(injectedOf(n, 0.15) / n - 0.15) <= 0.03,
      ),
    'no injection at share 0': () => injectedOf(100, 0) === 0,
  });
}

/** Scaling of durations, rates and VU pools; phases. */
function scaling(): void {
  const full = scaler(1);
  const smoke = scaler(0.01);
  check(null, {
    'scale 1 keeps durations and rates': () => full.duration(120) === '120s' && full.rate(40) === 40,
    'smoke scale shrinks durations to at least 1 s': () =>
      smoke.duration(1800) === '18s' && smoke.duration(60) === '1s',
    'smoke scale keeps a few requests per second': () => smoke.rate(300) === 5 && smoke.rate(2) === 2,
    'a separate rate factor keeps rates while durations shrink': () =>
      scaler(0.1, 600, 1).duration(300) === '30s' && scaler(0.1, 600, 1).rate(12) === 12,
    'VU pools follow the arrival rate within the cap': () =>
      full.vusFor(10, 1.5) === 30 && full.vusFor(0.1, 0.1) === 2 && scaler(1, 50).vusFor(300, 6) === 50,
    'phases are found by elapsed time': () => {
      const phases = [
        { name: 'a', seconds: 2 },
        { name: 'b', seconds: 3 },
      ];
      return phaseAt(phases, 0) === 'a' && phaseAt(phases, 2500) === 'b' && phaseAt(phases, 9000) === 'b';
    },
  });
}

/** The journey's supplies, customers, delivery dates and profile parsing. */
function journeyHelpers(): void {
  const supplyFits = (category: string) =>
    Array.from({ length: 200 }, () => supplyFor(category)).every((sku) =>
      SUPPLIES.some((s) => s.sku === sku && s.forCategories.some((c) => c === category) && s.price <= 100),
    );
  check(null, {
    'journey supplies fit the pet and stay everyday': () => supplyFits('dog') && supplyFits('fish'),
    'journey customers belong to their profile': () =>
      /^family-pet-seeker-\d{1,3}$/.test(customerOf({ id: 'family-pet-seeker', preferences: {} })),
    'delivery dates are calendar days ahead': () => dateInDays(3, fixed) === '2026-11-24',
    'profiles without ids are refused': () =>
      throws(() => parseProfiles({ profiles: [{ preferences: {} }] })) &&
      throws(() => parseProfiles({})) &&
      parseProfiles({ profiles: [{ id: 'a', preferences: {} }] }).length === 1,
  });
}

/** Canary settings from the environment. */
function canarySettings(): void {
  const defaults = canaryConfig({});
  check(null, {
    'canary defaults are the deployed versions, split not gated': () =>
      defaults.stableVersion === DEFAULT_STABLE_VERSION &&
      defaults.canaryVersion === DEFAULT_CANARY_VERSION &&
      DEFAULT_CANARY_VERSION !== DEFAULT_STABLE_VERSION &&
      defaults.expectedWeight === undefined &&
      defaults.tolerance === 5,
    'canary weight and tolerance come from the environment': () => {
      const c = canaryConfig({
        CANARY_EXPECTED_WEIGHT: '10',
        CANARY_WEIGHT_TOLERANCE: '2',
        CANARY_VERSION: '9.9.9',
      });
      return c.expectedWeight === 10 && c.tolerance === 2 && c.canaryVersion === '9.9.9';
    },
    'a canary weight outside 0..100 is refused': () =>
      throws(() => canaryConfig({ CANARY_EXPECTED_WEIGHT: '110' })) &&
      throws(() => canaryConfig({ CANARY_EXPECTED_WEIGHT: 'ten' })),
    'a promotion sets the canary load rate and length, or neither': () => {
      const c = canaryConfig({ CANARY_RPS: '60', CANARY_DURATION: '300' });
      return (
        c.rate === 60 &&
        c.durationSeconds === 300 &&
        defaults.rate === undefined &&
        defaults.durationSeconds === undefined &&
        throws(() => canaryConfig({ CANARY_RPS: '0' })) &&
        throws(() => canaryConfig({ CANARY_DURATION: 'long' }))
      );
    },
  });
}

export default function (): void {
  carts();
  idempotencyKeys();
  correlationIds();
  faultInjection();
  scaling();
  journeyHelpers();
  canarySettings();
}
